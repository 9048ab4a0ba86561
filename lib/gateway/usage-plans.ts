import type { TierConfig } from '../config/schema';

/** Usage plan numbers of one tier. */
export interface TierPlanLimits {
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly quota: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
}

/**
 * A tier's usage plan. The authorizer enforces the exact sliding minute/hour windows; the plan is
 * API Gateway's backstop and meters OAuth and API-key consumers alike. It must never be stricter
 * than the tier, so the per-second rate rounds up (minimum 1), and the burst allows a tenth of
 * the minute's budget at once (at least twice the rate) unless the tier sets `burst`.
 */
export function tierPlanLimits(tier: TierConfig): TierPlanLimits {
  const rateLimit = Math.max(1, Math.ceil(tier.minute / 60));
  const burstLimit = tier.burst ?? Math.max(2 * rateLimit, Math.ceil(tier.minute / 10));
  const quota = tier.quota ?? { limit: tier.hour * 24, period: 'DAY' as const };
  return { throttle: { rateLimit, burstLimit }, quota };
}
