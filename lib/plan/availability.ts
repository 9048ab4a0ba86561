import type { EnvironmentConfig, GatewayConfig } from '../config/schema';
import { vpcZoneCount } from '../config/profile';
import { environmentInRegion, isMultiRegion } from '../config/regions';
import { MAX_ROUTING_TTL_SECONDS, MIN_ROUTING_TTL_SECONDS } from '../config/region-schema';
import { DEFAULT_ASSUMPTIONS, secondsPerMonth, type PlanAssumptions } from './assumptions';
import { note, warning, type Finding } from './finding';
import { fmt } from './format-number';
import { longestTtlMeetingTarget, regionsAvailability, slaProduct, type Component, type RegionsAvailability } from './region-availability';
import { cognitoRegionFindings } from './region-identity';
import { regionShares } from './region-shares';

export type { Component } from './region-availability';

/** Monthly uptime commitments of the AWS service level agreements (percent). */
export const SLA = {
  cloudFront: { percent: 99.9, source: 'https://aws.amazon.com/cloudfront/sla/' },
  waf: { percent: 99.95, source: 'https://aws.amazon.com/waf/sla/' },
  apiGateway: { percent: 99.95, source: 'https://aws.amazon.com/api-gateway/sla/' },
  lambda: { percent: 99.95, source: 'https://aws.amazon.com/lambda/sla/' },
  elb: { percent: 99.99, source: 'https://aws.amazon.com/elasticloadbalancing/sla/' },
  dynamoDb: { percent: 99.99, source: 'https://aws.amazon.com/dynamodb/sla/' },
  elastiCache: { percent: 99.99, source: 'https://aws.amazon.com/elasticache/sla/' },
  // The Route 53 SLA page is not in the stored copies; its 100 % is quoted by third parties (decision 0026, F19).
  route53: { percent: 100, source: 'https://aws.amazon.com/route53/sla/' },
} as const;

/**
 * The highest target one region can honestly promise: API Gateway and Lambda, on every request
 * path, each commit to 99.95 % in one region.
 */
export const SINGLE_REGION_CEILING = 99.95;

export interface AvailabilityPlan {
  readonly targetPercent: number;
  readonly components: readonly Component[];
  /** Product of the SLAs on the request path in one region: what AWS contractually backs, a floor. */
  readonly compositePercent: number;
  readonly singleRegionCeiling: number;
  readonly mitigations: readonly string[];
  readonly findings: readonly Finding[];
  /** With 2 or more regions: the N-region model (decision 0026 D10), compared with the target instead of the ceiling. */
  readonly regions?: RegionsAvailability;
}

/**
 * One region: the product of the SLAs on the request path, with the one-region ceiling warning.
 * Two or more: the N-region model of region-availability.ts compared with the target, the
 * one-region figures kept for reference (JSON) but not compared.
 */
export function availabilityPlan(config: GatewayConfig, env: EnvironmentConfig, a: PlanAssumptions = DEFAULT_ASSUMPTIONS): AvailabilityPlan {
  const components = oneRegionComponents(config);
  const compositePercent = slaProduct(components) * 100;
  const target = config.targets.availability;
  const base = { targetPercent: target, components, compositePercent, singleRegionCeiling: SINGLE_REGION_CEILING };
  if (!isMultiRegion(env) || !env.routing) {
    return { ...base, mitigations: mitigationsOf(config, env), findings: oneRegionFindings(target, compositePercent, env) };
  }
  const regions = regionsAvailability({
    edgeComponents: edgeComponents(),
    regionalComponents: regionalComponents(config),
    shares: regionShares(env),
    routing: env.routing,
    targetPercent: target,
    monthSeconds: secondsPerMonth(a),
    incidentsPerRegionMonth: a.regions.incidentsPerRegionMonth,
    alarmEvaluationLagSeconds: a.regions.alarmEvaluationLagSeconds,
  });
  return { ...base, mitigations: regionMitigations(config, env), findings: [...regionFindings(regions), ...cognitoRegionFindings(config, env)], regions };
}

/** What decides whether a service is on the request path. */
function pathUse(config: GatewayConfig) {
  return {
    usesApiKeys: config.routes.some((r) => r.auth.strategies.includes('api_key')),
    usesPrivate: config.services.some((s) => s.private),
    redisInPath: config.rate_limiting.strategy === 'redis' && !config.rate_limiting.fault_tolerant,
  };
}

function oneRegionComponents(config: GatewayConfig): Component[] {
  return [
    { name: 'CloudFront', sla: SLA.cloudFront.percent, inPath: true, why: 'every request' },
    { name: 'AWS WAF', sla: SLA.waf.percent, inPath: true, why: 'edge and regional web ACLs' },
    { name: 'API Gateway (one region)', sla: SLA.apiGateway.percent, inPath: true, why: 'every request' },
    { name: 'Lambda authorizer', sla: SLA.lambda.percent, inPath: true, why: 'every uncached request' },
    ...dataComponents(config),
  ];
}

/** The edge tier: one distribution, one edge web ACL, one Route 53, whatever the region count. */
function edgeComponents(): Component[] {
  return [
    { name: 'CloudFront', sla: SLA.cloudFront.percent, inPath: true, why: 'every request' },
    { name: 'AWS WAF (edge web ACL)', sla: SLA.waf.percent, inPath: true, why: 'every request' },
    { name: 'Route 53', sla: SLA.route53.percent, inPath: true, why: 'answers CloudFront\'s lookups of domains.api with a healthy region' },
  ];
}

