/**
 * The limiter's request and decision with the breaker added, and the decision of a shed request.
 * Shared by RedisRateLimiter and InMemoryRateLimiter, so both report the same figures, as
 * sliding-window.ts's `decide` does for the windows.
 */
import { InvalidRateLimitRequestError, type RateLimitDecision, type RateLimitRequest } from '../rate-limit/rate-limiter';
import { decide, type WindowCounts } from '../rate-limit/sliding-window';
import type { BreakerCheck, BreakerVerdict } from './breaker-record';

export interface BreakerLimitRequest extends RateLimitRequest {
  /** The service's breaker, decided in the same store call as the windows. */
  readonly breaker?: BreakerCheck;
}

export interface BreakerLimitDecision extends RateLimitDecision {
  /**
   * The breaker's verdict, when the request named one and the store answered (a degraded
   * decision has none: with Redis unavailable the breaker is unknown and fault tolerance admits).
   * `admitted: false` means shed: `allowed` is false, nothing was counted, and Retry-After is the
   * breaker's; answer 503, not 429.
   */
  readonly breaker?: BreakerVerdict;
}

export function assertValidBreakerCheck(check: BreakerCheck): void {
  if (!Number.isInteger(check.trickleCount) || check.trickleCount < 0) {
    throw new InvalidRateLimitRequestError(`breaker ${check.service}: trickleCount must be a non-negative integer, got ${check.trickleCount}`);
  }
}

/** The windows' decision with the breaker's verdict added (in place: the decision is the caller's fresh object, and this runs per request). */
export function withVerdict(decision: RateLimitDecision, verdict: BreakerVerdict): BreakerLimitDecision {
  (decision as { breaker?: BreakerVerdict }).breaker = verdict;
  return decision;
}

/** A request the breaker refused: the windows' figures as read (nothing counted), the breaker's wait. */
export function shedDecision(request: RateLimitRequest, before: readonly WindowCounts[], verdict: BreakerVerdict & { admitted: false }, nowMs: number): BreakerLimitDecision {
  const { windows, degraded } = decide(request, before, false, nowMs);
  return { allowed: false, windows, degraded, retryAfterSeconds: Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)), breaker: verdict };
}
