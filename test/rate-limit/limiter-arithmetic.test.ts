import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import { InvalidRateLimitRequestError, type RateWindow } from '../../lib/rate-limit/rate-limiter';
import { assertValidRequest, decide, degradedDecision, estimateAt, waitMs, windowPosition, type WindowCounts } from '../../lib/rate-limit/sliding-window';
import { seededRandom as random } from '../support/seeded-random';


/** The counts a window holds at `t` when nothing is admitted after `now` (what waitMs assumes). */
function countsAt(counts: WindowCounts, window: RateWindow, now: number, t: number): WindowCounts {
  const from = windowPosition(window, now).index;
  const to = windowPosition(window, t).index;
  if (to === from) return counts;
  if (to === from + 1 && !window.calendar) return { current: 0, previous: counts.current };
  return { current: 0, previous: 0 };
}

const admits = (counts: WindowCounts, window: RateWindow, now: number, t: number, cost: number) =>
  estimateAt(countsAt(counts, window, now, t), windowPosition(window, t)) + cost <= window.limit;

describe('the wait a refused request is told (Retry-After), against a brute-force search', () => {
  it('is the first millisecond at which the request fits, for 3,000 random counts, positions and costs', () => {
    const next = random(10);
    const window: RateWindow = { name: 'second', sizeMs: 1000, limit: 10 };
    let inWindow = 0;
    for (let i = 0; i < 3000; i++) {
      const counts = { current: Math.floor(next() * 12), previous: Math.floor(next() * 15) };
      const now = 5_000_000 + Math.floor(next() * 1000);
      const cost = 1 + Math.floor(next() * 3);
      const wait = waitMs(counts, now, window, cost);
      let expected = 0;
      while (!admits(counts, window, now, now + expected, cost)) expected++;
      expect({ counts, now, cost, wait }).toEqual({ counts, now, cost, wait: expected });
      if (wait > 0 && windowPosition(window, now + wait).index === windowPosition(window, now).index) inWindow++;
    }
    // Waits that end inside the current fixed window (the previous window decaying) are exercised.
    expect(inWindow).toBeGreaterThan(100);
  });

  it('waits 16 s inside the minute when the previous minute decays, not until the next minute', () => {
    const minute: RateWindow = { name: 'minute', sizeMs: 60_000, limit: 10 };
    // 20 s into the minute: 5 now + ceil(10 * 40/60) = 12 counted; fits from 36 s (5 + 4 + 1 = 10).
    expect(waitMs({ current: 5, previous: 10 }, 60_000 * 100 + 20_000, minute, 1)).toBe(16_000);
    const refused = decide({ key: 'k', windows: [minute] }, [{ current: 5, previous: 10 }], false, 60_000 * 100 + 20_000);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 16, refusedBy: 'minute', degraded: false });
  });

  it('waits for the next period of a calendar quota, and forever for a cost above the limit', () => {
    const day: RateWindow = { name: 'quota', sizeMs: 86_400_000, limit: 5, calendar: 'DAY' };
    const noon = Date.UTC(2026, 11, 2, 12);
    expect(waitMs({ current: 5, previous: 0 }, noon, day, 1)).toBe(12 * 3_600_000);
    expect(waitMs({ current: 0, previous: 0 }, noon, { name: 's', sizeMs: 1000, limit: 2 }, 3)).toBe(Number.POSITIVE_INFINITY);
    // Counts in the window must not turn "never" into a finite wait.
    expect(waitMs({ current: 1, previous: 0 }, noon, { name: 's', sizeMs: 1000, limit: 2 }, 3)).toBe(Number.POSITIVE_INFINITY);
  });

  it('makes a request as large as the whole limit wait until nothing else counts, for 1,000 random counts', () => {
    const next = random(11);
    const window: RateWindow = { name: 'second', sizeMs: 1000, limit: 4 };
    for (let i = 0; i < 1000; i++) {
      const counts = { current: Math.floor(next() * 3), previous: 1 + Math.floor(next() * 5) };
      const now = 7_000_000 + Math.floor(next() * 1000);
      const wait = waitMs(counts, now, window, window.limit);
      let expected = 0;
      while (!admits(counts, window, now, now + expected, window.limit)) expected++;
      expect({ counts, now, wait }).toEqual({ counts, now, wait: expected });
    }
  });
});

