import { InvalidRateLimitRequestError, type RateLimitDecision, type RateLimitRequest, type RateWindow, type WindowFigures } from './rate-limiter';

/**
 * Sliding window counter (see docs/rate-limiting.md): each window keeps the count of the current
 * fixed window and of the previous one; the previous count is weighted by the share of it that
 * the sliding window still covers. A calendar window (a tier's quota: UTC day, week from Monday,
 * month) is a plain fixed window: the previous period weighs nothing. The Lua script in
 * `redis-script.ts` computes exactly the same integers from the positions computed here; both
 * limiters use these functions for figures.
 */
export interface WindowCounts {
  readonly current: number;
  readonly previous: number;
}

/** Where `now` falls in a window: which fixed window, how far into it, and how long it is. */
export interface WindowPosition {
  /** Index of the current fixed window (or calendar period). */
  readonly index: number;
  readonly elapsedMs: number;
  readonly sizeMs: number;
  /** The share of the previous window still covered, as `carryMs / sizeMs` (0 for calendar windows). */
  readonly carryMs: number;
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05, the first Monday of the epoch: weeks start on Monday 00:00 UTC, as usage plan quotas do. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

export function windowIndex(nowMs: number, sizeMs: number): number {
  return Math.floor(nowMs / sizeMs);
}

/** The position of `nowMs` in `window` (UTC calendar periods for quota windows). */
export function windowPosition(window: Pick<RateWindow, 'sizeMs' | 'calendar'>, nowMs: number): WindowPosition {
  switch (window.calendar) {
    case undefined: {
      const elapsedMs = nowMs % window.sizeMs;
      return { index: windowIndex(nowMs, window.sizeMs), elapsedMs, sizeMs: window.sizeMs, carryMs: window.sizeMs - elapsedMs };
    }
    case 'DAY':
      return { index: windowIndex(nowMs, DAY_MS), elapsedMs: nowMs % DAY_MS, sizeMs: DAY_MS, carryMs: 0 };
    case 'WEEK': {
      const since = nowMs - FIRST_MONDAY_MS;
      return { index: Math.floor(since / WEEK_MS), elapsedMs: since - Math.floor(since / WEEK_MS) * WEEK_MS, sizeMs: WEEK_MS, carryMs: 0 };
    }
    case 'MONTH': {
      const d = new Date(nowMs);
      const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      return { index: d.getUTCFullYear() * 12 + d.getUTCMonth(), elapsedMs: nowMs - start, sizeMs: end - start, carryMs: 0 };
    }
  }
}

/** Requests counted in the window at `position` (same integer arithmetic as the Lua script). */
export function estimateAt(counts: WindowCounts, position: WindowPosition): number {
  return counts.current + Math.ceil((counts.previous * position.carryMs) / position.sizeMs);
}

/**
 * Requests counted in the sliding window of `sizeMs` ending at `nowMs`. The weighted previous
 * share is rounded UP: the estimate never under-counts.
 */
export function estimate(counts: WindowCounts, nowMs: number, sizeMs: number): number {
  return estimateAt(counts, windowPosition({ sizeMs }, nowMs));
}

/**
 * Milliseconds until a request of `cost` fits, assuming nothing else is admitted meanwhile.
 * The estimate only decreases with time, so the answer for several windows is the maximum.
 */
export function waitMs(counts: WindowCounts, nowMs: number, window: RateWindow, cost: number): number {
  const position = windowPosition(window, nowMs);
  const { elapsedMs: elapsed, sizeMs: size } = position;
  const { limit } = window;
  if (estimateAt(counts, position) + cost <= limit) return 0;
  const nextRoom = limit - cost;
  if (nextRoom < 0) return Number.POSITIVE_INFINITY;
  // A calendar period starts from zero: wait for the next one.
  if (window.calendar) return size - elapsed;
  const room = limit - cost - counts.current;
  if (room >= 0) {
    // Still in this fixed window: wait until the previous window's weighted share is small enough.
    // ceil(prev * (size - e) / size) <= room  <=>  e >= size * (prev - room) / prev
    const firstElapsed = Math.ceil((size * (counts.previous - room)) / counts.previous);
    if (firstElapsed < size) return Math.max(firstElapsed, elapsed) - elapsed;
  }
  // In the next fixed window the current count becomes the weighted previous one.
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
  const positions = request.windows.map((w) => windowPosition(w, nowMs));
  const windows: WindowFigures[] = request.windows.map((w, i) => {
    const counts = before[i];
    const after = allowed ? { current: counts.current + cost, previous: counts.previous } : counts;
    return {
      name: w.name,
      limit: w.limit,
      remaining: Math.max(0, w.limit - estimateAt(after, positions[i])),
      resetSeconds: Math.ceil((positions[i].sizeMs - positions[i].elapsedMs) / 1000),
      windowSeconds: Math.round(positions[i].sizeMs / 1000),
    };
  });
  if (allowed) return { allowed, windows, retryAfterSeconds: 0, degraded: false };
  const waits = request.windows.map((w, i) => waitMs(before[i], nowMs, w, cost));
  const wait = Math.max(...waits);
  const longest = Math.max(...positions.map((p) => p.sizeMs));
  // The window that refused: the first one without room for this request.
  const refusedBy = request.windows.find((w, i) => estimateAt(before[i], positions[i]) + cost > w.limit)?.name;
  return { allowed, windows, retryAfterSeconds: Math.max(1, Math.ceil(Math.min(wait, longest) / 1000)), degraded: false, refusedBy };
}

/** What a fault-tolerant limiter reports when it admitted a request without asking the store. */
export function degradedDecision(request: RateLimitRequest, nowMs: number): RateLimitDecision {
  return {
    allowed: true,
    degraded: true,
    retryAfterSeconds: 0,
    windows: request.windows.map((w) => {
      const p = windowPosition(w, nowMs);
      return { name: w.name, limit: w.limit, remaining: w.limit, resetSeconds: Math.ceil((p.sizeMs - p.elapsedMs) / 1000), windowSeconds: Math.round(p.sizeMs / 1000) };
    }),
  };
}
