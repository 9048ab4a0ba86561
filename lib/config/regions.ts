/**
 * The regions of an environment and what each region's stacks see (decision 0026). One mechanism
 * for every layer: a region's view is the environment with `region`, `certificates` and `vpc`
 * replaced by that region's (and, with `rate_limiting.across_regions: divided`, the tiers' limits
 * by the region's share), so the regional stacks, the authorizer's config and the twin read
 * `gateway.env` and `gateway.config` as they always did.
 */
import type { GatewayEnvironment } from './environments';
import type { EnvironmentConfig, EnvironmentSettings, TierConfig } from './schema';

/** The regions that serve `env`, primary first. */
export function environmentRegions(env: Pick<EnvironmentSettings, 'region' | 'regions'>): readonly string[] {
  return env.regions ?? [env.region];
}

export function isMultiRegion(env: Pick<EnvironmentSettings, 'region' | 'regions'>): boolean {
  return environmentRegions(env).length > 1;
}

/**
 * `env` as `region`'s stacks see it: that region's certificates (the primary's as written, a
 * secondary's from `per_region`; certificates.cloudfront is global) and VPC (`per_region`, else
 * the primary's new-VPC settings; the loader refuses an existing VPC or named zones without one).
 */
export function environmentInRegion(env: EnvironmentSettings, region: string): EnvironmentConfig {
  if (region === env.region) return env;
  const own = env.per_region[region];
  return {
    ...env,
    region,
    certificates: { cloudfront: env.certificates.cloudfront, regional: own?.certificates.regional, alb: own?.certificates.alb },
    vpc: own?.vpc ?? env.vpc,
  };
}

/** One region of an environment: the environment seen from that region. */
export interface RegionalGateway extends GatewayEnvironment {
  /** The environment's first region: it holds what exists once (the table's source, the trail, the user pool). */
  readonly primaryRegion: string;
  readonly isPrimary: boolean;
}

export function inRegion(gateway: GatewayEnvironment, region: string): RegionalGateway {
  const settings = gateway.config.environments[gateway.name];
  const regionCount = environmentRegions(settings).length;
  const divided = regionCount > 1 && gateway.config.rate_limiting.across_regions === 'divided';
  return {
    ...gateway,
    config: divided ? { ...gateway.config, tiers: gateway.config.tiers.map((t) => regionalTier(t, regionCount)) } : gateway.config,
    env: environmentInRegion(settings, region),
    primaryRegion: settings.region,
    isPrimary: region === settings.region,
  };
}

/**
 * A region's share of a limit with `rate_limiting.across_regions: divided`: counters are per
 * region (ElastiCache Serverless does not replicate), so N regions that each admit this never
 * admit more than `limit` together; at least 1, so no region refuses everyone.
 */
export function regionalLimit(limit: number, regionCount: number): number {
  return Math.max(1, Math.floor(limit / regionCount));
}

/** `tier` as one of `regionCount` regions enforces it under `divided`: every window and the quota divided. */
function regionalTier(tier: TierConfig, regionCount: number): TierConfig {
  return {
    ...tier,
    minute: regionalLimit(tier.minute, regionCount),
    hour: regionalLimit(tier.hour, regionCount),
    quota: tier.quota && { ...tier.quota, limit: regionalLimit(tier.quota.limit, regionCount) },
  };
}

/** Every region of the environment, primary first. */
export function regionalGateways(gateway: GatewayEnvironment): RegionalGateway[] {
  return environmentRegions(gateway.config.environments[gateway.name]).map((region) => inRegion(gateway, region));
}
