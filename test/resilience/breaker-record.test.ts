import calculateSlot from 'cluster-key-slot';
import { CLOSED_RECORD, nextBreakerRecord } from '../../lib/resilience/breaker-alarm';
import {
  allBreakerRecordKeys, breakerAdmits, breakerRecordKeyBeside, fromRedisValue, toRedisValue, type BreakerRecord,
} from '../../lib/resilience/breaker-record';
import { CLUSTER_SLOTS } from '../../lib/resilience/slot-anchors';

const T0 = 1_800_000_000_000;
const open: BreakerRecord = { state: 'OPEN', openedAtMs: T0, waitMs: 30_000, halfOpenPeriod: -1, halfOpenCalls: 0 };

describe('breakerAdmits', () => {
  it('admits everything without a record or with a CLOSED one', () => {
    expect(breakerAdmits(undefined, T0, 2)).toEqual({ verdict: { state: 'closed', admitted: true } });
    expect(breakerAdmits(CLOSED_RECORD, T0, 2)).toEqual({ verdict: { state: 'closed', admitted: true } });
  });

  it('refuses while OPEN with the rest of the wait as retry-after', () => {
    expect(breakerAdmits(open, T0 + 10_000, 2)).toEqual({ verdict: { state: 'open', admitted: false, retryAfterMs: 20_000 } });
    expect(breakerAdmits(open, T0 + 29_999, 2).verdict).toEqual({ state: 'open', admitted: false, retryAfterMs: 1 });
  });

  it('lets trickleCount calls through per half-open period once the wait is over, then refuses until the next period', () => {
    const first = breakerAdmits(open, T0 + 30_000, 2);
    expect(first).toEqual({ verdict: { state: 'half_open', admitted: true }, consumed: { ...open, halfOpenPeriod: 0, halfOpenCalls: 1 } });
    const second = breakerAdmits(first.consumed, T0 + 31_000, 2);
    expect(second.consumed).toEqual({ ...open, halfOpenPeriod: 0, halfOpenCalls: 2 });
    expect(breakerAdmits(second.consumed, T0 + 45_000, 2)).toEqual({ verdict: { state: 'half_open', admitted: false, retryAfterMs: 15_000 } });
    // Period 1 starts at opened_at + 2 x wait with a fresh budget.
    expect(breakerAdmits(second.consumed, T0 + 60_000, 2).consumed).toEqual({ ...open, halfOpenPeriod: 1, halfOpenCalls: 1 });
  });

  it('with a trickle of 0 stays shut until the alarm clears', () => {
    expect(breakerAdmits(open, T0 + 90_000, 0).verdict).toEqual({ state: 'half_open', admitted: false, retryAfterMs: 30_000 });
  });

  it('refuses everything while FORCED_OPEN, with the maintenance hint', () => {
    expect(breakerAdmits({ ...open, state: 'FORCED_OPEN', waitMs: 600_000 }, T0 + 10 ** 9, 5).verdict).toEqual({ state: 'forced_open', admitted: false, retryAfterMs: 600_000 });
  });
});

describe('breaker record keys', () => {
  it('puts the copy beside a limiter key in that key\'s cluster slot', () => {
    for (const limiterKey of ['gh:rl:{c:acme}:60000:29999', 'gh:rl:{c:cognito/client:abc|u:42|g:reports}:3600000:1', 't1:{x}']) {
      const key = breakerRecordKeyBeside(limiterKey, 'orders');
      expect(calculateSlot(key)).toBe(calculateSlot(limiterKey));
      expect(key).toMatch(/^gh:br:\{[0-9a-z]{1,4}\}:orders$/);
    }
  });

  it('has one copy per slot, covering all 16384', () => {
    const keys = allBreakerRecordKeys('orders');
    expect(keys).toHaveLength(CLUSTER_SLOTS);
    expect(new Set(keys.map((k) => calculateSlot(k))).size).toBe(CLUSTER_SLOTS);
    expect(keys.every((k, slot) => calculateSlot(k) === slot)).toBe(true);
  });

  it('escapes braces in a service name so they cannot change the hash tag', () => {
    expect(breakerRecordKeyBeside('gh:rl:{c:acme}', 'we{ir}d')).toMatch(/:we%7Bir%7Dd$/);
  });

  it('round-trips a record through its Redis hash', () => {
    expect(toRedisValue(open)).toBe(`O:${T0}:30000:-1:0`);
    expect(fromRedisValue(toRedisValue(open))).toEqual(open);
    expect(fromRedisValue(null)).toBeUndefined();
    expect(() => fromRedisValue('OPEN')).toThrow('malformed breaker record "OPEN"');
  });
});

describe('nextBreakerRecord (the state Lambda)', () => {
  const settings = { waitMs: 30_000 };

  it('opens on ALARM and closes on OK', () => {
    const opened = nextBreakerRecord(undefined, { kind: 'alarm', alarmState: 'ALARM', atMs: T0 }, settings);
    expect(opened).toEqual(open);
    expect(nextBreakerRecord(opened, { kind: 'alarm', alarmState: 'OK', atMs: T0 + 90_000 }, settings)).toEqual(CLOSED_RECORD);
  });

  it('keeps opened_at on a repeated ALARM and changes nothing on INSUFFICIENT_DATA', () => {
    const halfOpen = { ...open, halfOpenPeriod: 3, halfOpenCalls: 1 };
    expect(nextBreakerRecord(halfOpen, { kind: 'alarm', alarmState: 'ALARM', atMs: T0 + 99_000 }, settings)).toBe(halfOpen);
    expect(nextBreakerRecord(halfOpen, { kind: 'alarm', alarmState: 'INSUFFICIENT_DATA', atMs: T0 + 99_000 }, settings)).toBe(halfOpen);
  });

  it('maintenance forces open whatever the alarm says, and hands back to the alarm when switched off', () => {
    const forced = nextBreakerRecord(open, { kind: 'maintenance_on', atMs: T0 + 5, retryAfterMs: 3_600_000 }, settings);
    expect(forced).toEqual({ state: 'FORCED_OPEN', openedAtMs: T0 + 5, waitMs: 3_600_000, halfOpenPeriod: -1, halfOpenCalls: 0 });
    expect(nextBreakerRecord(forced, { kind: 'alarm', alarmState: 'OK', atMs: T0 + 6 }, settings)).toBe(forced);
    expect(nextBreakerRecord(forced, { kind: 'maintenance_off', alarmState: 'OK', atMs: T0 + 7 }, settings)).toEqual(CLOSED_RECORD);
    expect(nextBreakerRecord(forced, { kind: 'maintenance_off', alarmState: 'ALARM', atMs: T0 + 7 }, settings)).toEqual({ ...open, openedAtMs: T0 + 7 });
  });

  it('refuses a wait that would make the half-open periods meaningless', () => {
    expect(() => nextBreakerRecord(undefined, { kind: 'alarm', alarmState: 'ALARM', atMs: T0 }, { waitMs: 0 })).toThrow('waitMs must be a positive integer, got 0');
  });
});
