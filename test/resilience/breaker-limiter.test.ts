import Redis from 'ioredis';
import type { BreakerLimitDecision, BreakerLimitRequest } from '../../lib/resilience/breaker-decision';
import { allBreakerRecordKeys, breakerRecordKeyBeside, fromRedisValue, toRedisValue, type BreakerRecord } from '../../lib/resilience/breaker-record';
import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import { tierWindows } from '../../lib/rate-limit/rate-limiter';
import { RedisRateLimiter } from '../../lib/rate-limit/redis-limiter';
import { TestRedisServer } from '../rate-limit/redis-server';

const T0 = 1_800_000_000_000;
const OPEN: BreakerRecord = { state: 'OPEN', openedAtMs: T0, waitMs: 30_000, halfOpenPeriod: -1, halfOpenCalls: 0 };
const windows = tierWindows({ minute: 5, hour: 100 });

/** One limiter under test and a way to write the service's breaker record where it reads it. */
interface Subject {
  check(request: BreakerLimitRequest): Promise<BreakerLimitDecision>;
  setRecord(key: string, service: string, record: BreakerRecord): Promise<void>;
}

let server: TestRedisServer;
let admin: Redis;
let now = T0;
let run = 0;
const closing: (() => Promise<unknown>)[] = [];

beforeAll(async () => { server = await TestRedisServer.start(); admin = new Redis(server.url); });
beforeEach(() => { now = T0; run += 1; });
afterEach(async () => { await Promise.all(closing.splice(0).map((close) => close())); });
afterAll(async () => { await admin.quit(); await server.kill(); });

function redisSubject(): Subject & { limiter: RedisRateLimiter; prefix: string; breakerPrefix: string } {
  const prefix = `t${run}:`;
  const breakerPrefix = `b${run}:`;
  const limiter = RedisRateLimiter.fromUrl(server.url, { timeoutMs: 1000, clock: () => now, keyPrefix: prefix, breakerKeyPrefix: breakerPrefix, faultTolerant: false });
  closing.push(() => limiter.close());
  // Connected before the first check: on a loaded machine the cold connection can outlast the
  // limiter's first-call budget, and these tests are about the breaker, not the cold start.
  const connected = limiter.ready(10_000);
  return {
    limiter, prefix, breakerPrefix,
    check: async (r) => { await connected; return limiter.check(r); },
    // As the state Lambda does: every slot's copy, in one pipeline.
    setRecord: async (_key, service, record) => {
      const value = toRedisValue(record);
      const pipeline = admin.pipeline();
      for (const key of allBreakerRecordKeys(service, breakerPrefix)) pipeline.set(key, value);
      await pipeline.exec();
    },
  };
}

function memorySubject(): Subject {
  const limiter = new InMemoryRateLimiter({ clock: () => now });
  return { check: (r) => limiter.check(r), setRecord: async (_key, service, record) => { limiter.breakerRecords.set(service, record); } };
}

describe.each([['RedisRateLimiter', redisSubject], ['InMemoryRateLimiter', memorySubject]] as const)('%s with a breaker', (_name, make) => {
  const orders = { service: 'orders', trickleCount: 2 };

  it('admits and counts as before when the service has no record: verdict closed', async () => {
    const s = make();
    const d = await s.check({ key: 'c:a', windows, breaker: orders });
    expect(d).toMatchObject({ allowed: true, breaker: { state: 'closed', admitted: true } });
    expect(d.windows[0].remaining).toBe(4);
  });

  it('sheds while OPEN with the wait as Retry-After, and counts nothing', async () => {
    const s = make();
    await s.check({ key: 'c:a', windows, breaker: orders });
    await s.setRecord('c:a', 'orders', OPEN);
    now = T0 + 10_500;
    for (let i = 0; i < 10; i++) {
      const shed = await s.check({ key: 'c:a', windows, breaker: orders });
      expect(shed).toMatchObject({ allowed: false, degraded: false, retryAfterSeconds: 20, breaker: { state: 'open', admitted: false, retryAfterMs: 19_500 } });
      expect(shed.refusedBy).toBeUndefined();
    }
    // The ten shed requests spent none of the consumer's budget: 1 of 5 used.
    expect((await s.check({ key: 'c:a', windows })).windows[0].remaining).toBe(3);
  });

  it('sheds everything while FORCED_OPEN (maintenance) with its Retry-After hint', async () => {
    const s = make();
    await s.setRecord('c:a', 'orders', { ...OPEN, state: 'FORCED_OPEN', waitMs: 120_000 });
    expect(await s.check({ key: 'c:a', windows, breaker: orders })).toMatchObject({ allowed: false, retryAfterSeconds: 120, breaker: { state: 'forced_open', admitted: false, retryAfterMs: 120_000 } });
  });

  it('lets trickleCount requests through per half-open period, then sheds until the next period', async () => {
    const s = make();
    await s.setRecord('c:a', 'orders', OPEN);
    now = T0 + 30_000;
    expect((await s.check({ key: 'c:a', windows, breaker: orders })).breaker).toEqual({ state: 'half_open', admitted: true });
    expect((await s.check({ key: 'c:a', windows, breaker: orders })).breaker).toEqual({ state: 'half_open', admitted: true });
    now = T0 + 40_000;
    expect(await s.check({ key: 'c:a', windows, breaker: orders })).toMatchObject({ allowed: false, retryAfterSeconds: 20, breaker: { state: 'half_open', admitted: false, retryAfterMs: 20_000 } });
    now = T0 + 60_000;
    expect((await s.check({ key: 'c:a', windows, breaker: orders })).breaker).toEqual({ state: 'half_open', admitted: true });
  });

  it('does not spend a trial on a request the windows refuse (429, not a trial call)', async () => {
    const s = make();
    for (let i = 0; i < 5; i++) await s.check({ key: 'c:a', windows });
    await s.setRecord('c:a', 'orders', OPEN);
    now = T0 + 30_000;
    const limited = await s.check({ key: 'c:a', windows, breaker: { service: 'orders', trickleCount: 1 } });
    expect(limited).toMatchObject({ allowed: false, refusedBy: 'minute', breaker: { state: 'half_open', admitted: true } });
    // The same counters under a larger limit have room: the one trial is still there to spend.
    const roomier = tierWindows({ minute: 50, hour: 100 });
    expect(await s.check({ key: 'c:a', windows: roomier, breaker: { service: 'orders', trickleCount: 1 } })).toMatchObject({ allowed: true, breaker: { state: 'half_open', admitted: true } });
    expect(await s.check({ key: 'c:a', windows: roomier, breaker: { service: 'orders', trickleCount: 1 } })).toMatchObject({ allowed: false, breaker: { state: 'half_open', admitted: false } });
  });

  it('refuses a negative trickle count', async () => {
    await expect(make().check({ key: 'c:a', windows, breaker: { service: 'orders', trickleCount: -1 } })).rejects.toThrow('breaker orders: trickleCount must be a non-negative integer, got -1');
  });
});

