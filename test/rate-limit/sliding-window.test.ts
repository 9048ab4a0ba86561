import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import { tierWindows, InvalidRateLimitRequestError } from '../../lib/rate-limit/rate-limiter';
import { decide, estimate, waitMs } from '../../lib/rate-limit/sliding-window';

const MINUTE = { name: 'minute', sizeMs: 60_000, limit: 10 };
const T0 = 1_800_000_000_000; // a minute and hour boundary (divisible by 3_600_000)

describe('sliding window arithmetic', () => {
  it('weights the previous window by the share the sliding window still covers', () => {
    expect(estimate({ current: 3, previous: 10 }, T0, 60_000)).toBe(13);
    expect(estimate({ current: 3, previous: 10 }, T0 + 15_000, 60_000)).toBe(3 + 8); // ceil(7.5)
    expect(estimate({ current: 3, previous: 10 }, T0 + 59_999, 60_000)).toBe(4); // ceil: never under-counts
  });

  it('returns 0 wait when the request fits', () => {
    expect(waitMs({ current: 9, previous: 0 }, T0 + 10, MINUTE, 1)).toBe(0);
  });

  it('waits for the next fixed window when the current one is full', () => {
    // 10 counted at T0+30s, none before: free again when the weighted 10 drops to 9, i.e. 6s into the next window.
    const wait = waitMs({ current: 10, previous: 0 }, T0 + 30_000, MINUTE, 1);
    expect(wait).toBe(30_000 + 6_000);
    expect(estimate({ current: 0, previous: 10 }, T0 + 60_000 + 6_000, 60_000)).toBe(9);
    expect(estimate({ current: 0, previous: 10 }, T0 + 60_000 + 5_999, 60_000)).toBe(10);
  });

  it('waits inside the current window while the previous one decays', () => {
    // current 5, previous 10 at 0s: estimate 15. Fits (<= 9 before adding 1) when floor(10*(60-e)/60) <= 4.
    const wait = waitMs({ current: 5, previous: 10 }, T0, MINUTE, 1);
    expect(estimate({ current: 5, previous: 10 }, T0 + wait, 60_000) + 1).toBeLessThanOrEqual(10);
    expect(estimate({ current: 5, previous: 10 }, T0 + wait - 1, 60_000) + 1).toBeGreaterThan(10);
  });

  it('reports figures and a Retry-After of at least one second', () => {
    const request = { key: 'k', windows: tierWindows({ minute: 2, hour: 100 }) };
    const allowed = decide(request, [{ current: 1, previous: 0 }, { current: 1, previous: 0 }], true, T0 + 20_000);
    expect(allowed).toEqual({
      allowed: true, degraded: false, retryAfterSeconds: 0,
      windows: [
        { name: 'minute', limit: 2, remaining: 0, resetSeconds: 40, windowSeconds: 60 },
        { name: 'hour', limit: 100, remaining: 98, resetSeconds: 3580, windowSeconds: 3600 },
      ],
    });
    const refused = decide(request, [{ current: 2, previous: 0 }, { current: 2, previous: 0 }], false, T0 + 20_000);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(40 + 30); // next window, then ceil(2*(60-e)/60) <= 1 at e >= 30s
  });
});

describe('InMemoryRateLimiter', () => {
  it('admits exactly the limit and refuses the rest with Retry-After', async () => {
    let now = T0 + 1000;
    const limiter = new InMemoryRateLimiter({ clock: () => now });
    const windows = tierWindows({ minute: 5, hour: 100 });
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await limiter.check({ key: 'c:acme', windows }));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false, false]);
    expect(results[4].windows[0].remaining).toBe(0);
    expect(results[5].retryAfterSeconds).toBe(59 + 12); // ceil(5*(60-e)/60) <= 4 at e >= 12s
    now += 59_000;
    expect((await limiter.check({ key: 'c:acme', windows })).allowed).toBe(false);
    now = T0 + 60_000 + 11_999;
    expect((await limiter.check({ key: 'c:acme', windows })).allowed).toBe(false);
    now = T0 + 60_000 + 12_000;
    expect((await limiter.check({ key: 'c:acme', windows })).allowed).toBe(true);
  });

  it('keeps consumers apart and checks the hour window too', async () => {
    const limiter = new InMemoryRateLimiter({ clock: () => T0 });
    const windows = tierWindows({ minute: 100, hour: 3 });
    for (let i = 0; i < 3; i++) expect((await limiter.check({ key: 'a', windows })).allowed).toBe(true);
    const refused = await limiter.check({ key: 'a', windows });
    expect(refused.allowed).toBe(false);
    expect(refused.windows.map((w) => w.remaining)).toEqual([97, 0]);
    expect((await limiter.check({ key: 'b', windows })).allowed).toBe(true);
  });

  it('does not count refused requests', async () => {
    const limiter = new InMemoryRateLimiter({ clock: () => T0 });
    const windows = tierWindows({ minute: 1, hour: 100 });
    await limiter.check({ key: 'a', windows });
    for (let i = 0; i < 5; i++) await limiter.check({ key: 'a', windows });
    const d = await limiter.check({ key: 'a', windows });
    expect(d.windows[1].remaining).toBe(99);
  });

  it('sweeps expired counters above maxEntries', async () => {
    let now = T0;
    const limiter = new InMemoryRateLimiter({ clock: () => now, maxEntries: 4 });
    const windows = [{ name: 'minute', sizeMs: 60_000, limit: 5 }];
    for (const k of ['a', 'b', 'c', 'd']) await limiter.check({ key: k, windows });
    now += 180_000;
    await limiter.check({ key: 'e', windows });
    expect(limiter.size).toBe(1);
  });

  it('rejects invalid requests with a typed error', async () => {
    const limiter = new InMemoryRateLimiter();
    await expect(limiter.check({ key: 'a', windows: [] })).rejects.toThrow(InvalidRateLimitRequestError);
    await expect(limiter.check({ key: 'a', windows: [MINUTE], cost: 0 })).rejects.toThrow('cost must be a positive integer, got 0');
  });
});
