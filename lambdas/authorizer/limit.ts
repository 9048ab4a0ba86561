import type { RouteConfig, TierConfig } from '../../lib/config/schema';
import { tierPlans } from '../../lib/contract/usage-plans';
import { tierWindows, type RateLimitDecision, type RateLimiter, type RateWindow } from '../../lib/rate-limit/rate-limiter';
import { windowPosition } from '../../lib/rate-limit/sliding-window';
import type { Identity } from './access';
import type { AuthorizerConfig } from './config';

/** The limit step: the identity's bucket on the route counted against its tier's windows. */
export type Limit = (identity: Identity, route: RouteConfig) => Promise<RateLimitDecision>;

/** The limit step of a config and a limiter (the tiers' windows computed once). */
export function createLimit(config: Pick<AuthorizerConfig, 'tiers'>, limiter: RateLimiter): Limit {
  const windowsByTier = new Map<TierConfig, readonly RateWindow[]>(config.tiers.map((t) => [t, tierWindows(t)]));
  return (identity, route) => {
    // The bucket is the identity's own, or its share of the route's `rate_limit_group`.
    const group = route.rate_limit_group;
    return limiter.check({ key: group ? `${identity.rateKey}|g:${group}` : identity.rateKey, windows: windowsByTier.get(identity.tier) ?? tierWindows(identity.tier) });
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
