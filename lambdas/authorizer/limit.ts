import type { RouteConfig, TierConfig } from '../../lib/config/schema';
import { tierPlans } from '../../lib/contract/usage-plans';
import { tierWindows, type RateLimiter, type RateWindow } from '../../lib/rate-limit/rate-limiter';
import type { BreakerLimitDecision, BreakerLimitRequest } from '../../lib/resilience/breaker-decision';
import { windowPosition } from '../../lib/rate-limit/sliding-window';
import type { Identity } from './access';
import type { AuthorizerConfig } from './config';

/**
 * The limit step: the identity's bucket on the route counted against its tier's windows, and the
 * route's service's breaker decided in the same limiter call (one Redis round trip, decision 0022).
 */
export type Limit = (identity: Identity, route: RouteConfig) => Promise<BreakerLimitDecision>;

/** A limiter that can decide a breaker with the windows (both of lib/rate-limit's can). */
export interface BreakerRateLimiter extends RateLimiter {
  check(request: BreakerLimitRequest): Promise<BreakerLimitDecision>;
}

/** The limit step of a config and a limiter (the tiers' windows computed once). */
export function createLimit(config: Pick<AuthorizerConfig, 'tiers' | 'breakers'>, limiter: BreakerRateLimiter): Limit {
  const windowsByTier = new Map<TierConfig, readonly RateWindow[]>(config.tiers.map((t) => [t, tierWindows(t)]));
  return (identity, route) => {
    // The bucket is the identity's own, or its share of the route's `rate_limit_group`.
    const group = route.rate_limit_group;
    const breaker = config.breakers[route.service];
    return limiter.check({
      key: group ? `${identity.rateKey}|g:${group}` : identity.rateKey,
      windows: windowsByTier.get(identity.tier) ?? tierWindows(identity.tier),
      ...(breaker ? { breaker: { service: route.service, trickleCount: breaker.trickleCount } } : {}),
    });
  };
}

/**
 * Seconds until the tier's usage plan quota period ends (UTC): the Retry-After of API Gateway's
 * QUOTA_EXCEEDED response, which can only read it from the context.
 */
export function quotaResetSeconds(tier: TierConfig, nowMs: number): number {
  const { period } = tierPlans(tier).consumer.quota;
  const p = windowPosition({ sizeMs: 0, calendar: period }, nowMs);
  return Math.max(1, Math.ceil((p.sizeMs - p.elapsedMs) / 1000));
}
