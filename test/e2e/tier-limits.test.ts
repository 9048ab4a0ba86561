import Redis from 'ioredis';
import { TestRedisServer } from '../rate-limit/redis-server';
import { burst, type Answer, type GatewayProcess, startGatewayProcess } from './support/gateway-process';

/**
 * Issue 10, through the interface a user touches: `npm start` with the shipped gateway.config.yaml
 * (every route but /v1/plans has `limits: exact`, the default), real HTTP, a real redis-server.
 */
const FREE = { 'x-api-key': 'ghk_local_free_0000000000000000' }; // tier free: 60/min, 1000/h
const PRO = { 'x-api-key': 'ghk_local_pro_00000000000000000' }; // tier pro: 600/min, 10,000/h
const RUNS = [1, 2, 3, 4, 5];

const count = (answers: readonly Answer[], status: number) => answers.filter((a) => a.status === status).length;

describe('tier limits end to end: npm start, shipped config', () => {
  let redis: TestRedisServer;
  let admin: Redis;
  let memory: GatewayProcess;
  let a: GatewayProcess;
  let b: GatewayProcess;
  /** When the free key of `memory` may call again (its last 429's Retry-After). */
  let retryAt = 0;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    admin = new Redis(redis.url);
    // One gateway exactly as `npm start` runs it (in-memory limiter), two sharing one Redis.
    [memory, a, b] = await Promise.all([
      startGatewayProcess(),
      startGatewayProcess({ REDIS_URL: redis.url }),
      startGatewayProcess({ REDIS_URL: redis.url }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([memory, a, b].map((g) => g?.stop()));
    await admin?.quit();
    await redis?.kill();
  });

  it('gives the free key exactly 60 of 100 quick requests on one connection, then 429 with Retry-After', async () => {
    const answers = await burst([`${memory.url}/v1/users`], FREE, 100, 1);
    expect(answers.map((x) => x.status)).toEqual([...Array(60).fill(200), ...Array(40).fill(429)]);
    const refused = answers.filter((x) => x.status === 429);
    for (const r of refused) {
      expect(JSON.parse(r.body)).toMatchObject({ code: 'rate_limited', message: 'Rate limit exceeded. Upgrade at https://api.example.com/plans' });
      const retryAfter = Number(r.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(61); // the next minute, then one request's share of the decay
      expect(r.headers['x-ratelimit-remaining-minute']).toBe('0');
      expect(r.headers['ratelimit-policy']).toBe('"minute";q=60;w=60, "hour";q=1000;w=3600');
    }
    retryAt = Date.now() + Math.max(...refused.map((r) => Number(r.headers['retry-after']))) * 1000;
    expect(memory.logs().filter((l) => l.limiter === 'degraded')).toEqual([]);
  });

  it('gives the free key exactly 60 of 100 requests sent at once on 50 connections (Redis limiter)', async () => {
    await admin.flushall();
    a.logs();
    const answers = await burst([`${a.url}/v1/users`], FREE, 100, 50);
    expect({ admitted: count(answers, 200), refused: count(answers, 429) }).toEqual({ admitted: 60, refused: 40 });
    expect(answers.filter((x) => x.status === 429).every((x) => Number(x.headers['retry-after']) >= 1)).toBe(true);
    expect(a.logs().filter((l) => l.limiter === 'degraded')).toEqual([]);
  });

  // Five runs per tier, each from empty counters: admitted == limit every time, none uncounted.
  const CASES = [['free', FREE, 200, 60], ['pro', PRO, 1000, 600]] as const;
  it.each(RUNS.flatMap((run) => CASES.map(([tier, key, requests, limit]) => [tier, requests, limit, run, key] as const)))(
    'two processes, one Redis: one %s consumer sends %i concurrent requests, exactly %i are admitted, none degraded (run %i)',
    async (_tier, requests, limit, _run, key) => {
      await admin.flushall();
      a.logs(); b.logs();
      const answers = await burst([`${a.url}/v1/users`, `${b.url}/v1/users`], key, requests, 100);
      const logs = [...a.logs(), ...b.logs()];
      expect({ admitted: count(answers, 200), refused: count(answers, 429), degraded: logs.filter((l) => l.limiter === 'degraded').length })
        .toEqual({ admitted: limit, refused: requests - limit, degraded: 0 });
    },
  );

  it('admits the free key again once its Retry-After has passed', async () => {
    const wait = retryAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait + 50));
    const [again] = await burst([`${memory.url}/v1/users`], FREE, 1, 1);
    expect(again.status).toBe(200);
  }, 90_000);
});
