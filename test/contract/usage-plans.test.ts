import { tierPlans } from '../../lib/contract/usage-plans';
import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import { tierWindows } from '../../lib/rate-limit/rate-limiter';

const T0 = 1_800_000_000_000; // a minute, hour and day boundary

/** API Gateway's token bucket (as the local twin runs it): refills `rate` per second up to `burst`. */
function tokenBucket(rate: number, burst: number, start: number) {
  let tokens = burst;
  let at = start;
  return (now: number) => {
    tokens = Math.min(burst, tokens + ((now - at) / 1000) * rate);
    at = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

describe('tierPlans', () => {
  it('gives consumers with their own key a bucket of the whole minute, refilled at ceil(minute / 60) per second', () => {
    expect(tierPlans({ minute: 90, hour: 1000 }).consumer).toEqual({ throttle: { rateLimit: 2, burstLimit: 90 }, quota: { limit: 24_000, period: 'DAY' } });
    expect(tierPlans({ minute: 10, hour: 100 }).consumer.throttle).toEqual({ rateLimit: 1, burstLimit: 10 });
  });

  it('mirrors the tier quota, which the authorizer counts exactly', () => {
    expect(tierPlans({ minute: 600, hour: 10_000, quota: { limit: 5000, period: 'WEEK' } }).consumer.quota).toEqual({ limit: 5000, period: 'WEEK' });
  });

  it('puts no throttle and no quota on the shared key: one consumer cannot exhaust another', () => {
    expect(tierPlans({ minute: 60, hour: 1000 }).metering).toEqual({});
  });

  it.each([[60, 1000], [7, 40], [100, 100], [600, 10_000]])(
    'never refuses what the sliding limiter of %i/min, %i/h admits (random bursts over 3 hours)', async (minute, hour) => {
      const { throttle } = tierPlans({ minute, hour }).consumer;
      let now = T0;
      const limiter = new InMemoryRateLimiter({ clock: () => now });
      const bucket = tokenBucket(throttle.rateLimit, throttle.burstLimit, T0);
      let seed = minute * 7919 + hour;
      const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      let admitted = 0;
      let refusedByPlan = 0;
      while (now < T0 + 3 * 3_600_000) {
        // Bursts of up to twice the minute limit, then pauses of up to 40 s: the limiter refuses often.
        const burst = Math.ceil(random() * 2 * minute);
        for (let i = 0; i < burst; i++) {
          if ((await limiter.check({ key: 'k', windows: tierWindows({ minute, hour }) })).allowed) {
            admitted += 1;
            if (!bucket(now)) refusedByPlan += 1;
          }
          now += Math.floor(random() * 50);
        }
        now += Math.floor(random() * 40_000);
      }
      expect(admitted).toBeGreaterThan(hour); // the test exercised the limits
      expect(refusedByPlan).toBe(0);
    },
  );

  it('would refuse with the burst the plans had before (a tenth of the minute): the check above can fail', async () => {
    let now = T0;
    const limiter = new InMemoryRateLimiter({ clock: () => now });
    const bucket = tokenBucket(1, 6, T0);
    let refusedByPlan = 0;
    for (let i = 0; i < 100; i++) {
      if ((await limiter.check({ key: 'k', windows: tierWindows({ minute: 60, hour: 1000 }) })).allowed && !bucket(now)) refusedByPlan += 1;
      now += 10;
    }
    expect(refusedByPlan).toBe(54); // 60 admitted by the tier, 6 by the old plan
  });
});
