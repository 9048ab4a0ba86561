/**
 * The rate-limiter seam shared by the authorizer Lambda and the local gateway.
 * Two implementations: `RedisRateLimiter` (shared across instances, one Lua round trip) and
 * `InMemoryRateLimiter` (one process: dev, tests, the local gateway without Redis).
 */

/** A sliding window: its length and how many requests it admits. */
export interface RateWindow {
  /** Name used in figures and headers, e.g. `minute`. */
  readonly name: string;
  /** Length of a sliding window; for a calendar window its nominal length (only validated). */
  readonly sizeMs: number;
  readonly limit: number;
  /**
   * A fixed calendar period (UTC day, week from Monday, month) instead of a sliding window: a
   * tier's quota, counted from zero in each period like an API Gateway usage plan quota.
   */
  readonly calendar?: 'DAY' | 'WEEK' | 'MONTH';
}

export interface RateLimitRequest {
  /** Bucket key, already namespaced by the caller (consumer, route group). */
  readonly key: string;
  /** Windows checked and counted together: a request is admitted only if every one has room. */
  readonly windows: readonly RateWindow[];
  /** @default 1 */
  readonly cost?: number;
}

export interface WindowFigures {
  readonly name: string;
  readonly limit: number;
  /** Requests still admitted in this window after this one. */
  readonly remaining: number;
  /** Seconds until the current fixed window of this length ends. */
  readonly resetSeconds: number;
  /** Length of the window in seconds (the IETF RateLimit-Policy `w` parameter). */
  readonly windowSeconds: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** One entry per requested window, same order. */
  readonly windows: readonly WindowFigures[];
  /** Seconds a refused client should wait (0 when allowed). */
  readonly retryAfterSeconds: number;
  /**
   * True when the limiter could not be asked (Redis down or slow) and `faultTolerant`
   * admitted the request without counting it.
   */
  readonly degraded: boolean;
  /** Name of the first window without room, when refused (`minute`, `hour`, `quota`). */
  readonly refusedBy?: string;
}

export interface RateLimiter {
  /** Checks every window and, if all have room, counts the request in all of them. */
  check(request: RateLimitRequest): Promise<RateLimitDecision>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/**
 * Default `rate_limiting.redis_timeout_ms`: how long Redis may take to start the limiter's script
 * (docs/rate-limiting.md, "Timeout budget": 10x the worst p99.9 figure published for ElastiCache,
 * cross-AZ included, and half the smallest p99 target of the shipped examples).
 */
export const DEFAULT_REDIS_TIMEOUT_MS = 50;

/** Milliseconds since the epoch; injectable so window roll-over is testable. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

/** Nominal lengths of the calendar periods of a quota window. */
const CALENDAR_MS = { DAY: 86_400_000, WEEK: 604_800_000, MONTH: 2_678_400_000 } as const;

/** Name of the window that holds a tier's `quota`. */
export const QUOTA_WINDOW = 'quota';

/**
 * The windows of a tier: sliding `minute` and `hour` (the config's `tiers[].minute` / `.hour`) and,
 * when the tier sets a `quota`, a calendar window for it. All are checked and counted in one call.
 */
export function tierWindows(tier: {
  readonly minute: number; readonly hour: number;
  readonly quota?: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
}): RateWindow[] {
  const windows: RateWindow[] = [
    { name: 'minute', sizeMs: 60_000, limit: tier.minute },
    { name: 'hour', sizeMs: 3_600_000, limit: tier.hour },
  ];
  if (tier.quota) windows.push({ name: QUOTA_WINDOW, sizeMs: CALENDAR_MS[tier.quota.period], limit: tier.quota.limit, calendar: tier.quota.period });
  return windows;
}

/**
 * Base class of the limiter's errors. Each names itself with a string literal: minified in the
 * authorizer bundle, `new.target.name` would be `$s` in Lambda's errorType.
 */
export abstract class RateLimitError extends Error {
  abstract override readonly name: string;
}

/** The shared store could not answer in time and `faultTolerant` is false. */
export class RateLimiterUnavailableError extends RateLimitError {
  override readonly name = 'RateLimiterUnavailableError';
}

/** A request the limiter cannot evaluate (no windows, bad cost). */
export class InvalidRateLimitRequestError extends RateLimitError {
  override readonly name = 'InvalidRateLimitRequestError';
}
