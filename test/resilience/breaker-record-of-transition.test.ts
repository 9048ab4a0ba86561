import { breakerAdmits, type BreakerRecord } from '../../lib/resilience/breaker-record';
import { breakerRecordOfTransition } from '../../lib/resilience/breaker-record-of-transition';
import { CircuitBreaker, type BreakerTransition } from '../../lib/resilience/circuit-breaker';

const T0 = 1_800_000_000_000;
const settings = { openWaitMs: 10_000 };
const at = (to: BreakerTransition['to'], atMs = T0) => breakerRecordOfTransition({ to, atMs }, settings);

describe('breakerRecordOfTransition', () => {
  it('writes OPEN dated at the transition, with the breaker\'s wait and a fresh trickle', () => {
    expect(at('OPEN', T0 + 1234)).toEqual({ state: 'OPEN', openedAtMs: T0 + 1234, waitMs: 10_000, halfOpenPeriod: -1, halfOpenCalls: 0 });
  });

  it('writes nothing on HALF_OPEN: the OPEN record stands and its trickle lets the trial calls through', () => {
    expect(at('HALF_OPEN')).toBeUndefined();
  });

  it('writes CLOSED for CLOSED and for DISABLED (both admit everything)', () => {
    const closed = { state: 'CLOSED', openedAtMs: 0, waitMs: 0, halfOpenPeriod: -1, halfOpenCalls: 0 };
    expect(at('CLOSED')).toEqual(closed);
    expect(at('DISABLED')).toEqual(closed);
  });

  it('writes FORCED_OPEN with the maintenance Retry-After, else the wait', () => {
    expect(breakerRecordOfTransition({ to: 'FORCED_OPEN', atMs: T0 }, { openWaitMs: 10_000, forcedOpenRetryAfterMs: 300_000 }))
      .toEqual({ state: 'FORCED_OPEN', openedAtMs: T0, waitMs: 300_000, halfOpenPeriod: -1, halfOpenCalls: 0 });
    expect(at('FORCED_OPEN')).toMatchObject({ state: 'FORCED_OPEN', waitMs: 10_000 });
  });

  it('makes the limiter refuse and admit exactly when the state machine does', () => {
    // Prepare: a breaker that opens on its 2nd failure and half-opens 10 s later.
    let record: BreakerRecord | undefined;
    const breaker = new CircuitBreaker({
      config: { slidingWindowSize: 2, minimumNumberOfCalls: 2, waitDurationInOpenStateMs: 10_000, permittedNumberOfCallsInHalfOpenState: 1 },
      onTransition: (t) => { record = breakerRecordOfTransition(t, { openWaitMs: breaker.config.waitDurationInOpenStateMs }) ?? record; },
    });
    // Act
    breaker.onResult(T0, { durationMs: 5, failed: true });
    breaker.onResult(T0, { durationMs: 5, failed: true });
    // Assess: the record says what tryAcquire says, at 1 ms before and at the end of the wait.
    expect(breakerAdmits(record, T0 + 9_999, 1).verdict).toEqual({ state: 'open', admitted: false, retryAfterMs: 1 });
    expect(breaker.tryAcquire(T0 + 9_999)).toEqual({ permitted: false, retryAfterMs: 1 });
    expect(breakerAdmits(record, T0 + 10_000, 1).verdict).toEqual({ state: 'half_open', admitted: true });
    expect(breaker.tryAcquire(T0 + 10_000)).toEqual({ permitted: true });
    breaker.onResult(T0 + 10_050, { durationMs: 50, failed: false });
    expect(record).toMatchObject({ state: 'CLOSED' });
  });
});
