import type { RATE_LIMIT_HEADERS } from './headers';

/**
 * The parts of the authorizer's flat context that other components act on: the API's gateway
 * responses, the local gateway and the metrics. One truth for their names.
 */

/** `reason` values that change what the gateway answers. */
export const REASON = {
  /** Over the minute/hour limit: answered as the configured 429 (decision 0007). */
  rateLimited: 'rate_limited',
  /** Over the tier's quota (per day, week or month): the configured 429 with this code. */
  quotaExceeded: 'quota_exceeded',
  /**
   * Redis unavailable with `fault_tolerant: false`: the authorizer fails (never a cached
   * decision), answered 503 through API Gateway's AUTHORIZER_FAILURE response.
   */
  limiterUnavailable: 'rate_limiter_unavailable',
  /** A granted credential without the route's scopes: the 403 carries an RFC 6750 insufficient_scope challenge. */
  insufficientScope: 'insufficient_scope',
} as const;

/**
 * Context key of a Deny's `WWW-Authenticate` value (lib/gateway/challenges.ts): set only where the
 * refusal has an RFC 6750 error of its own (insufficient_scope); ACCESS_DENIED maps it to the header.
 * Unlike `message` and `reason` it holds `"` (quoted strings): it reaches a header, never a body template.
 */
export const CHALLENGE_CONTEXT = 'wwwAuthenticate';

/** Context keys that are not client headers. */
export const USAGE_CONTEXT = {
  /** Seconds until the consumer's usage plan quota period ends (Retry-After of QUOTA_EXCEEDED). */
  quotaReset: 'quotaReset',
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
  policy: 'rateLimitPolicy',
  state: 'rateLimitState',
} as const satisfies Record<keyof typeof RATE_LIMIT_HEADERS, string>;
