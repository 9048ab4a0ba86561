/**
 * Owns: the usage plans of each tier (decision 0016), for the API stack, the planner and the twin.
 */
import type { TierConfig } from '../config/schema';

/**
 * The usage plans of a tier, derived so that a plan never refuses what the tier allows and no
 * consumer's traffic can throttle another's (docs/decisions/0016-usage-plans-never-stricter.md).
 *
 * API Gateway throttles and meters per API key (the `usageIdentifierKey` the authorizer returns).
 * So each tier has two plans:
 * - `consumer`: for consumers with their own usage key (record `usage_key`). A per-consumer AWS
 *   backstop: token bucket of burst = the minute limit, refilled at ceil(minute / 60) per second,
 *   which admits every sequence the sliding minute admits (proof in docs/rate-limiting.md), and a
 *   quota equal to the tier's `quota`, else hour x 24 per UTC day (never reached: a UTC day holds
 *   24 aligned hours of at most `hour` each).
 * - `metering`: for everyone else, who shares the tier's one key. No throttle, no quota: a shared
 *   bucket would let one consumer's traffic refuse another's. It only meters the tier's usage;
 *   the exact per-consumer limits are the authorizer's (`limits: exact`, the default).
 */
export interface PlanLimits {
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  readonly quota?: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
}

export interface TierPlans {
  /** The plan of consumers with their own usage key. */
  readonly consumer: PlanLimits & Required<Pick<PlanLimits, 'throttle' | 'quota'>>;
  /** The plan of the tier's shared usage key. */
  readonly metering: PlanLimits;
}

/** Usage plans Gatehouse creates per tier (API Gateway allows 300 per account and region). */
export const USAGE_PLANS_PER_TIER = 2;

/** The plan of the tier's shared key holds no limits: it meters only. */
const METERING_ONLY: PlanLimits = Object.freeze({});

export function tierPlans(tier: Pick<TierConfig, 'minute' | 'hour' | 'quota'>): TierPlans {
  return {
    consumer: {
      throttle: { rateLimit: Math.max(1, Math.ceil(tier.minute / 60)), burstLimit: tier.minute },
      quota: tier.quota ?? { limit: tier.hour * 24, period: 'DAY' },
    },
    metering: METERING_ONLY,
  };
}

/** The plan of a tier's consumers with their own usage key (the planner's throttle table). */
export function tierPlanLimits(tier: Pick<TierConfig, 'minute' | 'hour' | 'quota'>): TierPlans['consumer'] {
  return tierPlans(tier).consumer;
}
