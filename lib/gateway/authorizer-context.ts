import type { RATE_LIMIT_HEADERS } from './headers';

/**
 * The parts of the authorizer's flat context that other components act on: the API's gateway
 * responses, the local gateway and the metrics. One truth for their names.
 */

/** `reason` values that change what the gateway answers. */
export const REASON = {
  /** Over the minute/hour limit: answered as the configured 429 (decision 0007). */
  rateLimited: 'rate_limited',
  /** Redis unavailable with `fault_tolerant: false`. */
  limiterUnavailable: 'rate_limiter_unavailable',
} as const;

/** Context key of each client-facing rate-limit figure, by its RATE_LIMIT_HEADERS entry. */
export const RATE_LIMIT_CONTEXT = {
  retryAfter: 'retryAfter',
  limitMinute: 'rateLimitLimitMinute',
  remainingMinute: 'rateLimitRemainingMinute',
  limitHour: 'rateLimitLimitHour',
  remainingHour: 'rateLimitRemainingHour',
  limit: 'rateLimitLimit',
  remaining: 'rateLimitRemaining',
  reset: 'rateLimitReset',
} as const satisfies Record<keyof typeof RATE_LIMIT_HEADERS, string>;
