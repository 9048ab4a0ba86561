import type { GatewayEnvironment, LoadedConfig } from '../config/environments';
import { DEFAULT_ASSUMPTIONS, type PlanAssumptions } from './assumptions';
import { note, warning, type Finding } from './finding';
import { planCore, type CorePlan } from './plan-core';
import { PRICES_AS_OF, pricesFor } from './prices';
import { environmentRegions } from '../config/regions';
import { limitsAcrossRegions, type RegionLimits } from './limits-across-regions';
import { adviseExactLimits } from './limits-advice';
import { limitsModes, type LimitsModeRow } from './limits-modes';
import { limitsPerRoute, type RouteLimits } from './limits-per-route';
import { API_GATEWAY_LIMITS } from '../config/aws-limits';

/** The capacity and cost plan of one environment (what `--json` prints, one per environment). */
export interface EnvironmentPlan extends CorePlan {
  readonly file: string;
  readonly environment: string;
  /** The primary region. */
  readonly region: string;
  /** Every region that serves the environment, primary first (one for most). */
  readonly regions: readonly string[];
  readonly account: string;
  readonly pricesAsOf: string;
  /** The exact default against the approximate choice: every route each way, then route by route. */
  readonly limitsComparison: { readonly modes: readonly LimitsModeRow[]; readonly routes: readonly RouteLimits[] };
  /** With 2 or more regions: what each tier's limits admit across them (decision 0026 D6). */
  readonly regionLimits?: RegionLimits;
  /** Every finding of the plan, warnings first. */
  readonly findings: readonly Finding[];
  readonly assumptions: PlanAssumptions;
}

export function planEnvironment(gateway: GatewayEnvironment, assumptions: PlanAssumptions = DEFAULT_ASSUMPTIONS): EnvironmentPlan {
  const core = planCore(gateway, assumptions);
  const routes = limitsPerRoute(gateway, core, assumptions);
  const findings: Finding[] = adviseExactLimits([
    ...core.throttle.findings,
    ...core.concurrency.findings,
    ...core.latency.findings,
    ...core.availability.findings,
    ...core.cost.findings,
    ...(core.grpc?.findings ?? []),
  ], gateway, core, routes, assumptions);
  const regions = environmentRegions(gateway.env);
  findings.push(...borrowedPrices(regions));
  return {
    ...core,
    file: gateway.file,
    environment: gateway.name,
    region: gateway.env.region,
    regions,
    account: gateway.env.account,
    pricesAsOf: PRICES_AS_OF,
    limitsComparison: { modes: limitsModes(gateway, core, assumptions), routes },
    ...(regions.length > 1 ? { regionLimits: limitsAcrossRegions(gateway.config, regions.length) } : {}),
    findings: sortFindings(findings),
    assumptions,
  };
}

/** A note for each region whose prices the table lacks, and which column it borrows. */
function borrowedPrices(regions: readonly string[]): Finding[] {
  return regions.flatMap((region) => {
    const { priceRegion, borrowed } = pricesFor(region);
    return borrowed ? [note('prices-region', `the price table has no column for ${region}; ${priceRegion} list prices are used`)] : [];
  });
}

/**
 * Plans the environments (all by default) and adds the findings of limits that environments
 * deployed to the same account and region share: the API Gateway throttle, Lambda concurrency,
 * usage plans and API keys. Every region of a multi-region environment is sized for all of its
 * peak (decision 0026 D2), so it counts in full in each of its regions.
 */
export function planConfig(loaded: LoadedConfig, environments: readonly GatewayEnvironment[] = Object.values(loaded.environments),
  assumptions: PlanAssumptions = DEFAULT_ASSUMPTIONS): EnvironmentPlan[] {
  const plans = environments.map((e) => planEnvironment(e, assumptions));
  const groups = new Map<string, EnvironmentPlan[]>();
  const key = (p: EnvironmentPlan, region: string) => `${p.account}/${region}`;
  for (const p of plans) for (const r of p.regions) groups.set(key(p, r), [...(groups.get(key(p, r)) ?? []), p]);
  return plans.map((p) => {
    const shared = p.regions.flatMap((region) => {
      const peers = groups.get(key(p, region)) ?? [];
      return peers.length < 2 ? [] : sharedAccountFindings(peers, region, assumptions);
    });
    return shared.length ? { ...p, findings: sortFindings([...p.findings, ...shared]) } : p;
  });
}

function sharedAccountFindings(peers: readonly EnvironmentPlan[], region: string, a: PlanAssumptions): Finding[] {
  const names = peers.map((p) => p.environment).join(', ');
  const where = `environments ${names} share account ${peers[0].account} in ${region}`;
  const findings: Finding[] = [];
  const peak = peers.reduce((s, p) => s + p.traffic.peakRps, 0);
  if (peak > peers[0].throttle.accountRate) findings.push(warning('shared-account-throttle', `${where}: their peaks add up to ${peak} req/s, over the account throttle of ${peers[0].throttle.accountRate} req/s`));
  const reserved = peers.reduce((s, p) => s + p.concurrency.reserved, 0);
  if (reserved > a.accountConcurrency - a.unreservedConcurrencyFloor) findings.push(warning('shared-account-concurrency', `${where}: their authorizers reserve ${reserved} concurrent executions, more than the ${a.accountConcurrency - a.unreservedConcurrencyFloor} an account with the default quota can reserve`));
  const plans = peers.reduce((s, p) => s + p.throttle.usagePlans, 0);
  if (plans > API_GATEWAY_LIMITS.usagePlans) findings.push(warning('shared-usage-plans', `${where}: ${plans} usage plans, over the limit of ${API_GATEWAY_LIMITS.usagePlans}`));
  return findings;
}

const sortFindings = (f: readonly Finding[]) => [...f].sort((x, y) => (x.severity === y.severity ? 0 : x.severity === 'warning' ? -1 : 1));
