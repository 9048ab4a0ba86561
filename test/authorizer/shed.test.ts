import Redis from 'ioredis';
import { REASON, SHED_RESULT_KEY } from '../../lib/contract/authorizer-context';
import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import { RedisRateLimiter } from '../../lib/rate-limit/redis-limiter';
import type { RateLimitRequest } from '../../lib/rate-limit/rate-limiter';
import type { BreakerRecord } from '../../lib/resilience/breaker-record';
import { writeBreakerRecord } from '../../lib/resilience/breaker-writer';
import type { BreakerRateLimiter } from '../../lambdas/authorizer/limit';
import { TestRedisServer } from '../rate-limit/redis-server';
import { requestEvent } from './events';
import { API_KEYS, harness, issuersForSuite, testConfig } from './fixtures';

/**
 * A shed request through the whole authorizer: the route's service breaker (read by the limiter
 * in its one call) or the route's maintenance turns the request into the result API Gateway
 * answers 503 for (lambdas/authorizer/shed.ts): a Deny whose context holds an object.
 */
const suite = issuersForSuite();
const SERVICE = 'user-service-v1';
const T0 = 1_800_000_000_000;
const OPEN: BreakerRecord = { state: 'OPEN', openedAtMs: T0, waitMs: 30_000, halfOpenPeriod: -1, halfOpenCalls: 0 };
const FORCED: BreakerRecord = { state: 'FORCED_OPEN', openedAtMs: T0, waitMs: 300_000, halfOpenPeriod: -1, halfOpenCalls: 0 };
let now = T0;
beforeEach(() => { now = T0; });

const usersCall = () => requestEvent({ path: '/v1/users', headers: { 'x-api-key': API_KEYS.enterprise } });
const config = (over: Parameters<typeof testConfig>[1] = {}) => testConfig(suite.partners.url, { breakers: { [SERVICE]: { trickleCount: 2 } }, ...over });
const shedOf = (result: unknown) => (result as { context: Record<string, unknown> }).context[SHED_RESULT_KEY];
const effectOf = (result: unknown) => (result as { policyDocument: { Statement: { Effect: string }[] } }).policyDocument.Statement[0].Effect;

function withLimiter(limiter: BreakerRateLimiter, over: Parameters<typeof testConfig>[1] = {}) {
  return harness({ config: config(over), cognitoKeys: suite.cognitoKeys, partnersUrl: suite.partners.url, limiter, clock: () => now });
}

describe('the authorizer with a circuit breaker', () => {
  it('allows as before while the service has no record (closed)', async () => {
    const h = withLimiter(new InMemoryRateLimiter({ clock: () => now }));
    const result = await h.authorize(usersCall());
    expect([effectOf(result), shedOf(result)]).toEqual(['Allow', undefined]);
  });

  it('sheds a request to an open service: a Deny holding {reason: circuit_open, retryAfterSeconds} as an object', async () => {
    const limiter = new InMemoryRateLimiter({ clock: () => now });
    limiter.breakerRecords.set(SERVICE, OPEN);
    const h = withLimiter(limiter);
    now = T0 + 10_000;
    const result = await h.authorize(usersCall());
    expect(effectOf(result)).toBe('Deny');
    expect(shedOf(result)).toEqual({ reason: REASON.circuitOpen, retryAfterSeconds: 20 });
    // The API method as API Gateway's metrics name it: the breaker alarm of a public service subtracts these 503s.
    expect(h.outcomes.at(-1)).toMatchObject({ effect: 'shed', reason: 'circuit_open', route: 'api-v1-users', upstream: SERVICE, apiMethod: { resource: '/v1/users', method: 'GET' } });
  });

  it('lets the configured trickle through once the wait is over, then sheds again', async () => {
    const limiter = new InMemoryRateLimiter({ clock: () => now });
    limiter.breakerRecords.set(SERVICE, OPEN);
    const h = withLimiter(limiter);
    now = T0 + 30_000;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await h.authorize(usersCall()));
    expect(results.map(effectOf)).toEqual(['Allow', 'Allow', 'Deny', 'Deny']);
    expect(shedOf(results[2])).toMatchObject({ reason: REASON.circuitOpen });
  });

  it('names maintenance as the reason when an operator forced the breaker open', async () => {
    const limiter = new InMemoryRateLimiter({ clock: () => now });
    limiter.breakerRecords.set(SERVICE, FORCED);
    const result = await withLimiter(limiter).authorize(usersCall());
    expect(shedOf(result)).toEqual({ reason: REASON.maintenance, retryAfterSeconds: 300 });
  });

  it('leaves other services\' routes alone', async () => {
    const limiter = new InMemoryRateLimiter({ clock: () => now });
    limiter.breakerRecords.set('some-other-service', OPEN);
    expect(effectOf(await withLimiter(limiter).authorize(usersCall()))).toBe('Allow');
  });
});

describe('the authorizer with a route in maintenance (config)', () => {
  it('sheds before the limiter: nothing is counted and the configured Retry-After is given', async () => {
    const calls: RateLimitRequest[] = [];
    const counting = new InMemoryRateLimiter({ clock: () => now });
    const limiter: BreakerRateLimiter = { check: (r) => { calls.push(r); return counting.check(r); }, close: () => counting.close() };
    const h = withLimiter(limiter, { maintenance: { 'api-v1-users': { retryAfterSeconds: 600 } } });
    const result = await h.authorize(usersCall());
    expect(shedOf(result)).toEqual({ reason: REASON.maintenance, retryAfterSeconds: 600 });
    expect(calls).toEqual([]);
    expect(h.outcomes.at(-1)).toMatchObject({ effect: 'shed', reason: 'maintenance' });
  });
});

describe('the authorizer with a breaker on Redis', () => {
  let server: TestRedisServer;
  let admin: Redis;
  beforeAll(async () => { server = await TestRedisServer.start(); admin = new Redis(server.url); });
  afterAll(async () => { await admin.quit(); await server.kill(); });

  it('reads the record the state function wrote and sheds, in exactly one Redis round trip per request', async () => {
    const limiter = RedisRateLimiter.fromUrl(server.url, { timeoutMs: 1000, clock: () => now, keyPrefix: 'shed:', breakerKeyPrefix: 'shedbr:', faultTolerant: false });
    await limiter.ready(10_000);
    const h = withLimiter(limiter);
    const watcher = new Redis(server.url);
    const monitor = await watcher.monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => { if (source !== 'lua') seen.push(String(args[0]).toLowerCase()); });
    await new Promise((r) => setTimeout(r, 50));
    try {
      const before = [];
      for (let i = 0; i < 5; i++) before.push(effectOf(await h.authorize(usersCall())));
      await writeBreakerRecord(admin, SERVICE, OPEN, 'shedbr:');
      seen.length = 0;
      now = T0 + 1_000;
      const after = [];
      for (let i = 0; i < 5; i++) after.push(shedOf(await h.authorize(usersCall())));
      await new Promise((r) => setTimeout(r, 100));
      const observed = seen.splice(0);
      expect(before).toEqual(Array(5).fill('Allow'));
      expect(after).toEqual(Array(5).fill({ reason: REASON.circuitOpen, retryAfterSeconds: 29 }));
      // MONITOR may list the script's own commands without the "lua" source on some versions.
      expect(observed.filter((c) => !['time', 'mget', 'incrby', 'pexpire', 'set'].includes(c))).toEqual(Array(5).fill('evalsha'));
    } finally {
      monitor.disconnect();
      await watcher.quit();
      await limiter.close();
    }
  });
});
