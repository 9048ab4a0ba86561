import type { GatewayEnvironment } from '../config/environments';
import type { PlanAssumptions } from './assumptions';
import { planCore, type CorePlan } from './plan-core';
import { approximate, EXACT, withRouteLimits } from './route-limits';

/** The cache TTLs the approximate rows compare (API Gateway allows 1 to 3600 s; 300 is the default). */
export const APPROXIMATE_CACHE_TTLS = [60, 300, 3600] as const;

/** One way of setting every route's `auth.limits`, planned as a whole. */
export interface LimitsModeRow {
  readonly mode: 'as-configured' | 'exact' | 'approximate';
  /** The cache_ttl every route gets, for the approximate rows. */
  readonly cacheTtl?: number;
  /** What the renderers print, e.g. `all routes approximate, cache_ttl 300`. */
  readonly label: string;
  readonly peakRequestsPerSecond: number;
  readonly peakInvocationsPerSecond: number;
  /** Share of requests the rate limiter counts: exactly those that invoke the authorizer. */
  readonly countedShare: number;
  /** EVALSHA/s against Valkey at peak (0 with `rate_limiting.strategy: local`). */
  readonly peakRedisCallsPerSecond: number;
  readonly peakConcurrency: number;
  readonly reservedConcurrency: number;
  readonly p99GatewayMs: number;
  readonly p99TargetMs: number;
  readonly monthlyUsd: number;
  readonly perMillionUsd: number;
}

/**
 * The plan as configured, with every route on `limits: exact` (only when some route is
 * approximate, else it is the same plan), and with every route on `limits: approximate` at each
 * of APPROXIMATE_CACHE_TTLS. Each row is planCore on the changed config, so the route table's
 * forced zeros and the config rules apply as they would on deploy (see withRouteLimits).
 */
export function limitsModes(gateway: Pick<GatewayEnvironment, 'config' | 'env' | 'profile'>, asConfigured: CorePlan, a: PlanAssumptions): LimitsModeRow[] {
  const plan = (config: GatewayEnvironment['config']) => planCore({ ...gateway, config }, a);
  const allExact = gateway.config.routes.every((r) => r.auth.limits === 'exact');
  return [
    row({ mode: 'as-configured', label: allExact ? 'as configured (all routes exact)' : 'as configured' }, asConfigured),
    ...(allExact ? [] : [row({ mode: 'exact', label: 'all routes exact' }, plan(withRouteLimits(gateway.config, () => EXACT).config))]),
    ...APPROXIMATE_CACHE_TTLS.map((ttl) => row(
      { mode: 'approximate', cacheTtl: ttl, label: `all routes approximate, cache_ttl ${ttl}` },
      plan(withRouteLimits(gateway.config, () => approximate(ttl)).config),
    )),
  ];
}

function row(mode: Pick<LimitsModeRow, 'mode' | 'cacheTtl' | 'label'>, p: CorePlan): LimitsModeRow {
  return {
    ...mode,
    peakRequestsPerSecond: p.authorizer.peak.requestsPerSecond,
    peakInvocationsPerSecond: p.authorizer.peak.invocationsPerSecond,
    countedShare: p.authorizer.peak.uncachedShare,
    peakRedisCallsPerSecond: p.redis.opsPerSecondPeak,
    peakConcurrency: p.concurrency.peak,
    reservedConcurrency: p.concurrency.reserved,
    p99GatewayMs: p.latency.gatewayMs,
    p99TargetMs: p.latency.targetMs,
    monthlyUsd: p.cost.totalUsd,
    perMillionUsd: p.cost.perMillionUsd,
  };
}
