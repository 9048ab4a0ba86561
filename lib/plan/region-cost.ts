/**
 * The bill of an environment served by 2 or more regions (decision 0026 D10): each region's
 * bill on its share of the traffic (monthlyCost, the one-region model), the edge once (in the
 * primary's bill), and what routing across regions adds (Route 53, the health prober).
 *
 * "Cost of an extra region" is its marginal cost: this bill less the bill without it (its share
 * spread over the others). It splits into the region's fixed lines (its bill at zero requests:
 * NAT, ALB, stage cache, web ACL, the Valkey minimum, keys, alarms and metrics), its health and
 * routing lines, and the rest: moving traffic between regions is free per request, but tiered
 * prices restart in every region, each region samples its own X-Ray reservoir, and prices
 * differ between regions.
 */
import type { RoutingConfig } from '../config/region-schema';
import { environmentInRegion } from '../config/regions';
import { AUTHORIZER_MEMORY_MB } from '../contract/authorizer-env';
import { secondsPerMonth, type PlanAssumptions } from './assumptions';
import { costFindings, monthlyCost, type CostInputs, type CostLine, type MonthlyCost } from './cost';
import { fmt } from './format-number';
import { GLOBAL_PRICES, MULTI_REGION_PRICES as MR, pricesFor, tieredCost } from './prices';
import type { RegionShare } from './region-shares';

const M = 1e6;
const HEALTH_REGION = 'us-east-1';

/** What one region beyond the primary costs a month. */
export interface ExtraRegionCost {
  readonly region: string;
  readonly share: number;
  /** Its regional lines that do not depend on traffic: its bill at zero requests. */
  readonly fixedLines: readonly CostLine[];
  /** Its health check, alarm, probes and secret replica, and the shared routing when it makes the environment multi-region. */
  readonly routingLines: readonly CostLine[];
  /** The rest of its marginal cost: tiers restarting per region, per-region sampling, regional prices. */
  readonly trafficSplitUsd: number;
  /** The bill with the region less the bill without it. */
  readonly totalUsd: number;
}

export interface RegionsCost {
  readonly shares: readonly RegionShare[];
  /** The bill of the primary alone at all the traffic: the one-region plan. */
  readonly oneRegionUsd: number;
  readonly extraRegions: readonly ExtraRegionCost[];
}

/** The multi-region bill; `one` are the inputs of the one-region bill (primary, all the traffic). */
export function multiRegionCost(one: CostInputs, shares: readonly RegionShare[], routing: RoutingConfig, a: PlanAssumptions): MonthlyCost {
  const lines = billLines(one, shares, routing, a);
  const totalUsd = sum(lines);
  const requestsPerMonth = one.steadyRps * secondsPerMonth(a);
  return {
    requestsPerMonth,
    lines,
    totalUsd,
    perMillionUsd: requestsPerMonth > 0 ? totalUsd / (requestsPerMonth / M) : 0,
    findings: costFindings(one.config, lines, totalUsd),
    regions: {
      shares,
      oneRegionUsd: monthlyCost(one, a).totalUsd,
      extraRegions: shares.filter((r) => !r.isPrimary).map((r) => extraRegionCost(one, shares, r, routing, totalUsd, a)),
    },
  };
}

function billLines(one: CostInputs, shares: readonly RegionShare[], routing: RoutingConfig, a: PlanAssumptions): CostLine[] {
  const regional = shares.flatMap((r) => monthlyCost(inRegion(one, r), a).lines);
  if (shares.length < 2) return regional;
  return [...regional, ...shares.flatMap((r) => healthLines(one, r, routing, a)), ...routingLines(routing, a)];
}

/** One region's inputs: its view of the environment, its prices, its share of the traffic. */
function inRegion(one: CostInputs, r: RegionShare): CostInputs {
  return {
    ...one,
    env: environmentInRegion(one.env, r.region),
    prices: pricesFor(r.region).prices,
    steadyRps: one.steadyRps * r.share,
    steadyInvocations: one.steadyInvocations * r.share,
    keyLookupsPerSecond: one.keyLookupsPerSecond * r.share,
    // Counters: any consumer may reach any region, so each cache may hold them all (storedGb stays).
    redis: { ...one.redis, ecpusPerMonth: one.redis.ecpusPerMonth * r.share },
    edgeRps: r.isPrimary ? one.steadyRps : 0,
    region: r.region,
  };
}

function extraRegionCost(one: CostInputs, shares: readonly RegionShare[], r: RegionShare, routing: RoutingConfig, withIt: number, a: PlanAssumptions): ExtraRegionCost {
  const others = shares.filter((s) => s.region !== r.region);
  const rest = others.reduce((s, o) => s + o.share, 0);
  const without = others.map((o) => ({ ...o, share: o.share / rest }));
  const totalUsd = withIt - sum(billLines(one, without, routing, a));
  // Lines that round to nothing (breaker writes, state invocations) stay in the split.
  const fixedLines = monthlyCost(inRegion(one, { ...r, share: 0 }), a).lines.filter((l) => l.monthlyUsd >= 0.005);
  const routingOf = [...healthLines(one, r, routing, a), ...(without.length < 2 ? routingLines(routing, a) : [])];
  return { region: r.region, share: r.share, fixedLines, routingLines: routingOf, trafficSplitUsd: totalUsd - sum(fixedLines) - sum(routingOf), totalUsd };
}

