/**
 * The rate-limiter seam shared by the authorizer Lambda and the local gateway.
 * Two implementations: `RedisRateLimiter` (shared across instances, one Lua round trip) and
 * `InMemoryRateLimiter` (one process: dev, tests, the local gateway without Redis).
 */

/** A sliding window: its length and how many requests it admits. */
export interface RateWindow {
  /** Name used in figures and headers, e.g. `minute`. */
  readonly name: string;
  readonly sizeMs: number;
  readonly limit: number;
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
}

export interface RateLimiter {
  /** Checks every window and, if all have room, counts the request in all of them. */
  check(request: RateLimitRequest): Promise<RateLimitDecision>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** Milliseconds since the epoch; injectable so window roll-over is testable. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

/** Minute and hour windows of a tier (the config's `tiers[].minute` / `.hour`). */
export function tierWindows(tier: { readonly minute: number; readonly hour: number }): RateWindow[] {
  return [
    { name: 'minute', sizeMs: 60_000, limit: tier.minute },
    { name: 'hour', sizeMs: 3_600_000, limit: tier.hour },
  ];
}

/** Base class of the limiter's errors. */
export abstract class RateLimitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The shared store could not answer in time and `faultTolerant` is false. */
export class RateLimiterUnavailableError extends RateLimitError {}

/** A request the limiter cannot evaluate (no windows, bad cost). */
export class InvalidRateLimitRequestError extends RateLimitError {}
