import { InvalidCircuitBreakerConfigError, circuitBreakerConfig, type CircuitBreakerConfig } from '../../lib/resilience/breaker-config';
import { CircuitBreaker, type BreakerTransition } from '../../lib/resilience/circuit-breaker';

const T0 = 1_800_000_000_000; // a whole second

function breaker(config: Partial<CircuitBreakerConfig>) {
  const transitions: BreakerTransition[] = [];
  const b = new CircuitBreaker({ config, onTransition: (t) => transitions.push(t) });
  return { b, transitions };
}

/** Records `pattern` ('F' failed, 'S' succeeded, 'W' slow success) at `now`. */
function record(b: CircuitBreaker, now: number, pattern: string, slowMs = 10_000) {
  for (const c of pattern) b.onResult(now, { failed: c === 'F', durationMs: c === 'W' ? slowMs : 5 });
}

describe('CircuitBreaker (Resilience4j semantics)', () => {
  describe('CLOSED -> OPEN on the failure rate', () => {
    it('stays closed at 49 % and opens at exactly 50 % with a threshold of 50', () => {
      const { b, transitions } = breaker({ slidingWindowSize: 100, minimumNumberOfCalls: 100, failureRateThreshold: 50 });
      record(b, T0, 'S'.repeat(51) + 'F'.repeat(49));
      expect(b.state(T0)).toBe('CLOSED');
      record(b, T0, 'F'); // the oldest S leaves the window: 50 of 100 failed
      expect(b.state(T0)).toBe('OPEN');
      expect(transitions).toEqual([{ from: 'CLOSED', to: 'OPEN', atMs: T0, reason: 'thresholds_exceeded', verdict: { evaluated: true, calls: 100, failureRate: 50, slowCallRate: 0, exceeded: true } }]);
    });

    it('does not evaluate the rates before the window holds minimumNumberOfCalls', () => {
      const { b } = breaker({ slidingWindowSize: 20, minimumNumberOfCalls: 10 });
      record(b, T0, 'F'.repeat(9));
      expect(b.state(T0)).toBe('CLOSED'); // 9 of 9 failed, but only 9 calls
      record(b, T0, 'F');
      expect(b.state(T0)).toBe('OPEN');
    });

    it('caps minimumNumberOfCalls at the size of a COUNT_BASED window', () => {
      const { b } = breaker({ slidingWindowSize: 5, minimumNumberOfCalls: 100 });
      record(b, T0, 'FFFF');
      expect(b.state(T0)).toBe('CLOSED');
      record(b, T0, 'F');
      expect(b.state(T0)).toBe('OPEN');
    });
  });

  describe('slow calls', () => {
    it('counts a call as slow only when strictly longer than slowCallDurationThresholdMs, and opens at the slow-call rate', () => {
      const { b, transitions } = breaker({ slidingWindowSize: 10, minimumNumberOfCalls: 10, slowCallRateThreshold: 50, slowCallDurationThresholdMs: 1000 });
      for (let i = 0; i < 5; i++) b.onResult(T0, { failed: false, durationMs: 1000 }); // not slow
      for (let i = 0; i < 4; i++) b.onResult(T0, { failed: false, durationMs: 1001 });
      b.onResult(T0, { failed: false, durationMs: 5 });
      expect(b.state(T0)).toBe('CLOSED'); // 4 of 10 slow
      b.onResult(T0, { failed: false, durationMs: 1001 }); // evicts a 1000 ms call: 5 of 10 slow
      expect(b.state(T0)).toBe('OPEN');
      expect(transitions[0].verdict).toEqual({ evaluated: true, calls: 10, failureRate: 0, slowCallRate: 50, exceeded: true });
    });
  });

  describe('window expiry', () => {
    it('COUNT_BASED keeps only the last N calls', () => {
      const { b } = breaker({ slidingWindowSize: 4, minimumNumberOfCalls: 4, failureRateThreshold: 60 });
      record(b, T0, 'FFSSSFF'); // window SSFF: 50 %; the first two failures were evicted
      expect(b.state(T0)).toBe('CLOSED');
      record(b, T0, 'F'); // SFFF: 75 %
      expect(b.state(T0)).toBe('OPEN');
    });

    it('TIME_BASED keeps the calls of the last N epoch seconds, in whole-second buckets', () => {
      const { b } = breaker({ slidingWindowType: 'TIME_BASED', slidingWindowSize: 10, minimumNumberOfCalls: 4 });
      record(b, T0, 'F');
      record(b, T0 + 999, 'FF'); // same second as T0
      record(b, T0 + 10_000, 'F'); // second 10: second 0 has left the window, 1 call in it
      expect(b.state(T0 + 10_000)).toBe('CLOSED');
      record(b, T0 + 19_999, 'FF'); // seconds 10..19: 3 calls
      expect(b.state(T0 + 19_999)).toBe('CLOSED');
      record(b, T0 + 19_999, 'F');
      expect(b.state(T0 + 19_999)).toBe('OPEN');
    });

    it('TIME_BASED still counts a call made 9.999 s ago in a 10 s window', () => {
      const { b } = breaker({ slidingWindowType: 'TIME_BASED', slidingWindowSize: 10, minimumNumberOfCalls: 4 });
      record(b, T0, 'FFF');
      record(b, T0 + 9_999, 'F');
      expect(b.state(T0 + 9_999)).toBe('OPEN');
    });

    it('TIME_BASED does not cap minimumNumberOfCalls at the window size', () => {
      const { b } = breaker({ slidingWindowType: 'TIME_BASED', slidingWindowSize: 2, minimumNumberOfCalls: 5 });
      record(b, T0, 'FFFF');
      expect(b.state(T0)).toBe('CLOSED');
      record(b, T0, 'F');
      expect(b.state(T0)).toBe('OPEN');
    });
  });

  describe('OPEN', () => {
    const opened = () => {
      const made = breaker({ slidingWindowSize: 2, minimumNumberOfCalls: 2, waitDurationInOpenStateMs: 30_000, permittedNumberOfCallsInHalfOpenState: 3 });
      record(made.b, T0, 'FF');
      return made;
    };

    it('refuses with the time left of the wait as retryAfterMs', () => {
      const { b } = opened();
      expect(b.tryAcquire(T0)).toEqual({ permitted: false, retryAfterMs: 30_000 });
      expect(b.tryAcquire(T0 + 10_000)).toEqual({ permitted: false, retryAfterMs: 20_000 });
      expect(b.tryAcquire(T0 + 29_999)).toEqual({ permitted: false, retryAfterMs: 1 });
    });

    it('does not half-open by itself: the first call after the wait moves it to HALF_OPEN', () => {
      const { b, transitions } = opened();
      expect(b.state(T0 + 60_000)).toBe('OPEN');
      expect(b.tryAcquire(T0 + 60_000)).toEqual({ permitted: true });
      expect(b.state(T0 + 60_000)).toBe('HALF_OPEN');
      expect(transitions.map((t) => [t.from, t.to, t.atMs, t.reason])).toEqual([
        ['CLOSED', 'OPEN', T0, 'thresholds_exceeded'],
        ['OPEN', 'HALF_OPEN', T0 + 60_000, 'wait_elapsed'],
      ]);
    });

    it('admits a retry made exactly retryAfterMs later', () => {
      const { b } = opened();
      const refused = b.tryAcquire(T0 + 12_345);
      expect(refused.permitted).toBe(false);
      expect(b.tryAcquire(T0 + 12_345 + (refused as { retryAfterMs: number }).retryAfterMs)).toEqual({ permitted: true });
    });

    it('ignores results of calls admitted before it opened', () => {
      const { b } = opened();
      record(b, T0 + 1, 'SSSSSSSSSS');
      expect(b.state(T0 + 1)).toBe('OPEN');
      expect(b.tryAcquire(T0 + 1)).toEqual({ permitted: false, retryAfterMs: 29_999 });
    });
  });

  describe('HALF_OPEN', () => {
    const halfOpen = (config: Partial<CircuitBreakerConfig> = {}) => {
      // minimumNumberOfCalls 10: capped to 2 in CLOSED and to 3 in HALF_OPEN, so all trial calls decide.
      const made = breaker({ slidingWindowSize: 2, minimumNumberOfCalls: 10, waitDurationInOpenStateMs: 1000, permittedNumberOfCallsInHalfOpenState: 3, ...config });
      record(made.b, T0, 'FF');
      expect(made.b.tryAcquire(T0 + 1000)).toEqual({ permitted: true });
      return made;
    };

    it('permits exactly permittedNumberOfCallsInHalfOpenState calls, then refuses until they complete', () => {
      const { b } = halfOpen();
      expect(b.tryAcquire(T0 + 1001)).toEqual({ permitted: true });
      expect(b.tryAcquire(T0 + 1002)).toEqual({ permitted: true });
      expect(b.tryAcquire(T0 + 1003)).toEqual({ permitted: false, retryAfterMs: 1000 });
      b.releasePermission(T0 + 1004); // a permitted call that was never made
      expect(b.tryAcquire(T0 + 1005)).toEqual({ permitted: true });
      expect(b.tryAcquire(T0 + 1006)).toEqual({ permitted: false, retryAfterMs: 1000 });
    });

    it('closes when the permitted calls complete below the thresholds, with an empty window', () => {
      const { b, transitions } = halfOpen();
      b.tryAcquire(T0 + 1000); b.tryAcquire(T0 + 1000);
      record(b, T0 + 1100, 'SS');
      expect(b.state(T0 + 1100)).toBe('HALF_OPEN'); // 2 of 3 trial calls completed
      record(b, T0 + 1200, 'F'); // 33 % < 50 %
      expect(b.state(T0 + 1200)).toBe('CLOSED');
      expect(transitions.at(-1)).toMatchObject({ from: 'HALF_OPEN', to: 'CLOSED', reason: 'thresholds_below', verdict: { calls: 3, failureRate: 100 / 3 } });
      record(b, T0 + 1300, 'F'); // a fresh window: one call is below the minimum
      expect(b.state(T0 + 1300)).toBe('CLOSED');
    });

    it('re-opens when the permitted calls complete at or above a threshold, for a new wait', () => {
      const { b, transitions } = halfOpen();
      record(b, T0 + 1100, 'SFF');
      expect(b.state(T0 + 1100)).toBe('OPEN');
      expect(transitions.at(-1)).toMatchObject({ from: 'HALF_OPEN', to: 'OPEN', atMs: T0 + 1100, reason: 'thresholds_exceeded' });
      expect(b.tryAcquire(T0 + 1500)).toEqual({ permitted: false, retryAfterMs: 600 });
    });

    it('decides after minimumNumberOfCalls trial results when that is fewer than the permitted calls', () => {
      const { b } = halfOpen({ minimumNumberOfCalls: 2, permittedNumberOfCallsInHalfOpenState: 5 });
      record(b, T0 + 1100, 'S');
      expect(b.state(T0 + 1100)).toBe('HALF_OPEN');
      record(b, T0 + 1100, 'S');
      expect(b.state(T0 + 1100)).toBe('CLOSED');
    });

    it('goes back to OPEN after maxWaitDurationInHalfOpenStateMs, dated at that deadline', () => {
      const { b, transitions } = halfOpen({ maxWaitDurationInHalfOpenStateMs: 5000 });
      expect(b.state(T0 + 5999)).toBe('HALF_OPEN');
      expect(b.tryAcquire(T0 + 6500)).toEqual({ permitted: false, retryAfterMs: 500 }); // a new wait from the deadline
      expect(transitions.at(-1)).toEqual({ from: 'HALF_OPEN', to: 'OPEN', atMs: T0 + 6000, reason: 'half_open_max_wait' });
    });
  });

  describe('FORCED_OPEN and DISABLED', () => {
    it('FORCED_OPEN refuses every call with the maintenance hint and ignores results until closed', () => {
      const { b, transitions } = breaker({ slidingWindowSize: 2, minimumNumberOfCalls: 2 });
      b.transitionToForcedOpenState(T0, 120_000);
      expect(b.tryAcquire(T0 + 999_999)).toEqual({ permitted: false, retryAfterMs: 120_000 });
      record(b, T0, 'SSSS');
      expect(b.state(T0 + 999_999)).toBe('FORCED_OPEN');
      b.transitionToClosedState(T0 + 1_000_000);
      expect(b.tryAcquire(T0 + 1_000_000)).toEqual({ permitted: true });
      expect(transitions.map((t) => `${t.from}->${t.to} ${t.reason}`)).toEqual(['CLOSED->FORCED_OPEN forced_open', 'FORCED_OPEN->CLOSED closed_by_operator']);
    });

    it('DISABLED permits every call and records nothing', () => {
      const { b } = breaker({ slidingWindowSize: 2, minimumNumberOfCalls: 2 });
      b.transitionToDisabledState(T0);
      record(b, T0, 'FFFFFF');
      expect(b.tryAcquire(T0)).toEqual({ permitted: true });
      b.transitionToClosedState(T0);
      record(b, T0, 'F'); // the window starts empty: one call is below the minimum
      expect(b.state(T0)).toBe('CLOSED');
    });
  });

  describe('config', () => {
    it('takes Resilience4j defaults', () => {
      expect(new CircuitBreaker().config).toEqual({
        failureRateThreshold: 50, slowCallRateThreshold: 100, slowCallDurationThresholdMs: 60_000, slidingWindowType: 'COUNT_BASED',
        slidingWindowSize: 100, minimumNumberOfCalls: 100, waitDurationInOpenStateMs: 60_000, permittedNumberOfCallsInHalfOpenState: 10,
        maxWaitDurationInHalfOpenStateMs: 0,
      });
    });

    it.each([
      [{ failureRateThreshold: 0 }, 'failureRateThreshold must be a percentage greater than 0 and at most 100, got 0'],
      [{ slowCallRateThreshold: 101 }, 'slowCallRateThreshold must be a percentage greater than 0 and at most 100, got 101'],
      [{ slidingWindowSize: 0 }, 'slidingWindowSize must be an integer >= 1, got 0'],
      [{ permittedNumberOfCallsInHalfOpenState: 1.5 }, 'permittedNumberOfCallsInHalfOpenState must be an integer >= 1, got 1.5'],
      [{ slidingWindowType: 'SESSION' as never }, "slidingWindowType must be 'COUNT_BASED' or 'TIME_BASED', got SESSION"],
    ])('refuses %j', (overrides, message) => {
      expect(() => circuitBreakerConfig(overrides)).toThrow(InvalidCircuitBreakerConfigError);
      expect(() => circuitBreakerConfig(overrides)).toThrow(message);
    });
  });
});
