import type { GatewayEnvironment } from '../config/environments';
import { DEFAULT_APPROXIMATE_CACHE_TTL, type RATE_LIMIT_MODES } from '../config/rate-limit-modes';
import { compileRouteTable, requestedAuthorizerTtl } from '../contract/route-table';
import type { PlanAssumptions } from './assumptions';
import { planCore, type CorePlan } from './plan-core';
import { approximate, EXACT, withRouteLimits, type LimitsChoice } from './route-limits';

/** One route on `limits: exact` and on `limits: approximate`, the routes it shares no method with as configured. */
export interface RouteLimits {
  readonly route: string;
  /** Routes on the same API methods (header overlays, other hosts), switched with it: a method has one authorizer cache. */
  readonly sharesMethodsWith: readonly string[];
  /** The route's `auth.limits` as configured. */
  readonly limits: (typeof RATE_LIMIT_MODES)[number];
  /** The cache_ttl the approximate side uses: the route's own if it is approximate, else the default. */
  readonly approximateCacheTtl: number;
  readonly peakRequestsPerSecond: number;
  readonly exactPeakInvocationsPerSecond: number;
  readonly approximatePeakInvocationsPerSecond: number;
  /** Whole-gateway USD/month of the exact side less that of the approximate side. */
  readonly approximateSavesUsd: number;
  /** Why the authorizer still runs on every request of the route under approximate, if it does. */
  readonly uncachedWhenApproximate?: string;
}

/**
 * Each route of the request mix planned both ways, so a platform team can choose per route.
 * The routes sharing one of its API methods switch with it (an exact route on a method keeps
 * the method uncached for all of them); every other route stays as configured. One side is
 * the plan as configured when the route is already that way; planCore re-plans the other.
 * Header overlays (canaries) have no share of the mix and no row of their own.
 */
export function limitsPerRoute(gateway: Pick<GatewayEnvironment, 'config' | 'env' | 'profile'>, asConfigured: CorePlan, a: PlanAssumptions): RouteLimits[] {
  const methods = compileRouteTable(gateway.config);
  const names = [...new Set(asConfigured.authorizer.peak.endpoints.map((e) => e.route))];
  return names.map((name) => {
    const route = gateway.config.routes.find((r) => r.name === name)!;
    const sharing = methods.filter((m) => m.routes.some((r) => r.name === name)).flatMap((m) => m.routes.map((r) => r.name));
    const together = new Set([name, ...sharing]);
    const asWritten = (limits: RouteLimits['limits']) => gateway.config.routes.every((r) => !together.has(r.name) || r.auth.limits === limits);
    const approximateCacheTtl = route.auth.limits === 'approximate' ? requestedAuthorizerTtl(route.auth) : DEFAULT_APPROXIMATE_CACHE_TTL;
    const planWith = (choice: LimitsChoice) => {
      const whatIf = withRouteLimits(gateway.config, (r) => (together.has(r.name) ? choice : undefined));
      return { plan: planCore({ ...gateway, config: whatIf.config }, a), refusedBy: whatIf.keptAsWritten.find((k) => k.route === name)?.rule };
    };
    const exact = asWritten('exact') ? { plan: asConfigured } : planWith(EXACT);
    const approx = asWritten('approximate') ? { plan: asConfigured, refusedBy: undefined } : planWith(approximate(approximateCacheTtl));
    const endpointsOf = (p: CorePlan) => p.authorizer.peak.endpoints.filter((e) => e.route === name);
    const uncached = endpointsOf(approx.plan).find((e) => e.ttl === 0);
    return {
      route: name,
      sharesMethodsWith: [...together].filter((n) => n !== name),
      limits: route.auth.limits,
      approximateCacheTtl,
      peakRequestsPerSecond: sum(endpointsOf(asConfigured).map((e) => e.requestsPerSecond)),
      exactPeakInvocationsPerSecond: sum(endpointsOf(exact.plan).map((e) => e.invocationsPerSecond)),
      approximatePeakInvocationsPerSecond: sum(endpointsOf(approx.plan).map((e) => e.invocationsPerSecond)),
      approximateSavesUsd: exact.plan.cost.totalUsd - approx.plan.cost.totalUsd,
      ...(uncached ? { uncachedWhenApproximate: approx.refusedBy ?? uncached.ttlReason ?? 'cache_ttl: 0' } : {}),
    };
  });
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
