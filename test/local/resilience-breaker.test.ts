import Redis from 'ioredis';
import type { BreakerRecord } from '../../lib/resilience/breaker-record';
import { readBreakerRecord, writeBreakerRecord } from '../../lib/resilience/breaker-writer';
import { TestRedisServer } from '../rate-limit/redis-server';
import { startFlakyUpstream, type FlakyUpstream } from './support/flaky-upstream';
import { apiKey, startTestGateway, type TestGateway } from './support/harness';

/**
 * The twin's circuit breaker seen from outside: user-service-v1 (GET /v1/users) on a real flaky
 * upstream, its breaker judging every call, the authorizer shedding from the record the breaker's
 * transitions write. Manual clock: the breaker's window, its wait and the limiter's trickle all
 * read it, so 10 s of wait pass in one message instead of a sleep.
 */

/** An hour boundary in the near future, as in rate-limits.test.ts. */
const T0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;
const SERVICE = 'user-service-v1';
const BREAKER = { minimum_calls: 4, failure_rate_threshold: 50, wait_seconds: 10, half_open_calls: 2, slow_call_duration_ms: 100 };
/**
 * Every shed request's Retry-After: API Gateway renders one static response for them
 * (lib/contract/responses.ts), with the shortest wait of the config: this breaker's 10 s.
 */
const SHED_RETRY_AFTER = '10';

