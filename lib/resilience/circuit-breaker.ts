/**
 * A circuit breaker with Resilience4j's state machine (CircuitBreakerStateMachine), pure and
 * clock-injected: every method takes `nowMs`, nothing schedules a timer, so the twin drives it
 * from its own observations and tests step through time. The AWS side cannot run this (the
 * authorizer never sees upstream results); it shares the states and the rules through
 * breaker-record.ts.
 *
 * As Resilience4j with automaticTransitionFromOpenToHalfOpenEnabled=false: OPEN moves to HALF_OPEN
 * on the first call after the wait, not by itself. Deviations, each for a reason given where it is made:
 * the wait ends AT `openedAt + wait` rather than strictly after it, and HALF_OPEN's max wait is
 * applied on the next access instead of by a scheduler.
 */
import { circuitBreakerConfig, type CircuitBreakerConfig } from './breaker-config';
import type { BreakerPermission, BreakerState, BreakerTransition, CallResult, TransitionReason } from './breaker-events';
import { countWindow, judgeThresholds, timeWindow, type CallWindow, type ThresholdVerdict } from './call-window';

export type { BreakerPermission, BreakerState, BreakerTransition, CallResult, TransitionReason } from './breaker-events';

export interface CircuitBreakerProps {
  /** Resilience4j's settings; unset ones take its defaults. */
  readonly config?: Partial<CircuitBreakerConfig>;
  /** Called synchronously on every state change (the twin logs it and counts a metric). */
  readonly onTransition?: (transition: BreakerTransition) => void;
  /**
   * Retry-After of a call refused in HALF_OPEN because the trial calls are all in flight.
   * Resilience4j has no such figure; the trials settle within one call's duration, and 1 s is the
   * smallest whole-second Retry-After. @default 1000
   */
  readonly halfOpenRetryAfterMs?: number;
}

type Phase =
  | { readonly state: 'CLOSED'; readonly window: CallWindow }
  | { readonly state: 'OPEN'; readonly since: number }
  | { readonly state: 'HALF_OPEN'; readonly since: number; readonly window: CallWindow; permitsLeft: number }
  | { readonly state: 'FORCED_OPEN'; readonly retryAfterMs: number }
  | { readonly state: 'DISABLED' };

/**
 * @example
 * const breaker = new CircuitBreaker({ config: { slidingWindowSize: 20, minimumNumberOfCalls: 10 }, onTransition: log });
 * const p = breaker.tryAcquire(Date.now());
 * if (!p.permitted) return unavailable(p.retryAfterMs);
 * const started = Date.now();
 * const res = await call();
 * breaker.onResult(Date.now(), { durationMs: Date.now() - started, failed: res.status >= 500 });
 */
export class CircuitBreaker {
  readonly config: CircuitBreakerConfig;
  private phase: Phase;
  private readonly onTransition?: (t: BreakerTransition) => void;
  private readonly halfOpenRetryAfterMs: number;

  constructor(props: CircuitBreakerProps = {}) {
    this.config = circuitBreakerConfig(props.config);
    this.onTransition = props.onTransition;
    this.halfOpenRetryAfterMs = props.halfOpenRetryAfterMs ?? 1000;
    this.phase = this.closed();
  }

  state(nowMs: number): BreakerState {
    this.applyHalfOpenMaxWait(nowMs);
    return this.phase.state;
  }

  /** Asks to make one call. A permitted call must end in {@link onResult} or {@link releasePermission}. */
  tryAcquire(nowMs: number): BreakerPermission {
    this.applyHalfOpenMaxWait(nowMs);
    const p = this.phase;
    switch (p.state) {
      case 'CLOSED': case 'DISABLED': return { permitted: true };
      case 'FORCED_OPEN': return { permitted: false, retryAfterMs: p.retryAfterMs };
      case 'OPEN': {
        // Resilience4j admits strictly after the wait (Instant.isAfter, nanoseconds); in whole
        // milliseconds ">=" lets a client retrying after exactly retryAfterMs be the one admitted.
        const waitEnds = p.since + this.config.waitDurationInOpenStateMs;
        if (nowMs < waitEnds) return { permitted: false, retryAfterMs: waitEnds - nowMs };
        this.enter(this.halfOpen(nowMs), nowMs, 'wait_elapsed');
        return this.tryAcquire(nowMs);
      }
      case 'HALF_OPEN':
        if (p.permitsLeft === 0) return { permitted: false, retryAfterMs: this.halfOpenRetryAfterMs };
        p.permitsLeft -= 1;
        return { permitted: true };
    }
  }

