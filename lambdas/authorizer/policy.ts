import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { RATE_LIMIT_CONTEXT as KEY } from '../../lib/gateway/authorizer-context';
import type { RateLimitDecision } from '../../lib/rate-limit/rate-limiter';

/** Flat authorizer context (API Gateway accepts string, number and boolean values only). */
export type AuthorizerContext = Record<string, string | number | boolean>;

/** Allow or Deny for the whole API: a cached result can never break another route. */
export function policy(effect: 'Allow' | 'Deny', principalId: string, resourceArn: string, context: AuthorizerContext, usageIdentifierKey?: string): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resourceArn }] },
    context,
    ...(usageIdentifierKey ? { usageIdentifierKey } : {}),
  };
}

/**
 * Rate-limit figures for the gateway response / upstream headers (Kong names in headers.ts).
 * `rateLimitLimit` / `rateLimitRemaining` / `rateLimitReset` describe the window closest to its limit.
 */
export function rateLimitContext(decision: RateLimitDecision): AuthorizerContext {
  const minute = decision.windows.find((w) => w.name === 'minute');
  const hour = decision.windows.find((w) => w.name === 'hour');
  const tightest = [...decision.windows].sort((a, b) => a.remaining / a.limit - b.remaining / b.limit)[0];
  const ctx: AuthorizerContext = {};
  if (minute) { ctx[KEY.limitMinute] = minute.limit; ctx[KEY.remainingMinute] = minute.remaining; }
  if (hour) { ctx[KEY.limitHour] = hour.limit; ctx[KEY.remainingHour] = hour.remaining; }
  if (tightest) {
    ctx[KEY.limit] = tightest.limit;
    ctx[KEY.remaining] = tightest.remaining;
    ctx[KEY.reset] = decision.allowed ? tightest.resetSeconds : decision.retryAfterSeconds;
  }
  ctx[KEY.policy] = rateLimitPolicyField(decision);
  ctx[KEY.state] = rateLimitField(decision);
  return ctx;
}

/**
 * `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers-10): one item per window, its quota
 * `q` and window `w` in seconds, e.g. `"minute";q=60;w=60, "hour";q=1000;w=3600`.
 */
export function rateLimitPolicyField(decision: Pick<RateLimitDecision, 'windows'>): string {
  return decision.windows.map((w) => `"${w.name}";q=${w.limit};w=${w.windowSeconds}`).join(', ');
}

/**
 * `RateLimit` (same draft): per window the remaining quota `r` and the seconds `t` until it
 * resets; on a refusal `t` is the Retry-After of the window that refused.
 */
export function rateLimitField(decision: Pick<RateLimitDecision, 'windows' | 'allowed' | 'retryAfterSeconds' | 'refusedBy'>): string {
  return decision.windows
    .map((w) => `"${w.name}";r=${w.remaining};t=${!decision.allowed && w.name === decision.refusedBy ? decision.retryAfterSeconds : w.resetSeconds}`)
    .join(', ');
}
