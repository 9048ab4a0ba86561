import type { GatewayEnvironment } from '../lib/config/environments';
import { REGION_PATTERN, Routing } from '../lib/config/region-schema';
import { environmentRegions } from '../lib/config/regions';
import { MAX_REGIONS } from '../lib/config/schema';
import type { TwinRouting } from './edge-dns';
import { redactUrl } from './env';

/**
 * Which regions `gatehouse start` serves and how its edge router routes them: the environment's
 * `regions` and `routing` as the loader checked them, or `--regions` (any config, e.g. to try a
 * failover with a one-region environment): the listed regions, the first as primary, with the
 * environment's `routing` when it has one, else routing's defaults (latency, TTL 60 s, the
 * default health check). A list of one region serves that region alone, without a router.
 */
export interface TwinRegions {
  /** Primary first. */
  readonly regions: readonly string[];
  readonly routing: TwinRouting;
  /** Where the list came from, for the banner. */
  readonly from: 'config' | '--regions';
}

/** Routing's defaults from the schema, for `--regions` with an environment that has no routing. */
export const DEFAULT_TWIN_ROUTING: TwinRouting = {
  policy: Routing.shape.policy.parse(undefined),
  ttl_seconds: Routing.shape.ttl_seconds.parse(undefined),
  health_check: Routing.shape.health_check.parse(undefined),
};

/** `eu-west-2,eu-west-1` -> the names; throws the one line to show for a list that is not one. */
export function parseRegionList(value: string): string[] {
  const regions = value.split(',').map((r) => r.trim());
  const bad = regions.filter((r) => !REGION_PATTERN.test(r));
  if (bad.length > 0) throw new Error(`${bad.map((r) => JSON.stringify(r)).join(', ')} ${bad.length === 1 ? 'is not a region' : 'are not regions'}; expected AWS regions like eu-west-2,eu-west-1 (primary first)`);
  const twice = regions.find((r, i) => regions.indexOf(r) !== i);
  if (twice) throw new Error(`${twice} is listed twice; each region gets one gateway`);
  if (regions.length > MAX_REGIONS) throw new Error(`${regions.length} regions; at most ${MAX_REGIONS} (the config's limit)`);
  return regions;
}

/** The twin's regions for `gateway`, `--regions` (parsed) overriding the environment's; throws a `--regions: ...` line when its routing cannot serve them. */
export function twinRegions(gateway: GatewayEnvironment, flag?: readonly string[]): TwinRegions {
  const settings = gateway.config.environments[gateway.name];
  if (!flag) return { regions: environmentRegions(settings), routing: settings.routing ?? DEFAULT_TWIN_ROUTING, from: 'config' };
  const routing = settings.routing ?? DEFAULT_TWIN_ROUTING;
  const where = `environments.${gateway.name}.routing`;
  if (flag.length > 1 && routing.policy === 'failover' && flag.length !== 2) {
    throw new Error(`--regions: ${where}.policy failover routes to a primary and one secondary: list exactly 2 regions, not ${flag.length}`);
  }
  if (flag.length > 1 && routing.policy === 'geolocation') {
    const unlisted = Object.entries(routing.geolocation ?? {}).filter(([, r]) => !flag.includes(r));
    if (unlisted.length > 0) throw new Error(`--regions: ${where}.geolocation routes ${unlisted.map(([k, r]) => `${k} to ${r}`).join(', ')}, which --regions does not list (${flag.join(', ')})`);
  }
  return { regions: flag, routing, from: '--regions' };
}

/**
 * REDIS_URL for the twin's regions: none (an in-memory limiter each), or exactly one URL per
 * region, all different. Deployed, every region has its own cache (ElastiCache Serverless does
 * not replicate), so one Redis for two regions would share what AWS never shares.
 */
export function regionRedisUrls(urls: readonly string[] | undefined, regions: readonly string[]): readonly string[] | undefined {
  if (!urls) return undefined;
  if (urls.length !== regions.length) {
    const one = regions.length === 1;
    throw new Error(one
      ? `Invalid environment\n  REDIS_URL: ${urls.length} URLs, but the twin serves one region (${regions[0]}); give one URL`
      : `Invalid environment\n  REDIS_URL: ${urls.length === 1 ? 'one URL' : `${urls.length} URLs`} for ${regions.length} regions (${regions.join(', ')}); counters and breaker records are per region (one cache per region deployed), so give one Redis per region, comma-separated in region order, e.g. ${regions.map((_, i) => `redis://127.0.0.1:6379/${i}`).join(',')} (databases of one server work), or unset REDIS_URL for an in-memory limiter per region`);
  }
  const twice = urls.find((u, i) => urls.indexOf(u) !== i);
  if (twice) throw new Error(`Invalid environment\n  REDIS_URL: ${redactUrl(twice)} is given for two regions; they would share counters and breaker records: give each region its own`);
  return urls;
}