describe('the window a refusal names (refusedBy)', () => {
  it('is the first window without room, not a window this request fills exactly', () => {
    const minute: RateWindow = { name: 'minute', sizeMs: 60_000, limit: 10 };
    const hour: RateWindow = { name: 'hour', sizeMs: 3_600_000, limit: 100 };
    const now = 3_600_000 * 50 + 30_000;
    // The minute holds 9: this request makes it exactly full (fits); the hour holds 100 (no room).
    const refused = decide({ key: 'k', windows: [minute, hour] }, [{ current: 9, previous: 0 }, { current: 100, previous: 0 }], false, now);
    expect(refused.refusedBy).toBe('hour');
  });
});

describe('calendar quota windows (UTC, as usage plan quotas count)', () => {
  const DAY = 86_400_000;
  it('starts weeks on Monday 00:00 UTC', () => {
    const monday = Date.UTC(2026, 10, 30); // Monday 30 November 2026
    const week = (t: number) => windowPosition({ sizeMs: 7 * DAY, calendar: 'WEEK' }, t);
    expect(week(monday)).toEqual({ index: week(monday).index, elapsedMs: 0, sizeMs: 7 * DAY, carryMs: 0 });
    expect(week(monday - 1)).toMatchObject({ index: week(monday).index - 1, elapsedMs: 7 * DAY - 1 });
    expect(week(monday + 3 * DAY + 5)).toMatchObject({ index: week(monday).index, elapsedMs: 3 * DAY + 5 });
  });

  it('gives months their own length, leap February included, and counts them across a year end', () => {
    const month = (t: number) => windowPosition({ sizeMs: 30 * DAY, calendar: 'MONTH' }, t);
    expect(month(Date.UTC(2028, 1, 10, 6))).toEqual({ index: 2028 * 12 + 1, elapsedMs: 9 * DAY + 6 * 3_600_000, sizeMs: 29 * DAY, carryMs: 0 });
    expect(month(Date.UTC(2026, 11, 31, 23, 59))).toMatchObject({ index: 2026 * 12 + 11, sizeMs: 31 * DAY });
    expect(month(Date.UTC(2027, 0, 1)).index).toBe(month(Date.UTC(2026, 11, 31)).index + 1);
    expect(windowPosition({ sizeMs: DAY, calendar: 'DAY' }, Date.UTC(2026, 11, 2, 18))).toEqual({ index: Math.floor(Date.UTC(2026, 11, 2) / DAY), elapsedMs: 18 * 3_600_000, sizeMs: DAY, carryMs: 0 });
  });
});

describe('a degraded admission (fault tolerant, Redis unavailable)', () => {
  it('is allowed, marked degraded, counts nothing and reports the windows\' own figures', () => {
    const now = 60_000 * 100 + 15_000;
    expect(degradedDecision({ key: 'k', windows: [{ name: 'minute', sizeMs: 60_000, limit: 60 }] }, now)).toEqual({
      allowed: true, degraded: true, retryAfterSeconds: 0,
      windows: [{ name: 'minute', limit: 60, remaining: 60, resetSeconds: 45, windowSeconds: 60 }],
    });
  });
});

describe('rate-limit requests are validated', () => {
  const window = { name: 'minute', sizeMs: 60_000, limit: 10 };
  it.each([
    [{ key: 'k', windows: [window], cost: 0 }, 'cost must be a positive integer, got 0'],
    [{ key: 'k', windows: [window], cost: 1.5 }, 'cost must be a positive integer, got 1.5'],
    [{ key: 'k', windows: [] }, 'at least one window is required'],
    [{ key: 'k', windows: [{ ...window, sizeMs: 999 }] }, 'window minute: sizeMs must be an integer >= 1000 and limit a positive integer'],
    [{ key: 'k', windows: [{ ...window, sizeMs: 1000.5 }] }, 'window minute: sizeMs must be an integer >= 1000 and limit a positive integer'],
    [{ key: 'k', windows: [{ ...window, limit: 0 }] }, 'window minute: sizeMs must be an integer >= 1000 and limit a positive integer'],
    [{ key: 'k', windows: [{ ...window, limit: 2.5 }] }, 'window minute: sizeMs must be an integer >= 1000 and limit a positive integer'],
  ])('refuses %j', (request, message) => {
    expect(() => assertValidRequest(request)).toThrow(new InvalidRateLimitRequestError(message));
  });

  it('accepts the smallest valid window and returns the cost (default 1)', () => {
    expect(assertValidRequest({ key: 'k', windows: [{ name: 's', sizeMs: 1000, limit: 1 }] })).toBe(1);
    expect(assertValidRequest({ key: 'k', windows: [window], cost: 3 })).toBe(3);
  });
});

