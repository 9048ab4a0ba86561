/**
 * The availability of an environment served by 2 or more regions (decision 0026 D10).
 *
 * Two tiers. The edge tier G (CloudFront, the edge web ACL, Route 53) is one distribution
 * whatever the region count, so no region raises it: it is shown and not compared with the
 * target, like the one-region ceiling. The regional tier is what the regions add up to:
 *
 *   A = 1 - prod_r(u_r) - (k / P) x sum_r s_r x min(T_f, u_r x P / k)
 *
 * u_r: the share of the month region r is down (1 - the product of its tier's SLAs);
 * P: the month in seconds; k: full outages per region per month, so each lasts u_r x P / k;
 * s_r: the region's share of requests; T_f = D + TTL: how long its share keeps failing before
 * Route 53 has dropped it (detection D) and resolvers have let go of it (the record TTL).
 * The first term is every region down at once; the second is the failover window of each
 * incident, or the whole incident when it is shorter than the window.
 */
import type { RoutingConfig } from '../config/region-schema';
import { fmt } from './format-number';
import type { RegionShare } from './region-shares';

/** A service whose SLA multiplies into a tier, and whether requests depend on it. */
export interface Component { readonly name: string; readonly sla: number; readonly inPath: boolean; readonly why: string }

/** One region's tier: what it commits to and how long that leaves it down in a month. */
export interface RegionalTier extends RegionShare {
  /** u_r: 1 - the product of the SLAs on the region's request path. */
  readonly unavailability: number;
  /** u_r x P. */
  readonly downSecondsPerMonth: number;
}

export interface RegionsAvailability {
  readonly edgeComponents: readonly Component[];
  /** G, percent: the edge tier's SLA product. Shown, not compared with the target. */
  readonly edgePercent: number;
  /** The components of every region's tier (the same config deploys to each). */
  readonly regionalComponents: readonly Component[];
  readonly regions: readonly RegionalTier[];
  /** P, seconds. */
  readonly monthSeconds: number;
  /** k. */
  readonly incidentsPerRegionMonth: number;
  /** D: the health period plus the assumed alarm evaluation lag. */
  readonly detectionSeconds: number;
  readonly ttlSeconds: number;
  /** T_f = D + TTL. */
  readonly failoverSeconds: number;
  /** prod_r(u_r) x P: every region down at once. */
  readonly allDownSeconds: number;
  /** k x sum_r s_r x min(T_f, u_r x P / k): requests failing until their region is failed over. */
  readonly failoverLossSeconds: number;
  /** A, percent. */
  readonly percent: number;
  readonly targetPercent: number;
  /** The target's error budget: (1 - target) x P. */
  readonly budgetSeconds: number;
  /** Budget less both losses (negative when the target is missed). */
  readonly leftSeconds: number;
  /** The largest k at which A still meets the target: 0 when no k does, Infinity (null in --json) when every k does. */
  readonly maxIncidentsPerRegionMonth: number;
  /** Every assumption of the model, as printed. */
  readonly assumptions: readonly string[];
}

export interface RegionsAvailabilityInputs {
  readonly edgeComponents: readonly Component[];
  readonly regionalComponents: readonly Component[];
  readonly shares: readonly RegionShare[];
  readonly routing: RoutingConfig;
  readonly targetPercent: number;
  readonly monthSeconds: number;
  readonly incidentsPerRegionMonth: number;
  readonly alarmEvaluationLagSeconds: number;
}

