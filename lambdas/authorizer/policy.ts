import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { RouteConfig } from '../../lib/config/schema';
import { RATE_LIMIT_CONTEXT as KEY, REASON, USAGE_CONTEXT } from '../../lib/contract/authorizer-context';
import { RATE_LIMITED_USAGE_KEY } from '../../lib/contract/usage-keys';
import { QUOTA_WINDOW, type RateLimitDecision } from '../../lib/rate-limit/rate-limiter';
import type { Identity } from './access';
import type { AuthorizerConfig } from './config';
import type { Denied } from './errors';
import { quotaResetSeconds } from './limit';
import type { Outcome } from './outcome';

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
 * The policy step: the limiter's decision on an authenticated, authorized request. A refusal is
 * allowed by policy but with a usage key no plan holds: API Gateway answers with the
 * INVALID_API_KEY gateway response, rendered as the configured 429 (decision 0007). `report` is
 * told the outcome first.
 */
export function limitedPolicy(
  config: Pick<AuthorizerConfig, 'rateLimiting' | 'usageKeys'>, resourceArn: string, route: RouteConfig, identity: Identity,
  canary: boolean, decision: RateLimitDecision, nowMs: number, report: (outcome: Outcome) => void,
): APIGatewayAuthorizerResult {
  const limiting = config.rateLimiting;
  const figures = limiting.hide_client_headers ? {} : rateLimitContext(decision);
  const about = { route: route.name, tier: identity.tier.name, credential: identity.kind };
  if (!decision.allowed) {
    const reason = decision.refusedBy === QUOTA_WINDOW ? REASON.quotaExceeded : REASON.rateLimited;
    report({ effect: 'deny', reason, ...about });
    return policy('Allow', identity.principal, resourceArn, {
      reason, message: limiting.error_message, statusCode: limiting.error_code,
      [KEY.retryAfter]: decision.retryAfterSeconds, ...figures,
    }, RATE_LIMITED_USAGE_KEY);
  }
  report({ effect: 'allow', ...about, limiterDegraded: decision.degraded });
  return policy('Allow', identity.principal, resourceArn, {
    principal: identity.principal,
    consumer: identity.consumer,
    tenant: identity.tenant ?? '',
    tier: identity.tier.name,
    scopes: identity.scopes.join(' '),
    canary: String(canary),
    route: route.name,
    ...figures,
    [USAGE_CONTEXT.quotaReset]: quotaResetSeconds(identity.tier, nowMs),
  }, identity.usageKey ?? config.usageKeys[identity.tier.name]);
}

/** The Deny of a refused caller; `identity` is unknown when the refusal came before authentication. */
export function deniedPolicy(err: Denied, identity: Identity | undefined, resourceArn: string): APIGatewayAuthorizerResult {
  return policy('Deny', identity?.principal ?? 'anonymous', resourceArn, { reason: err.reason, message: err.message, ...err.extra });
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