describe('the in-memory limiter sweeps only counters that no longer count', () => {
  const minute: RateWindow = { name: 'minute', sizeMs: 60_000, limit: 10 };

  it('keeps the previous minute\'s counters through a sweep, drops older ones', async () => {
    let now = 60_000 * 1000;
    const limiter = new InMemoryRateLimiter({ clock: () => now, maxEntries: 2 });
    for (let i = 0; i < 9; i++) await limiter.check({ key: 'a', windows: [minute] });
    await limiter.check({ key: 'b', windows: [minute] });
    now += 60_000; // the next minute: a's 9 still weigh on its sliding window
    await limiter.check({ key: 'c', windows: [minute] }); // 3 counters > maxEntries: sweep
    expect(limiter.size).toBe(3);
    const a = await limiter.check({ key: 'a', windows: [minute] });
    // 0 now + ceil(9 * 60/60) = 9 counted, +1 admitted = 10: nothing left (the counter survived).
    expect(a.windows[0].remaining).toBe(0);
    now += 2 * 60_000; // two minutes later nothing of a, b or c counts
    await limiter.check({ key: 'd', windows: [minute] });
    expect(limiter.size).toBe(1);
  });

  it('sweeps only above maxEntries, and never reads a counter two windows old as the previous one', async () => {
    let now = 60_000 * 1000;
    const limiter = new InMemoryRateLimiter({ clock: () => now, maxEntries: 2 });
    for (let i = 0; i < 9; i++) await limiter.check({ key: 'a', windows: [minute] });
    now += 2 * 60_000;
    await limiter.check({ key: 'b', windows: [minute] }); // 2 counters, not above 2: no sweep
    expect(limiter.size).toBe(2);
    // a's 9 are two minutes old: they weigh nothing (they were never the previous minute's).
    expect((await limiter.check({ key: 'a', windows: [minute] })).windows[0].remaining).toBe(9);
  });

  it.each([['WEEK', 14], ['MONTH', 62]] as const)('sweeps %s quota counters by their calendar period', async (calendar, days) => {
    const quota: RateWindow = { name: 'quota', sizeMs: 86_400_000, limit: 5, calendar };
    let now = Date.UTC(2026, 11, 2, 10);
    const limiter = new InMemoryRateLimiter({ clock: () => now, maxEntries: 1 });
    await limiter.check({ key: 'a', windows: [quota] });
    now += days * 86_400_000; // two periods later
    await limiter.check({ key: 'b', windows: [quota] });
    expect(limiter.size).toBe(1);
  });

  it('forgets every counter when closed', async () => {
    const limiter = new InMemoryRateLimiter();
    await limiter.check({ key: 'a', windows: [minute] });
    await limiter.close();
    expect(limiter.size).toBe(0);
  });

  it('keeps the current period of a calendar quota and drops the last one', async () => {
    const day: RateWindow = { name: 'quota', sizeMs: 86_400_000, limit: 2, calendar: 'DAY' };
    let now = Date.UTC(2026, 11, 2, 10);
    const limiter = new InMemoryRateLimiter({ clock: () => now, maxEntries: 1 });
    await limiter.check({ key: 'a', windows: [day] });
    await limiter.check({ key: 'b', windows: [day] }); // sweep: a is today's, it stays
    expect((await limiter.check({ key: 'a', windows: [day] })).windows[0].remaining).toBe(0);
    now = Date.UTC(2026, 11, 4, 10);
    await limiter.check({ key: 'c', windows: [day] });
    expect(limiter.size).toBe(1);
  });
});