/**
 * What watching one region costs (decision 0026 D4): its Route 53 check of the health alarm,
 * the alarm and its metric in us-east-1, the probes it serves (API Gateway, origin guard,
 * authorizer: the health route is `auth: none` through the authorizer) and, outside us-east-1
 * and the primary (whose replica a one-region deploy already has), a replica of the
 * origin-verify secret.
 */
function healthLines(one: CostInputs, r: RegionShare, routing: RoutingConfig, a: PlanAssumptions): CostLine[] {
  const P = secondsPerMonth(a);
  const h = routing.health_check;
  const us = pricesFor(HEALTH_REGION).prices;
  const p = pricesFor(r.region).prices;
  const probes = (h.probes_per_period * P) / h.period_seconds;
  // Probes add to the region's own requests, so they cost its marginal tier.
  const served = one.steadyRps * r.share * P;
  const requestsUsd = tieredCost(p.apiGatewayRestRequests, served + probes, M) - tieredCost(p.apiGatewayRestRequests, served, M);
  const gbSeconds = probes * one.secondsPerInvocation * (AUTHORIZER_MEMORY_MB / 1024);
  const line = (service: string, item: string, quantity: string, monthlyUsd: number, price: string): CostLine => ({ service, item, quantity, monthlyUsd, price, region: r.region });
  return [
    line('Route 53', `health check of ${r.region} (its CloudWatch alarm)`, '1 check', MR.route53HealthCheck.usd, 'route53HealthCheck'),
    line('CloudWatch', `health alarm and probe-failure metric of ${r.region} (in ${HEALTH_REGION})`, '1 metric, 1 alarm', us.metric.usd + us.alarm.usd, 'metric, alarm'),
    line('API Gateway', `health probes served (${h.probes_per_period} per ${h.period_seconds} s: API Gateway, origin guard, authorizer)`, `${fmt(probes)} requests`,
      requestsUsd + (probes / M) * (GLOBAL_PRICES.wafRequests.usd + p.lambdaRequests.usd) + gbSeconds * p.lambdaArmGbSecond.usd,
      'apiGatewayRestRequests, wafRequests, lambdaRequests, lambdaArmGbSecond'),
    ...(r.isPrimary || r.region === HEALTH_REGION ? [] : [
      line('Secrets Manager', `origin-verify secret replica in ${r.region}`, '1 replica', MR.secretsManagerSecret.usd, 'secretsManagerSecret'),
    ]),
  ];
}

/**
 * What routing across regions costs once: the calculated check (some region healthy), the
 * prober (one run a minute that probes every region at once, so its length does not grow with
 * the regions: the probes 10 s apart, then the last one's timeout), and Route 53's answers to
 * CloudFront's lookups of domains.api (non-alias CNAMEs, so queries are billed).
 */
function routingLines(routing: RoutingConfig, a: PlanAssumptions): CostLine[] {
  const P = secondsPerMonth(a);
  const h = routing.health_check;
  const us = pricesFor(HEALTH_REGION).prices;
  const runs = P / h.period_seconds;
  const runSeconds = (h.probes_per_period - 1) * a.regions.probeSpacingSeconds + h.timeout_ms / 1000;
  const gbSeconds = runs * runSeconds * (a.regions.proberMemoryMb / 1024);
  const queries = (a.regions.originResolvers * P) / routing.ttl_seconds;
  const line = (service: string, item: string, quantity: string, monthlyUsd: number, price: string): CostLine => ({ service, item, quantity, monthlyUsd, price, region: HEALTH_REGION });
  return [
    line('Route 53', 'calculated health check (some region healthy)', '1 check', MR.route53HealthCheck.usd, 'route53HealthCheck'),
    line('Lambda', `health prober (arm64, ${a.regions.proberMemoryMb} MB, ${fmt(runSeconds, 1)} s a run, scheduled every ${h.period_seconds} s)`, `${fmt(runs)} runs, ${fmt(gbSeconds)} GB-s`,
      (runs / M) * (us.lambdaRequests.usd + MR.schedulerInvocations.usd) + gbSeconds * us.lambdaArmGbSecond.usd, 'lambdaRequests, lambdaArmGbSecond, schedulerInvocations'),
    line('Route 53', `${routing.policy} queries for domains.api (${fmt(a.regions.originResolvers)} edge resolvers assumed, one query per TTL ${routing.ttl_seconds} s)`,
      `${fmt(queries / M, 1)} M`, (queries / M) * MR.route53Queries[routing.policy].usd, `route53Queries.${routing.policy}`),
  ];
}

const sum = (lines: readonly CostLine[]) => lines.reduce((s, l) => s + l.monthlyUsd, 0);
