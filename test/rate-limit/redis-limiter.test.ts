import Redis from 'ioredis';
import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import { RateLimiterUnavailableError, tierWindows, type RateLimitDecision } from '../../lib/rate-limit/rate-limiter';
import { RedisRateLimiter } from '../../lib/rate-limit/redis-limiter';
import { SlowProxy, TestRedisServer } from './redis-server';

const T0 = 1_800_000_000_000; // minute and hour boundary

describe('RedisRateLimiter against a real redis-server', () => {
  let server: TestRedisServer;
  const open: RedisRateLimiter[] = [];
  let now = T0;
  let prefix = 0;
  const limiter = (props: { faultTolerant?: boolean; timeoutMs?: number; connectTimeoutMs?: number; onDegraded?: (e: unknown) => void; url?: string } = {}) => {
    const l = RedisRateLimiter.fromUrl(props.url ?? server.url, { timeoutMs: 1000, clock: () => now, keyPrefix: `t${prefix}:`, ...props });
    open.push(l);
    return l;
  };

  beforeAll(async () => { server = await TestRedisServer.start(); });
  beforeEach(() => { now = T0; prefix += 1; });
  afterEach(async () => { await Promise.all(open.splice(0).map((l) => l.close())); });
  afterAll(async () => { await server.kill(); });

  it('admits exactly 100 of 200 concurrent requests with two clients sharing one Redis', async () => {
    const [a, b] = [limiter(), limiter()];
    await Promise.all([a.ready(), b.ready()]);
    const windows = tierWindows({ minute: 100, hour: 1000 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).check({ key: 'c:acme', windows })));
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    expect(results.filter((r) => r.degraded)).toHaveLength(0);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterSeconds === 61 && r.windows[0].remaining === 0)).toBe(true);
    const remaining = results.filter((r) => r.allowed).map((r) => r.windows[0].remaining).sort((x, y) => x - y);
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => i)); // every count 0..99 seen once: atomic
  });

  it('rolls over as documented: the previous minute decays linearly', async () => {
    const l = limiter();
    const windows = tierWindows({ minute: 10, hour: 1000 });
    now = T0 + 30_000;
    for (let i = 0; i < 10; i++) expect((await l.check({ key: 'k', windows })).allowed).toBe(true);
    const refused = await l.check({ key: 'k', windows });
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 36 }); // 30 s to the boundary + 6 s of decay
    now = T0 + 60_000 + 5_999;
    expect((await l.check({ key: 'k', windows })).allowed).toBe(false);
    now = T0 + 60_000 + 6_000;
    expect((await l.check({ key: 'k', windows })).allowed).toBe(true);
    now = T0 + 60_000 + 30_000; // weighted previous: ceil(10 * 0.5) = 5, current 1
    const d = await l.check({ key: 'k', windows });
    expect(d.windows[0]).toEqual({ name: 'minute', limit: 10, remaining: 3, resetSeconds: 30, windowSeconds: 60 });
    now = T0 + 120_000; // two windows later everything has decayed
    // the minute that just ended counted 2 and still weighs fully: 2 + this request
    expect((await l.check({ key: 'k', windows })).windows[0].remaining).toBe(7);
    now = T0 + 180_000; // two windows later everything has decayed
    expect((await l.check({ key: 'k', windows })).windows[0].remaining).toBe(8);
  });

  it('makes the same decisions as the in-memory limiter', async () => {
    const redis = limiter();
    const memory = new InMemoryRateLimiter({ clock: () => now });
    const windows = tierWindows({ minute: 7, hour: 40 });
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const got: [RateLimitDecision, RateLimitDecision][] = [];
    for (let i = 0; i < 300; i++) {
      now += Math.floor(random() * 9_000);
      const key = random() < 0.5 ? 'a' : 'b';
      got.push([await redis.check({ key, windows }), await memory.check({ key, windows })]);
    }
    for (const [r, m] of got) expect(r).toEqual(m);
    expect(got.filter(([r]) => !r.allowed).length).toBeGreaterThan(20);
  });

  it('needs exactly one Redis round trip per limited request', async () => {
    const l = limiter();
    expect(await l.ready()).toBe(true);
    const admin = new Redis(server.url);
    const monitor = await admin.monitor(); // a second connection in monitor mode
    const seen: string[] = [];
    // Commands the script itself runs (TIME, GET, INCRBY) are shown with source "lua": not round trips.
    monitor.on('monitor', (_time: string, args: string[], source: string) => { if (source !== 'lua') seen.push(String(args[0]).toLowerCase()); });
    await new Promise((r) => setTimeout(r, 50));
    const windows = tierWindows({ minute: 50, hour: 100 });
    for (let i = 0; i < 25; i++) await l.check({ key: 'rt', windows });
    await new Promise((r) => setTimeout(r, 100));
    const observed = [...seen];
    monitor.disconnect();
    await admin.quit();
    // MONITOR shows the calls inside the script too (GET/INCRBY/PEXPIRE); the client's round trips
    // are the rest: ioredis sends EVAL on the connection's first use, then EVALSHA.
    const roundTrips = observed.filter((c) => !['get', 'incrby', 'pexpire'].includes(c));
    expect(roundTrips).toEqual(['eval', ...Array(24).fill('evalsha')]);
  });

  it('fault_tolerant true: admits without counting while Redis is down, and recovers after a restart', async () => {
    const degraded: unknown[] = [];
    const l = limiter({ timeoutMs: 50, onDegraded: (e) => degraded.push(e) });
    const windows = tierWindows({ minute: 2, hour: 100 });
    expect(await l.ready()).toBe(true);
    expect((await l.check({ key: 'ft', windows })).degraded).toBe(false);
    await server.kill();
    const started = Date.now();
    const during = await Promise.all(Array.from({ length: 5 }, () => l.check({ key: 'ft', windows })));
    expect(Date.now() - started).toBeLessThan(500);
    expect(during.every((d) => d.allowed && d.degraded)).toBe(true);
    expect(degraded).toHaveLength(5);
    await server.restart();
    await recovered(l);
    const after = await l.check({ key: 'ft', windows }); // restarted without persistence: counts start over
    expect(after).toMatchObject({ allowed: true, degraded: false });
    expect(after.windows[0].remaining).toBe(1);
  });

  it('fault_tolerant false: refuses with a clear error while Redis is down', async () => {
    const l = limiter({ timeoutMs: 50, faultTolerant: false });
    const windows = tierWindows({ minute: 2, hour: 100 });
    expect(await l.ready()).toBe(true);
    await server.kill();
    await expect(l.check({ key: 'strict', windows })).rejects.toThrow(RateLimiterUnavailableError);
    // The connection is known to be down: the call is not even sent (fails fast, no 50 ms wait).
    await expect(l.check({ key: 'strict', windows })).rejects.toThrow(/^rate limiter unavailable: Redis connection is (reconnecting|connecting|close)$/);
    await server.restart();
    await recovered(l);
    expect((await l.check({ key: 'strict', windows })).allowed).toBe(true);
  });

  it('treats a Redis slower than the timeout as unavailable', async () => {
    const l = limiter({ timeoutMs: 20 });
    expect(await l.ready()).toBe(true);
    const blocker = new Redis(server.url);
    const sleeping = blocker.call('DEBUG', 'SLEEP', '0.3').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const d = await l.check({ key: 'slow', windows: tierWindows({ minute: 5, hour: 5 }) });
    expect(Date.now() - started).toBeLessThan(150);
    expect(d.degraded).toBe(true);
    await sleeping;
    await blocker.quit();
  });

  it('fault_tolerant false: a slow Redis is refused with the command timeout in the message', async () => {
    const l = limiter({ timeoutMs: 20, faultTolerant: false });
    expect(await l.ready()).toBe(true);
    const blocker = new Redis(server.url);
    const sleeping = blocker.call('DEBUG', 'SLEEP', '0.2').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    await expect(l.check({ key: 'slow-strict', windows: tierWindows({ minute: 5, hour: 5 }) })).rejects.toThrow(/^rate limiter unavailable: Redis did not (answer within \d+ ms \(2 x redis_timeout_ms without a byte from Redis\)|start the script within 20 ms)$/);
    await sleeping;
    await blocker.quit();
  });

  describe('cold start: a first connection slower than redis_timeout_ms', () => {
    let proxy: SlowProxy;
    beforeAll(async () => { proxy = await SlowProxy.start(server.port, 200); }); // e.g. a TLS handshake of 200 ms
    afterAll(async () => { await proxy.close(); });

    it('does not degrade the first request: it waits for the connection, then applies the 20 ms command timeout', async () => {
      const degraded: unknown[] = [];
      const l = limiter({ url: proxy.url, timeoutMs: 20, onDegraded: (e) => degraded.push(e) });
      const started = Date.now();
      const first = await l.check({ key: 'cold', windows: tierWindows({ minute: 5, hour: 5 }) });
      expect(Date.now() - started).toBeGreaterThanOrEqual(180);
      expect(first).toMatchObject({ allowed: true, degraded: false });
      expect(first.windows[0].remaining).toBe(4); // really counted in Redis
      expect(degraded).toEqual([]);
    });

    it('ready(1000) waits for the slow connection instead of giving up after the command timeout', async () => {
      const l = limiter({ url: proxy.url, timeoutMs: 20, faultTolerant: false });
      const started = Date.now();
      expect(await l.ready(1000)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(180);
      expect((await l.check({ key: 'cold-ready', windows: tierWindows({ minute: 5, hour: 5 }) })).degraded).toBe(false);
    });

    it('bounds the first-connection wait by connectTimeoutMs, then fails fast until the connection is ready', async () => {
      const l = limiter({ url: proxy.url, timeoutMs: 20, connectTimeoutMs: 80 });
      const windows = tierWindows({ minute: 5, hour: 5 });
      let started = Date.now();
      expect(await l.ready(50)).toBe(false); // ready() has its own bound too
      expect(Date.now() - started).toBeLessThan(150);
      const first = await l.check({ key: 'budget', windows }); // waits out the rest of the 80 ms budget
      expect(first.degraded).toBe(true);
      started = Date.now();
      expect((await l.check({ key: 'budget', windows })).degraded).toBe(true); // budget spent: no waiting
      expect(Date.now() - started).toBeLessThan(15);
      await recovered(l);
      expect((await l.check({ key: 'budget', windows })).degraded).toBe(false);
    });
  });
});

/**
 * Waits until the limiter answers again after Redis came back: connection ready, then a probe
 * check on its own key succeeds (the first command after a restart also reloads the script, which
 * can exceed a tight command timeout on a loaded machine).
 */
async function recovered(l: RedisRateLimiter): Promise<void> {
  await waitFor(() => l.redis.status === 'ready');
  const until = Date.now() + 10_000;
  for (;;) {
    const probe = await l.check({ key: 'recovery-probe', windows: tierWindows({ minute: 1000, hour: 1000 }) }).catch(() => undefined);
    if (probe && !probe.degraded) return;
    if (Date.now() > until) throw new Error('the limiter did not recover in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
