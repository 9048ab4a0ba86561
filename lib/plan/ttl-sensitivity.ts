import type { GatewayEnvironment } from '../config/load';
import type { PlanAssumptions } from './assumptions';
import { planCore } from './plan-core';

/** The authorizer cache TTLs the what-if table compares (API Gateway allows 0 to 3600 s). */
export const WHAT_IF_TTLS = [0, 60, 300, 3600] as const;

export interface TtlRow {
  readonly ttl: number;
  readonly peakInvocationsPerSecond: number;
  readonly peakConcurrency: number;
  readonly monthlyUsd: number;
  readonly perMillionUsd: number;
}

/**
 * The plan again with every route's `auth.cache_ttl` set to each TTL. Routes configured with
 * `cache_ttl: 0` keep it (an explicit 0 is a decision: exact limits, or a credential mix the
 * cache key cannot hold), and methods the route table forces to 0 (anonymous, mTLS, header
 * routes, mixed auth) stay at 0.
 */
export function ttlSensitivity(gateway: Pick<GatewayEnvironment, 'config' | 'env' | 'profile'>, a: PlanAssumptions): TtlRow[] {
  return WHAT_IF_TTLS.map((ttl) => {
    const config = { ...gateway.config, routes: gateway.config.routes.map((r) => ({ ...r, auth: { ...r.auth, cache_ttl: r.auth.cache_ttl === 0 ? 0 : ttl } })) };
    const plan = planCore({ ...gateway, config }, a);
    return {
      ttl,
      peakInvocationsPerSecond: plan.authorizer.peak.invocationsPerSecond,
      peakConcurrency: plan.concurrency.peak,
      monthlyUsd: plan.cost.totalUsd,
      perMillionUsd: plan.cost.perMillionUsd,
    };
  });
}
