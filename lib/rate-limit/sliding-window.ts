import { InvalidRateLimitRequestError, type RateLimitDecision, type RateLimitRequest, type RateWindow, type WindowFigures } from './rate-limiter';

/**
 * Sliding window counter (see docs/rate-limiting.md): each window keeps the count of the current
 * fixed window and of the previous one; the previous count is weighted by the share of it that
 * the sliding window still covers. The Lua script in `redis-script.ts` computes exactly the same
 * integers; both limiters use these functions for figures.
 */
export interface WindowCounts {
  readonly current: number;
  readonly previous: number;
}

export function windowIndex(nowMs: number, sizeMs: number): number {
  return Math.floor(nowMs / sizeMs);
}

/**
 * Requests counted in the sliding window ending at `nowMs` (same integer arithmetic as the Lua
 * script). The weighted previous share is rounded UP: the estimate never under-counts.
 */
export function estimate(counts: WindowCounts, nowMs: number, sizeMs: number): number {
  const elapsed = nowMs % sizeMs;
  return counts.current + Math.ceil((counts.previous * (sizeMs - elapsed)) / sizeMs);
}

/**
 * Milliseconds until a request of `cost` fits, assuming nothing else is admitted meanwhile.
 * The estimate only decreases with time, so the answer for several windows is the maximum.
 */
export function waitMs(counts: WindowCounts, nowMs: number, window: RateWindow, cost: number): number {
  const { sizeMs: size, limit } = window;
  const elapsed = nowMs % size;
  if (estimate(counts, nowMs, size) + cost <= limit) return 0;
  const room = limit - cost - counts.current;
  if (room >= 0) {
    // Still in this fixed window: wait until the previous window's weighted share is small enough.
    // ceil(prev * (size - e) / size) <= room  <=>  e >= size * (prev - room) / prev
    const firstElapsed = Math.ceil((size * (counts.previous - room)) / counts.previous);
    if (firstElapsed < size) return Math.max(firstElapsed, elapsed) - elapsed;
  }
  // In the next fixed window the current count becomes the weighted previous one.
  const nextRoom = limit - cost;
  if (nextRoom < 0) return Number.POSITIVE_INFINITY;
  const firstNext = counts.current <= nextRoom ? 0 : Math.ceil((size * (counts.current - nextRoom)) / counts.current);
  return size - elapsed + firstNext;
}

export function assertValidRequest(request: RateLimitRequest): number {
  const cost = request.cost ?? 1;
  if (!Number.isInteger(cost) || cost < 1) throw new InvalidRateLimitRequestError(`cost must be a positive integer, got ${cost}`);
  if (request.windows.length === 0) throw new InvalidRateLimitRequestError('at least one window is required');
  for (const w of request.windows) {
    if (!Number.isInteger(w.sizeMs) || w.sizeMs < 1000 || !Number.isInteger(w.limit) || w.limit < 1) {
      throw new InvalidRateLimitRequestError(`window ${w.name}: sizeMs must be an integer >= 1000 and limit a positive integer`);
    }
  }
  return cost;
}

/**
 * The decision and client figures from the counts read before the request (`before`) and whether
 * the store admitted it. Shared by both limiters so they report identical numbers.
 */
export function decide(request: RateLimitRequest, before: readonly WindowCounts[], allowed: boolean, nowMs: number): RateLimitDecision {
  const cost = request.cost ?? 1;
  const windows: WindowFigures[] = request.windows.map((w, i) => {
    const counts = before[i];
    const after = allowed ? { current: counts.current + cost, previous: counts.previous } : counts;
    return {
      name: w.name,
      limit: w.limit,
      remaining: Math.max(0, w.limit - estimate(after, nowMs, w.sizeMs)),
      resetSeconds: Math.ceil((w.sizeMs - (nowMs % w.sizeMs)) / 1000),
    };
  });
  let retryAfterSeconds = 0;
  if (!allowed) {
    const wait = Math.max(...request.windows.map((w, i) => waitMs(before[i], nowMs, w, cost)));
    const longest = Math.max(...request.windows.map((w) => w.sizeMs));
    retryAfterSeconds = Math.max(1, Math.ceil(Math.min(wait, longest) / 1000));
  }
  return { allowed, windows, retryAfterSeconds, degraded: false };
}

/** What a fault-tolerant limiter reports when it admitted a request without asking the store. */
export function degradedDecision(request: RateLimitRequest, nowMs: number): RateLimitDecision {
  return {
    allowed: true,
    degraded: true,
    retryAfterSeconds: 0,
    windows: request.windows.map((w) => ({
      name: w.name, limit: w.limit, remaining: w.limit, resetSeconds: Math.ceil((w.sizeMs - (nowMs % w.sizeMs)) / 1000),
    })),
  };
}
