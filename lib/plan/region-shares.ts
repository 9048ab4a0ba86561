import { environmentRegions } from '../config/regions';
import type { EnvironmentSettings } from '../config/schema';

/** One region of an environment and the share of its requests Route 53 sends there. */
export interface RegionShare {
  readonly region: string;
  /** Share of all requests, 0-1; the shares of an environment add up to 1. */
  readonly share: number;
  readonly isPrimary: boolean;
}

/**
 * The regions of `env`, primary first, with `routing.traffic_share` (the loader checks that it
 * names every region and sums to 1). Without it: `failover` sends everything to the primary while
 * it is healthy; latency and geolocation spread viewers by where they are, which the config does
 * not say, so equally.
 */
export function regionShares(env: Pick<EnvironmentSettings, 'region' | 'regions' | 'routing'>): RegionShare[] {
  const regions = environmentRegions(env);
  const given = env.routing?.traffic_share;
  const byDefault = (region: string) => (env.routing?.policy === 'failover' ? (region === env.region ? 1 : 0) : 1 / regions.length);
  return regions.map((region) => ({ region, share: given?.[region] ?? byDefault(region), isPrimary: region === env.region }));
}
