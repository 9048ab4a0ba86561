import { UpstreamPool, type UpstreamInstance } from '../../lib/resilience/upstream-pool';
import { seededRandom as seeded } from '../support/seeded-random';

const T0 = 1_800_000_000_000;
const three = [{ url: 'http://a' }, { url: 'http://b' }, { url: 'http://c' }];


const urls = (picks: UpstreamInstance[]) => picks.map((i) => i.url.slice(7)).join('');
const fail = (pool: UpstreamPool, now: number, instance: UpstreamInstance, times: number) => {
  for (let i = 0; i < times; i++) pool.onResult(now, instance, { failed: true });
};

describe('UpstreamPool', () => {
  describe('round_robin', () => {
    it('takes the instances in turn, exactly', () => {
      const pool = new UpstreamPool({ instances: three, algorithm: 'round_robin' });
      expect(urls(Array.from({ length: 9 }, () => pool.pick(T0)))).toBe('abcabcabc');
    });
  });

  describe('least_outstanding_requests', () => {
    it('picks the instance with the fewest requests in flight', () => {
      const pool = new UpstreamPool({ instances: three, algorithm: 'least_outstanding_requests' });
      const [a, b, c] = pool.instances;
      pool.onStart(a); pool.onStart(a); pool.onStart(b); pool.onStart(c); pool.onStart(c);
      expect(pool.pick(T0)).toBe(b);
      pool.onStart(b); pool.onStart(b); // b: 3, a: 2, c: 2
      pool.onResult(T0, c, { failed: false }); // c: 1
      expect(pool.pick(T0)).toBe(c);
    });

    it('breaks ties in turn rather than always taking the first', () => {
      const pool = new UpstreamPool({ instances: three, algorithm: 'least_outstanding_requests' });
      expect(urls(Array.from({ length: 6 }, () => pool.pick(T0)))).toBe('abcabc');
    });
  });

  describe('weighted_random', () => {
    it('follows the weights within statistical bounds over 10,000 picks', () => {
      const pool = new UpstreamPool({ instances: [{ url: 'http://a', weight: 1 }, { url: 'http://b', weight: 3 }, { url: 'http://c', weight: 6 }], algorithm: 'weighted_random', random: seeded(42) });
      const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
      for (let i = 0; i < 10_000; i++) counts[pool.pick(T0).url.slice(7)] += 1;
      // Expected 1000 / 3000 / 6000; 4 standard deviations of a binomial(10000, p).
      expect(Math.abs(counts.a - 1000)).toBeLessThan(4 * Math.sqrt(10_000 * 0.1 * 0.9));
      expect(Math.abs(counts.b - 3000)).toBeLessThan(4 * Math.sqrt(10_000 * 0.3 * 0.7));
      expect(Math.abs(counts.c - 6000)).toBeLessThan(4 * Math.sqrt(10_000 * 0.6 * 0.4));
    });

    it('refuses a weight that is not positive', () => {
      expect(() => new UpstreamPool({ instances: [{ url: 'http://a', weight: 0 }], algorithm: 'weighted_random' })).toThrow('instance http://a: weight must be a positive number, got 0');
    });
  });

  describe('outlier detection', () => {
    it('ejects an instance at exactly consecutiveFailures failures in a row; a success resets the count', () => {
      const pool = new UpstreamPool({ instances: three, algorithm: 'round_robin', outlierDetection: { consecutiveFailures: 3, maxEjectionPercent: 50 } });
      const [a] = pool.instances;
      fail(pool, T0, a, 2);
      pool.onResult(T0, a, { failed: false });
      fail(pool, T0, a, 2);
      expect(pool.isEjected(T0, a)).toBe(false);
      fail(pool, T0, a, 1);
      expect(pool.isEjected(T0, a)).toBe(true);
      expect(urls(Array.from({ length: 4 }, () => pool.pick(T0)))).toBe('bcbc'); // the service keeps serving
    });

    it('ejects no more than maxEjectionPercent of the instances, but always at least one', () => {
      const pool = new UpstreamPool({ instances: three, algorithm: 'round_robin', outlierDetection: { consecutiveFailures: 1, maxEjectionPercent: 10 } });
      const [a, b, c] = pool.instances;
      fail(pool, T0, a, 1);
      fail(pool, T0, b, 1);
      fail(pool, T0, c, 1);
      expect([a, b, c].map((i) => pool.isEjected(T0, i))).toEqual([true, false, false]);
      const wider = new UpstreamPool({ instances: three, algorithm: 'round_robin', outlierDetection: { consecutiveFailures: 1, maxEjectionPercent: 67 } });
      for (const i of wider.instances) fail(wider, T0, i, 1);
      expect(wider.instances.map((i) => wider.isEjected(T0, i))).toEqual([true, true, false]); // 3 of 3 would be 100 %
    });

    it('readmits an instance when its ejection time is over, for base x times ejected, capped at maxEjectionTimeMs', () => {
      const events: string[] = [];
      const pool = new UpstreamPool({
        instances: three, algorithm: 'round_robin',
        outlierDetection: { consecutiveFailures: 2, baseEjectionTimeMs: 10_000, maxEjectionTimeMs: 25_000, maxEjectionPercent: 50 },
        onEjection: (e) => events.push(`${e.url.slice(7)} ${e.ejected ? 'out' : 'in'} @${e.atMs - T0}${e.untilMs ? ` until ${e.untilMs - T0}` : ''}`),
      });
      const [a] = pool.instances;
      fail(pool, T0, a, 2); // 1st ejection: 10 s
      expect(pool.isEjected(T0 + 9_999, a)).toBe(true);
      expect(pool.isEjected(T0 + 10_000, a)).toBe(false);
      fail(pool, T0 + 10_000, a, 2); // 2nd: 20 s
      expect(pool.isEjected(T0 + 29_999, a)).toBe(true);
      expect(pool.isEjected(T0 + 30_000, a)).toBe(false);
      fail(pool, T0 + 30_000, a, 2); // 3rd: 30 s, capped at 25 s
      expect(pool.isEjected(T0 + 55_000, a)).toBe(false);
      expect(events).toEqual(['a out @0 until 10000', 'a in @10000', 'a out @10000 until 30000', 'a in @30000', 'a out @30000 until 55000', 'a in @55000']);
    });

    it('picks among all instances when every one is ejected (panic), rather than none', () => {
      const pool = new UpstreamPool({ instances: [{ url: 'http://a' }], algorithm: 'round_robin', outlierDetection: { consecutiveFailures: 1 } });
      fail(pool, T0, pool.instances[0], 1);
      expect(pool.isEjected(T0, pool.instances[0])).toBe(true);
      expect(pool.pick(T0).url).toBe('http://a');
    });
  });
});