export function regionsAvailability(i: RegionsAvailabilityInputs): RegionsAvailability {
  const P = i.monthSeconds;
  const k = i.incidentsPerRegionMonth;
  const u = 1 - slaProduct(i.regionalComponents);
  const regions = i.shares.map((s) => ({ ...s, unavailability: u, downSecondsPerMonth: u * P }));
  const detectionSeconds = i.routing.health_check.period_seconds + i.alarmEvaluationLagSeconds;
  const failoverSeconds = detectionSeconds + i.routing.ttl_seconds;
  const allDownSeconds = regions.reduce((p, r) => p * r.unavailability, 1) * P;
  const failoverLossSeconds = failoverLoss(regions, failoverSeconds, k);
  const budgetSeconds = (1 - i.targetPercent / 100) * P;
  return {
    edgeComponents: i.edgeComponents,
    edgePercent: slaProduct(i.edgeComponents) * 100,
    regionalComponents: i.regionalComponents,
    regions,
    monthSeconds: P,
    incidentsPerRegionMonth: k,
    detectionSeconds,
    ttlSeconds: i.routing.ttl_seconds,
    failoverSeconds,
    allDownSeconds,
    failoverLossSeconds,
    percent: (1 - (allDownSeconds + failoverLossSeconds) / P) * 100,
    targetPercent: i.targetPercent,
    budgetSeconds,
    leftSeconds: budgetSeconds - allDownSeconds - failoverLossSeconds,
    maxIncidentsPerRegionMonth: maxIncidents(budgetSeconds - allDownSeconds, regions, failoverSeconds),
    assumptions: [
      'regions fail independently: a cause shared by every region (one bad deploy everywhere, a global control plane) is not modelled',
      `k = ${fmt(k, 2)} full outage(s) of each region a month, each lasting the region's SLA downtime u_r x P / k`,
      `detection D = health period ${i.routing.health_check.period_seconds} s + ${i.alarmEvaluationLagSeconds} s alarm evaluation lag (assumed: how fast Route 53 follows a CloudWatch alarm is not documented) = ${detectionSeconds} s; `
        + `failover T_f = D + ttl_seconds ${i.routing.ttl_seconds} s = ${failoverSeconds} s`,
      'CloudFront follows the record TTL: its edges stop sending to a region ttl_seconds after Route 53 drops it (not documented)',
      'outages shorter than D are not masked: each incident costs its share min(T_f, its length) of failed requests',
      'survivors have capacity: every region is sized for 100 % of the peak (stage throttle, reserved concurrency, NAT per AZ)',
      `P = ${fmt(P / 3600)} h = ${fmt(P)} s`,
    ],
  };
}

/** The product of the SLAs on the path, as a ratio. */
export const slaProduct = (components: readonly Component[]) => components.filter((c) => c.inPath).reduce((p, c) => p * (c.sla / 100), 1);

/**
 * k x sum_r s_r x min(T_f, u_r P / k), written as sum_r s_r x min(k T_f, u_r P): a region's
 * failover loss grows with k until every incident is shorter than the window.
 */
function failoverLoss(regions: readonly RegionalTier[], failoverSeconds: number, k: number): number {
  return regions.reduce((sum, r) => sum + r.share * Math.min(k * failoverSeconds, r.downSecondsPerMonth), 0);
}

/**
 * The largest k whose failover loss fits in `room` seconds. The loss is piecewise linear in k
 * and bends where a region's incidents become shorter than T_f (k = u_r P / T_f).
 */
function maxIncidents(room: number, regions: readonly RegionalTier[], failoverSeconds: number): number {
  if (room < 0) return 0;
  const bends = [...new Set(regions.map((r) => r.downSecondsPerMonth / failoverSeconds))].sort((x, y) => x - y);
  let from = 0;
  for (const bend of bends) {
    const slope = regions.filter((r) => r.downSecondsPerMonth / failoverSeconds > from).reduce((s, r) => s + r.share * failoverSeconds, 0);
    const lossAtBend = failoverLoss(regions, failoverSeconds, bend);
    if (lossAtBend > room) return from + (room - failoverLoss(regions, failoverSeconds, from)) / slope;
    from = bend;
  }
  return Infinity;
}

/**
 * The longest `routing.ttl_seconds` (10-300) at which the target holds with k as assumed, for
 * advice when it does not; undefined when no TTL is short enough.
 */
export function longestTtlMeetingTarget(plan: RegionsAvailability, minTtl: number, maxTtl: number): number | undefined {
  const room = plan.budgetSeconds - plan.allDownSeconds;
  for (let ttl = maxTtl; ttl >= minTtl; ttl--) {
    if (failoverLoss(plan.regions, plan.detectionSeconds + ttl, plan.incidentsPerRegionMonth) <= room) return ttl;
  }
  return undefined;
}