async function until(done: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

const closedRecord: BreakerRecord = { state: 'CLOSED', openedAtMs: 0, waitMs: 0, halfOpenPeriod: -1, halfOpenCalls: 0 };

describe.each(['in-memory', 'Redis'] as const)('circuit breaker of a service (limiter %s)', (store) => {
  let flaky: FlakyUpstream;
  let gw: TestGateway;
  let redis: TestRedisServer | undefined;
  let admin: Redis | undefined;
  let key: string;
  const get = (path = '/v1/users') => fetch(`${gw.url}${path}`, { headers: { 'x-api-key': key } });
  const statuses = async (n: number) => { const out: number[] = []; for (let i = 0; i < n; i++) out.push((await get()).status); return out; };
  /** The record the authorizer reads (Redis only: the in-memory one lives in the gateway's thread). */
  const stored = () => readBreakerRecord(admin!, SERVICE);

  beforeAll(async () => {
    flaky = await startFlakyUpstream('flaky');
    if (store === 'Redis') {
      redis = await TestRedisServer.start();
      admin = new Redis(redis.url);
      // What an earlier run could leave behind: an OPEN record for the next hour.
      await writeBreakerRecord(admin, SERVICE, { state: 'OPEN', openedAtMs: T0 - 1000, waitMs: 3_600_000, halfOpenPeriod: -1, halfOpenCalls: 0 });
    }
    gw = await startTestGateway({
      manualClockStart: T0,
      redisUrl: redis?.url,
      overrides: {
        services: [{ name: SERVICE, local_url: flaky.url, circuit_breaker: BREAKER }],
        routes: [{
          name: 'maintained', paths: ['/v1/maintained'], methods: ['GET'], service: SERVICE, auth: { strategies: ['api_key'] },
          maintenance: { retry_after_seconds: 120 },
        }],
      },
    });
    key = apiKey(gw.credentials, 'demo-enterprise');
  });
  afterAll(async () => {
    await gw.close();
    await flaky.close();
    await admin?.quit();
    await redis?.kill();
  });

  if (store === 'Redis') {
    it('starts on a Redis holding an OPEN record of an earlier run by resetting it to CLOSED', async () => {
      expect(await stored()).toEqual(closedRecord);
    });
  }

  it('opens at the failure-rate threshold: the 4th call, the 2nd of 4 to fail (50 %), is the last to reach the upstream', async () => {
    flaky.behave({ kind: 'failing', percent: 50, status: 500 });
    expect(await statuses(4)).toEqual([200, 500, 200, 500]);
    if (store === 'Redis') {
      // Written before the 4th answer, every cluster-slot copy, dated by the gateway clock.
      expect(await stored()).toEqual({ state: 'OPEN', openedAtMs: T0, waitMs: 10_000, halfOpenPeriod: -1, halfOpenCalls: 0 });
    }
    await gw.logs();
    const shed = await get();
    expect({ status: shed.status, retryAfter: shed.headers.get('retry-after'), body: await shed.json() }).toEqual({
      status: 503, retryAfter: SHED_RETRY_AFTER,
      body: { message: 'Service unavailable, retry after the time given', code: 'service_unavailable', requestId: shed.headers.get('x-amzn-requestid') },
    });
    expect(flaky.hits.total).toBe(4);
    expect((await gw.logs()).pop()).toMatchObject({ status: 503, route: 'api-v1-users', reason: 'circuit_open' });
  });

  it('sheds every request until the 10 s wait is over, without calling the upstream', async () => {
    flaky.behave({ kind: 'healthy' });
    await gw.advance(4_000);
    expect(await statuses(3)).toEqual([503, 503, 503]);
    await gw.advance(5_999); // 1 ms before the wait ends
    expect(await statuses(1)).toEqual([503]);
    expect(flaky.hits.total).toBe(0);
  });

  it('half-opens when the wait is over, lets exactly its 2 trial calls through, and closes when they succeed', async () => {
    flaky.behave({ kind: 'holding' });
    await gw.advance(1); // T0 + 10 s
    const trials = [get(), get()];
    await until(() => flaky.hits.total === 2);
    // Both trial calls in flight: the trickle of this half-open period is spent.
    expect(await statuses(1)).toEqual([503]);
    flaky.release();
    expect((await Promise.all(trials)).map((r) => r.status)).toEqual([200, 200]);
    if (store === 'Redis') expect(await stored()).toEqual(closedRecord);
    flaky.behave({ kind: 'healthy' });
    expect(await statuses(5)).toEqual([200, 200, 200, 200, 200]);
    expect(flaky.hits.total).toBe(5);
  });

  it('opens again for a whole wait when its trial calls fail', async () => {
    await gw.advance(60_000); // a fresh window
    flaky.behave({ kind: 'failing', percent: 100, status: 502 });
    expect(await statuses(5)).toEqual([502, 502, 502, 502, 503]);
    await gw.advance(10_000);
    // Both trial calls fail: 100 % of the half-open window -> OPEN at this instant, for 10 s more.
    expect(await statuses(3)).toEqual([502, 502, 503]);
    if (store === 'Redis') expect(await stored()).toEqual({ state: 'OPEN', openedAtMs: T0 + 80_000, waitMs: 10_000, halfOpenPeriod: -1, halfOpenCalls: 0 });
    expect(flaky.hits.total).toBe(6);
    flaky.behave({ kind: 'healthy' });
    await gw.advance(9_999);
    expect(await statuses(1)).toEqual([503]);
    await gw.advance(1);
    expect(await statuses(3)).toEqual([200, 200, 200]);
  });

  it('answers a route in maintenance 503 from the authorizer, the upstream never called (config maintenance, no breaker involved)', async () => {
    flaky.behave({ kind: 'healthy' });
    await gw.logs();
    const res = await get('/v1/maintained');
    expect({ status: res.status, retryAfter: res.headers.get('retry-after'), code: (await res.json() as { code: string }).code })
      .toEqual({ status: 503, retryAfter: SHED_RETRY_AFTER, code: 'service_unavailable' });
    expect((await gw.logs()).pop()).toMatchObject({ status: 503, route: 'maintained', reason: 'maintenance' });
    expect(flaky.hits.total).toBe(0);
    expect((await get()).status).toBe(200); // the service's other route serves on
  });

  it('opens when every call in the window is slower than slow_call_duration_ms (100 ms), though each answered 200', async () => {
    await gw.advance(60_000);
    flaky.behave({ kind: 'slow', delayMs: 150 });
    expect(await statuses(5)).toEqual([200, 200, 200, 200, 503]);
    expect(flaky.hits.total).toBe(4);
  });
});