  /** Gives back a permission whose call was never made (refused further on, e.g. by the limiter). */
  releasePermission(nowMs: number): void {
    this.applyHalfOpenMaxWait(nowMs);
    if (this.phase.state === 'HALF_OPEN') this.phase.permitsLeft += 1;
  }

  /** Records a completed call: `durationMs` strictly above the slow-call threshold makes it slow. */
  onResult(nowMs: number, result: CallResult): void {
    this.applyHalfOpenMaxWait(nowMs);
    const p = this.phase;
    // OPEN records late results of calls admitted while CLOSED into metrics it then discards;
    // FORCED_OPEN and DISABLED ignore them: none of the three changes state on a result.
    if (p.state !== 'CLOSED' && p.state !== 'HALF_OPEN') return;
    const outcome = { failed: result.failed, slow: result.durationMs > this.config.slowCallDurationThresholdMs };
    const snapshot = p.window.record(nowMs, outcome);
    if (p.state === 'CLOSED') {
      const verdict = judgeThresholds(snapshot, this.minimumCalls(this.config.slidingWindowSize, this.config.slidingWindowType === 'COUNT_BASED'), this.config);
      if (verdict.evaluated && verdict.exceeded) this.enter({ state: 'OPEN', since: nowMs }, nowMs, 'thresholds_exceeded', verdict);
      return;
    }
    // HALF_OPEN: a count window the size of the permitted calls; its minimum capped to that size,
    // so the rates decide once all trial calls have completed (or the minimum, if smaller).
    const verdict = judgeThresholds(snapshot, this.minimumCalls(this.config.permittedNumberOfCallsInHalfOpenState, true), this.config);
    if (!verdict.evaluated) return;
    if (verdict.exceeded) this.enter({ state: 'OPEN', since: nowMs }, nowMs, 'thresholds_exceeded', verdict);
    else this.enter(this.closed(), nowMs, 'thresholds_below', verdict);
  }

  /** Maintenance: refuses every call until another transition; `retryAfterMs` is the hint refused callers get. */
  transitionToForcedOpenState(nowMs: number, retryAfterMs = this.config.waitDurationInOpenStateMs): void {
    this.enter({ state: 'FORCED_OPEN', retryAfterMs }, nowMs, 'forced_open');
  }

  /** Permits every call and records nothing. */
  transitionToDisabledState(nowMs: number): void {
    this.enter({ state: 'DISABLED' }, nowMs, 'disabled');
  }

  /** Back to CLOSED with an empty window (the end of maintenance, an operator's reset); a no-op when CLOSED. */
  transitionToClosedState(nowMs: number): void {
    this.enter(this.closed(), nowMs, 'closed_by_operator');
  }

  private minimumCalls(windowSize: number, countBased: boolean): number {
    return countBased ? Math.min(this.config.minimumNumberOfCalls, windowSize) : this.config.minimumNumberOfCalls;
  }

  private closed(): Phase {
    const { slidingWindowType, slidingWindowSize } = this.config;
    return { state: 'CLOSED', window: slidingWindowType === 'COUNT_BASED' ? countWindow(slidingWindowSize) : timeWindow(slidingWindowSize) };
  }

  private halfOpen(nowMs: number): Phase {
    const permitted = this.config.permittedNumberOfCallsInHalfOpenState;
    return { state: 'HALF_OPEN', since: nowMs, window: countWindow(permitted), permitsLeft: permitted };
  }

  /** Resilience4j schedules this; without timers it fires on the first access past the deadline, dated at the deadline. */
  private applyHalfOpenMaxWait(nowMs: number): void {
    const max = this.config.maxWaitDurationInHalfOpenStateMs;
    if (this.phase.state !== 'HALF_OPEN' || max === 0 || nowMs < this.phase.since + max) return;
    const deadline = this.phase.since + max;
    this.enter({ state: 'OPEN', since: deadline }, deadline, 'half_open_max_wait');
  }

  private enter(next: Phase, atMs: number, reason: TransitionReason, verdict?: ThresholdVerdict): void {
    const from = this.phase.state;
    // Resilience4j's stateTransition keeps the current state when asked for the state it is in
    // (only operator calls can ask that); a new maintenance Retry-After hint is still taken.
    if (from === next.state) {
      if (next.state === 'FORCED_OPEN') this.phase = next;
      return;
    }
    this.phase = next;
    this.onTransition?.({ from, to: next.state, atMs, reason, ...(verdict ? { verdict } : {}) });
  }
}
