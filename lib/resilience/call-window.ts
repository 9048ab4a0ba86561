/**
 * The breaker's sliding windows of call outcomes and the threshold rule over them, as
 * Resilience4j's FixedSizeSlidingWindowMetrics, SlidingTimeWindowMetrics and
 * CircuitBreakerMetrics.checkIfThresholdsExceeded. Separate from the state machine because the
 * window is the part with arithmetic worth testing alone.
 */

/** One completed call as the window sees it. */
export interface CallOutcome {
  readonly failed: boolean;
  readonly slow: boolean;
}

/** The aggregate of the calls in a window. */
export interface WindowSnapshot {
  readonly calls: number;
  readonly failedCalls: number;
  readonly slowCalls: number;
}

export interface CallWindow {
  /** Adds an outcome and returns the window's aggregate including it. */
  record(nowMs: number, outcome: CallOutcome): WindowSnapshot;
  snapshot(nowMs: number): WindowSnapshot;
}

/** The last `size` calls (a ring: the oldest outcome is evicted by the newest). */
export function countWindow(size: number): CallWindow {
  const ring: CallOutcome[] = [];
  let next = 0;
  const snapshot = (): WindowSnapshot => ({
    calls: ring.length,
    failedCalls: ring.filter((o) => o.failed).length,
    slowCalls: ring.filter((o) => o.slow).length,
  });
  return {
    record(_nowMs, outcome) {
      ring[next] = outcome;
      next = (next + 1) % size;
      return snapshot();
    },
    snapshot,
  };
}

interface SecondBucket { second: number; calls: number; failedCalls: number; slowCalls: number }

/**
 * The calls of the last `seconds` epoch seconds, the current one included, in one bucket per
 * second: a call made at 12:00:00.999 leaves the window at the same instant as one made at
 * 12:00:00.000, exactly as Resilience4j's partial aggregations. Sums the buckets on read rather
 * than subtract-on-evict: a window is at most a few hundred buckets and the sum cannot drift.
 */
export function timeWindow(seconds: number): CallWindow {
  const buckets: SecondBucket[] = Array.from({ length: seconds }, () => ({ second: Number.NEGATIVE_INFINITY, calls: 0, failedCalls: 0, slowCalls: 0 }));
  const snapshot = (nowMs: number): WindowSnapshot => {
    const current = Math.floor(nowMs / 1000);
    let calls = 0, failedCalls = 0, slowCalls = 0;
    for (const b of buckets) {
      if (b.second > current - seconds && b.second <= current) { calls += b.calls; failedCalls += b.failedCalls; slowCalls += b.slowCalls; }
    }
    return { calls, failedCalls, slowCalls };
  };
  return {
    record(nowMs, outcome) {
      const second = Math.floor(nowMs / 1000);
      const bucket = buckets[((second % seconds) + seconds) % seconds];
      if (bucket.second !== second) Object.assign(bucket, { second, calls: 0, failedCalls: 0, slowCalls: 0 });
      bucket.calls += 1;
      if (outcome.failed) bucket.failedCalls += 1;
      if (outcome.slow) bucket.slowCalls += 1;
      return snapshot(nowMs);
    },
    snapshot,
  };
}

/** The rates of a snapshot judged against the thresholds; `exceeded` is what opens the breaker. */
export type ThresholdVerdict =
  | { readonly evaluated: false; readonly calls: number }
  | { readonly evaluated: true; readonly calls: number; readonly failureRate: number; readonly slowCallRate: number; readonly exceeded: boolean };

/**
 * Resilience4j's rule: no verdict below `minimumCalls` (nor on an empty window); otherwise
 * exceeded when either rate is AT or above its threshold (`>=`: 50 % with a threshold of 50 opens).
 */
export function judgeThresholds(
  s: WindowSnapshot, minimumCalls: number, thresholds: { readonly failureRateThreshold: number; readonly slowCallRateThreshold: number },
): ThresholdVerdict {
  if (s.calls === 0 || s.calls < minimumCalls) return { evaluated: false, calls: s.calls };
  const failureRate = (s.failedCalls * 100) / s.calls;
  const slowCallRate = (s.slowCalls * 100) / s.calls;
  const exceeded = failureRate >= thresholds.failureRateThreshold || slowCallRate >= thresholds.slowCallRateThreshold;
  return { evaluated: true, calls: s.calls, failureRate, slowCallRate, exceeded };
}
