import type { CircuitBreakerConfig } from '../../lib/resilience/breaker-config';
import type { BreakerPermission, BreakerState, CallResult } from '../../lib/resilience/circuit-breaker';

interface Call { readonly atMs: number; readonly failed: boolean; readonly slow: boolean }

/**
 * The breaker's rules written the slow, obvious way for the differential test: every call kept
 * in a list, the window re-derived from the list on each result, no buckets, no rings.
 */
export class ReferenceBreaker {
  state: BreakerState = 'CLOSED';
  private calls: Call[] = [];
  private since = 0;
  private permitsLeft = 0;
  private forcedRetryAfterMs = 0;
  readonly transitions: string[] = [];

  constructor(private readonly c: CircuitBreakerConfig, private readonly halfOpenRetryAfterMs = 1000) {}

  current(now: number): BreakerState {
    const max = this.c.maxWaitDurationInHalfOpenStateMs;
    if (this.state === 'HALF_OPEN' && max > 0 && now >= this.since + max) this.go('OPEN', this.since + max);
    return this.state;
  }

  tryAcquire(now: number): BreakerPermission {
    const s = this.current(now);
    if (s === 'CLOSED' || s === 'DISABLED') return { permitted: true };
    if (s === 'FORCED_OPEN') return { permitted: false, retryAfterMs: this.forcedRetryAfterMs };
    if (s === 'OPEN') {
      if (now - this.since < this.c.waitDurationInOpenStateMs) return { permitted: false, retryAfterMs: this.since + this.c.waitDurationInOpenStateMs - now };
      this.go('HALF_OPEN', now);
      this.permitsLeft = this.c.permittedNumberOfCallsInHalfOpenState;
    }
    if (this.permitsLeft <= 0) return { permitted: false, retryAfterMs: this.halfOpenRetryAfterMs };
    this.permitsLeft--;
    return { permitted: true };
  }

  release(now: number): void {
    if (this.current(now) === 'HALF_OPEN') this.permitsLeft++;
  }

  onResult(now: number, r: CallResult): void {
    const s = this.current(now);
    if (s !== 'CLOSED' && s !== 'HALF_OPEN') return;
    this.calls.push({ atMs: now, failed: r.failed, slow: r.durationMs > this.c.slowCallDurationThresholdMs });
    let window: Call[];
    let minimum: number;
    if (s === 'HALF_OPEN') {
      window = this.calls.slice(-this.c.permittedNumberOfCallsInHalfOpenState);
      minimum = Math.min(this.c.minimumNumberOfCalls, this.c.permittedNumberOfCallsInHalfOpenState);
    } else if (this.c.slidingWindowType === 'COUNT_BASED') {
      window = this.calls.slice(-this.c.slidingWindowSize);
      minimum = Math.min(this.c.minimumNumberOfCalls, this.c.slidingWindowSize);
    } else {
      const second = Math.floor(now / 1000);
      window = this.calls.filter((c) => Math.floor(c.atMs / 1000) > second - this.c.slidingWindowSize);
      minimum = this.c.minimumNumberOfCalls;
    }
    if (window.length < minimum) return;
    const failed = window.filter((c) => c.failed).length / window.length * 100;
    const slow = window.filter((c) => c.slow).length / window.length * 100;
    const exceeded = failed >= this.c.failureRateThreshold || slow >= this.c.slowCallRateThreshold;
    if (exceeded) this.go('OPEN', now);
    else if (s === 'HALF_OPEN') this.go('CLOSED', now);
  }

  force(now: number, retryAfterMs: number): void { this.forcedRetryAfterMs = retryAfterMs; this.go('FORCED_OPEN', now); }
  disable(now: number): void { this.go('DISABLED', now); }
  close(now: number): void { this.go('CLOSED', now); }

  private go(to: BreakerState, at: number): void {
    if (to === this.state) return;
    this.transitions.push(`${this.state}->${to}@${at}`);
    this.state = to;
    this.since = at;
    this.calls = [];
  }
}
