/**
 * What the tier limits mean when every region counts on its own (decision 0026 D6): ElastiCache
 * Serverless does not replicate, so each region has its own counters, and usage plans are
 * regional too.
 *
 * independent (the default): each region enforces the full limit L. A consumer whose requests
 * reach R regions in a window is admitted at most R x L <= N x L; one served by one region gets
 * L, and at most 2L in a window that holds a failover (its counters stay behind).
 * divided: each region enforces max(1, floor(L / N)), never more than L in total (unless
 * L < N), but a consumer served by one region gets L / N, also after a failover.
 */
import type { GatewayConfig } from '../config/schema';
import { tierPlanLimits } from '../contract/usage-plans';

export type AcrossRegions = GatewayConfig['rate_limiting']['across_regions'];

/** One window of one tier across the regions. */
export interface RegionLimitRow {
  readonly tier: string;
  /** `minute`, `hour`, `quota per DAY`, or `usage-plan quota per DAY` for the hour x 24 backstop. */
  readonly window: string;
  /** L: the tier's limit in the window, as one region enforces it with `independent`. */
  readonly limit: number;
  /** independent: N x L. divided: N x the per-region budget. */
  readonly worstCase: number;
  /** independent: 2L (a failover inside the window). divided: the per-region budget, all a one-region consumer gets. */
  readonly oneRegionConsumer: number;
  /** divided only: max(1, floor(L / N)). */
  readonly perRegionBudget?: number;
}

export interface RegionLimits {
  readonly mode: AcrossRegions;
  readonly regions: number;
  readonly rows: readonly RegionLimitRow[];
}

export function limitsAcrossRegions(config: GatewayConfig, regions: number): RegionLimits {
  const mode = config.rate_limiting.across_regions;
  const rows = config.tiers.flatMap((tier) => windowsOf(tier, mode).map((w) => rowFor(tier.name, w, mode, regions)));
  return { mode, regions, rows };
}

interface Window { readonly window: string; readonly limit: number }

/**
 * The authorizer's windows (minute, hour, the tier's quota) and, when the tier sets no quota,
 * the usage plan's hour x 24 daily backstop (decision 0016): a regional limit of its own with
 * independent counting. Divided budgets are the authorizer's, so the backstop is left out there.
 */
function windowsOf(tier: GatewayConfig['tiers'][number], mode: AcrossRegions): Window[] {
  const quota = tierPlanLimits(tier).quota;
  return [
    { window: 'minute', limit: tier.minute },
    { window: 'hour', limit: tier.hour },
    ...(tier.quota
      ? [{ window: `quota per ${tier.quota.period} (authorizer and usage plan)`, limit: tier.quota.limit }]
      : mode === 'independent' ? [{ window: `usage-plan quota per ${quota.period} (hour x 24)`, limit: quota.limit }] : []),
  ];
}

function rowFor(tier: string, w: Window, mode: AcrossRegions, regions: number): RegionLimitRow {
  if (mode === 'independent') {
    return { tier, window: w.window, limit: w.limit, worstCase: regions * w.limit, oneRegionConsumer: Math.min(2, regions) * w.limit };
  }
  const perRegionBudget = Math.max(1, Math.floor(w.limit / regions));
  return { tier, window: w.window, limit: w.limit, worstCase: regions * perRegionBudget, oneRegionConsumer: perRegionBudget, perRegionBudget };
}