/** One region's tier: everything a request meets after CloudFront picked the region. */
function regionalComponents(config: GatewayConfig): Component[] {
  return [
    { name: 'AWS WAF (regional web ACL)', sla: SLA.waf.percent, inPath: true, why: 'origin guard, every request' },
    { name: 'API Gateway', sla: SLA.apiGateway.percent, inPath: true, why: 'every request' },
    { name: 'Lambda authorizer', sla: SLA.lambda.percent, inPath: true, why: 'every uncached request' },
    ...dataComponents(config),
  ];
}

function dataComponents(config: GatewayConfig): Component[] {
  const { usesApiKeys, usesPrivate, redisInPath } = pathUse(config);
  return [
    { name: 'Elastic Load Balancing', sla: SLA.elb.percent, inPath: usesPrivate, why: usesPrivate ? 'private services behind the internal ALB' : 'no private service' },
    { name: 'DynamoDB', sla: SLA.dynamoDb.percent, inPath: usesApiKeys, why: usesApiKeys ? 'API key lookups after the in-memory cache' : 'no api_key route' },
    {
      name: 'ElastiCache Serverless', sla: SLA.elastiCache.percent, inPath: redisInPath,
      why: config.rate_limiting.strategy !== 'redis' ? 'local rate limiting' : redisInPath ? 'fault_tolerant: false rejects requests when Redis is down' : 'fault_tolerant: requests pass when Redis is down',
    },
  ];
}

function mitigationsOf(config: GatewayConfig, env: EnvironmentConfig, natLines: readonly string[] = natMitigation(env)): string[] {
  const mitigations: string[] = [];
  if (config.rate_limiting.strategy === 'redis' && config.rate_limiting.fault_tolerant) mitigations.push('rate limiting fails open (fault_tolerant), so Redis is off the critical path');
  mitigations.push(...natLines);
  if (env.shield_advanced) mitigations.push('Shield Advanced: DDoS response team and L7 mitigation on CloudFront');
  mitigations.push('CloudFront, the ALB, the serverless cache and the Lambda authorizer span several AZs');
  return mitigations;
}

function natMitigation(env: EnvironmentConfig): string[] {
  if (!('cidr' in env.vpc)) return [];
  const zones = vpcZoneCount(env.vpc);
  return [env.vpc.nat_gateways >= zones
    ? `one NAT gateway per AZ (${env.vpc.nat_gateways}/${zones}): an AZ outage does not cut the authorizer's egress (JWKS refresh)`
    : `${env.vpc.nat_gateways} NAT gateway(s) for ${zones} AZs: losing that AZ cuts the authorizer's egress (JWKS refresh) in the others`];
}

/** The one-region mitigations, the NAT line per region, and how a region leaves rotation. */
function regionMitigations(config: GatewayConfig, env: EnvironmentConfig): string[] {
  const nat = regionShares(env).flatMap((r) => natMitigation(environmentInRegion(env, r.region)).map((line) => `${r.region}: ${line}`));
  const routing = env.routing!;
  const health = routing.health_check;
  return [
    ...mitigationsOf(config, env, nat),
    `Route 53 ${routing.policy} records (TTL ${routing.ttl_seconds} s) drop a region whose health alarm sees ${health.failed_probes} of its ${health.probes_per_period} probes fail in ${health.period_seconds} s; `
      + 'the prober and the alarms run in us-east-1, so a serving region\'s loss never blinds the check of another',
  ];
}

function oneRegionFindings(target: number, compositePercent: number, env: EnvironmentConfig): Finding[] {
  if (target > SINGLE_REGION_CEILING) {
    return [warning('availability-multi-region',
      `targets.availability ${target} % cannot be met in one region: API Gateway and Lambda each commit to ${SINGLE_REGION_CEILING} % per region `
      + `and the request path's SLAs multiply to ${compositePercent.toFixed(2)} %. This config deploys to one region (${env.region}); ${target} % needs `
      + 'an active-active second region (Route 53 failover or latency records, DynamoDB global table, a cache per region) or a lower target')];
  }
  if (compositePercent < target) {
    return [note('availability-sla',
      `the request path's SLAs multiply to ${compositePercent.toFixed(2)} %, below the ${target} % target: SLAs are credit thresholds and measured `
      + 'availability is usually higher; the error-budget burn-rate alarms tell whether the target holds')];
  }
  return [];
}

/** A warning when the regions miss the target, with the TTL that would meet it if one does. */
function regionFindings(r: RegionsAvailability): Finding[] {
  if (r.percent >= r.targetPercent) return [];
  const ttl = longestTtlMeetingTarget(r, MIN_ROUTING_TTL_SECONDS, MAX_ROUTING_TTL_SECONDS);
  const fix = ttl !== undefined && ttl < r.ttlSeconds
    ? `routing.ttl_seconds ${ttl} or less meets it; so would fewer incidents than assumed`
    : 'no record TTL is short enough: add a region, take a component off the regional path or lower the target';
  return [warning('availability-regions',
    `targets.availability ${r.targetPercent} % is not met by ${r.regions.length} regions: the model gives ${percentText(r.percent)} `
    + `(${fmt(r.allDownSeconds + r.failoverLossSeconds, 1)} s lost a month of a ${fmt(r.budgetSeconds, 1)} s budget: ${fmt(r.allDownSeconds, 1)} s with every region down, `
    + `${fmt(r.failoverLossSeconds, 1)} s failing over at T_f ${r.failoverSeconds} s and k = ${fmt(r.incidentsPerRegionMonth, 2)}); ${fix}`)];
}

/** Availability to four decimals: the regions' figures differ in the third. */
export const percentText = (percent: number) => `${percent.toFixed(4)} %`;