describe('RedisRateLimiter with a breaker, on the wire', () => {
  it('sends exactly one EVALSHA per check, with the breaker record among its keys', async () => {
    const s = redisSubject();
    expect(await s.limiter.ready()).toBe(true);
    await s.check({ key: 'c:warm', windows, breaker: { service: 'orders', trickleCount: 1 } }); // the connection's first call is an EVAL
    const watcher = new Redis(server.url);
    const monitor = await watcher.monitor(); // a second connection in monitor mode
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => { if (source !== 'lua') seen.push(args.map(String)); });
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 20; i++) await s.check({ key: 'c:mon', windows, breaker: { service: 'orders', trickleCount: 1 } });
    await new Promise((r) => setTimeout(r, 100));
    // Taken before the watcher closes: its own QUIT (and other connections' housekeeping) is not a check's round trip.
    const observed = seen.splice(0);
    monitor.disconnect();
    await watcher.quit();
    // MONITOR also lists the script's own commands (TIME, MGET, INCRBY, PEXPIRE, SET) without the "lua" source on some versions.
    const roundTrips = observed.filter(([c]) => !['time', 'mget', 'incrby', 'pexpire', 'set', 'quit'].includes(c.toLowerCase()));
    expect(roundTrips.map(([c]) => c.toLowerCase())).toEqual(Array(20).fill('evalsha'));
    const recordKey = breakerRecordKeyBeside(`${s.prefix}{c:mon}`, 'orders', s.breakerPrefix);
    expect(roundTrips.every((args) => args[2] === '5' && args[7] === recordKey)).toBe(true); // 4 window keys, then the record
  });

  it('counts the trickle per cluster slot: consumers in two slots each get trickleCount calls', async () => {
    const s = redisSubject();
    await s.setRecord('c:a', 'orders', OPEN);
    now = T0 + 30_000;
    const trickle = { service: 'orders', trickleCount: 1 };
    expect((await s.check({ key: 'c:a', windows, breaker: trickle })).breaker).toEqual({ state: 'half_open', admitted: true });
    expect((await s.check({ key: 'c:a', windows, breaker: trickle })).breaker).toMatchObject({ state: 'half_open', admitted: false });
    expect((await s.check({ key: 'c:b', windows, breaker: trickle })).breaker).toEqual({ state: 'half_open', admitted: true }); // another slot, another copy
  });

  it('keeps the spent trickle in the record copy of the consumer\'s slot', async () => {
    const s = redisSubject();
    await s.setRecord('c:a', 'orders', OPEN);
    now = T0 + 65_000; // period 1
    await s.check({ key: 'c:a', windows, breaker: { service: 'orders', trickleCount: 3 } });
    const stored = await admin.get(breakerRecordKeyBeside(`${s.prefix}{c:a}`, 'orders', s.breakerPrefix));
    expect(fromRedisValue(stored)).toEqual({ ...OPEN, halfOpenPeriod: 1, halfOpenCalls: 1 });
  });

  it('makes the same decisions as the in-memory limiter while the breaker opens, trickles and closes', async () => {
    const redis = redisSubject();
    const memory = memorySubject();
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const records: BreakerRecord[] = [OPEN, { ...OPEN, state: 'CLOSED' }, { ...OPEN, state: 'FORCED_OPEN' }];
    const got: [BreakerLimitDecision, BreakerLimitDecision][] = [];
    for (let i = 0; i < 300; i++) {
      now += Math.floor(random() * 4_000);
      if (random() < 0.05) {
        const record = { ...records[Math.floor(random() * records.length)], openedAtMs: now };
        await redis.setRecord('c:x', 'orders', record);
        await memory.setRecord('c:x', 'orders', record);
      }
      const request = { key: 'c:x', windows, breaker: { service: 'orders', trickleCount: 2 } };
      got.push([await redis.check(request), await memory.check(request)]);
    }
    for (const [r, m] of got) expect(r).toEqual(m);
    const states = new Set(got.map(([r]) => `${r.breaker?.state}:${r.breaker?.admitted}`));
    expect([...states].sort()).toEqual(['closed:true', 'forced_open:false', 'half_open:false', 'half_open:true', 'open:false']);
  });
});
