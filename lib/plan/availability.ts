import type { EnvironmentConfig, GatewayConfig } from '../config/schema';
import { vpcZoneCount } from '../config/profile';
import { note, warning, type Finding } from './finding';

/** Monthly uptime commitments of the AWS service level agreements (percent). */
export const SLA = {
  cloudFront: { percent: 99.9, source: 'https://aws.amazon.com/cloudfront/sla/' },
  waf: { percent: 99.95, source: 'https://aws.amazon.com/waf/sla/' },
  apiGateway: { percent: 99.95, source: 'https://aws.amazon.com/api-gateway/sla/' },
  lambda: { percent: 99.95, source: 'https://aws.amazon.com/lambda/sla/' },
  elb: { percent: 99.99, source: 'https://aws.amazon.com/elasticloadbalancing/sla/' },
  dynamoDb: { percent: 99.99, source: 'https://aws.amazon.com/dynamodb/sla/' },
  elastiCache: { percent: 99.99, source: 'https://aws.amazon.com/elasticache/sla/' },
} as const;

/**
 * The highest target one region can honestly promise: API Gateway and Lambda, on every request
 * path, each commit to 99.95 % in one region.
 */
export const SINGLE_REGION_CEILING = 99.95;

export interface Component { readonly name: string; readonly sla: number; readonly inPath: boolean; readonly why: string }

export interface AvailabilityPlan {
  readonly targetPercent: number;
  readonly components: readonly Component[];
  /** Product of the SLAs on the request path: what AWS contractually backs, a floor. */
  readonly compositePercent: number;
  readonly singleRegionCeiling: number;
  readonly mitigations: readonly string[];
  readonly findings: readonly Finding[];
}

export function availabilityPlan(config: GatewayConfig, env: EnvironmentConfig): AvailabilityPlan {
  const usesApiKeys = config.routes.some((r) => r.auth.strategies.includes('api_key'));
  const usesPrivate = config.services.some((s) => s.private);
  const redisInPath = config.rate_limiting.strategy === 'redis' && !config.rate_limiting.fault_tolerant;
  const components: Component[] = [
    { name: 'CloudFront', sla: SLA.cloudFront.percent, inPath: true, why: 'every request' },
    { name: 'AWS WAF', sla: SLA.waf.percent, inPath: true, why: 'edge and regional web ACLs' },
    { name: 'API Gateway (one region)', sla: SLA.apiGateway.percent, inPath: true, why: 'every request' },
    { name: 'Lambda authorizer', sla: SLA.lambda.percent, inPath: true, why: 'every uncached request' },
    { name: 'Elastic Load Balancing', sla: SLA.elb.percent, inPath: usesPrivate, why: usesPrivate ? 'private services behind the internal ALB' : 'no private service' },
    { name: 'DynamoDB', sla: SLA.dynamoDb.percent, inPath: usesApiKeys, why: usesApiKeys ? 'API key lookups after the in-memory cache' : 'no api_key route' },
    {
      name: 'ElastiCache Serverless', sla: SLA.elastiCache.percent, inPath: redisInPath,
      why: config.rate_limiting.strategy !== 'redis' ? 'local rate limiting' : redisInPath ? 'fault_tolerant: false rejects requests when Redis is down' : 'fault_tolerant: requests pass when Redis is down',
    },
  ];
  const compositePercent = components.filter((c) => c.inPath).reduce((p, c) => p * (c.sla / 100), 1) * 100;
  const target = config.targets.availability;

  const mitigations: string[] = [];
  if (config.rate_limiting.strategy === 'redis' && config.rate_limiting.fault_tolerant) mitigations.push('rate limiting fails open (fault_tolerant), so Redis is off the critical path');
  if ('cidr' in env.vpc) {
    const zones = vpcZoneCount(env.vpc);
    mitigations.push(env.vpc.nat_gateways >= zones
      ? `one NAT gateway per AZ (${env.vpc.nat_gateways}/${zones}): an AZ outage does not cut the authorizer's egress (JWKS refresh)`
      : `${env.vpc.nat_gateways} NAT gateway(s) for ${zones} AZs: losing that AZ cuts the authorizer's egress (JWKS refresh) in the others`);
  }
  if (env.shield_advanced) mitigations.push('Shield Advanced: DDoS response team and L7 mitigation on CloudFront');
  mitigations.push('CloudFront, the ALB, the serverless cache and the Lambda authorizer span several AZs');

  const findings: Finding[] = [];
  if (target > SINGLE_REGION_CEILING) {
    findings.push(warning('availability-multi-region',
      `targets.availability ${target} % cannot be met in one region: API Gateway and Lambda each commit to ${SINGLE_REGION_CEILING} % per region `
      + `and the request path's SLAs multiply to ${compositePercent.toFixed(2)} %. This config deploys to one region (${env.region}); ${target} % needs `
      + 'an active-active second region (Route 53 failover or latency records, DynamoDB global table, a cache per region) or a lower target'));
  } else if (compositePercent < target) {
    findings.push(note('availability-sla',
      `the request path's SLAs multiply to ${compositePercent.toFixed(2)} %, below the ${target} % target: SLAs are credit thresholds and measured `
      + 'availability is usually higher; the error-budget burn-rate alarms tell whether the target holds'));
  }
  return { targetPercent: target, components, compositePercent, singleRegionCeiling: SINGLE_REGION_CEILING, mitigations, findings };
}
