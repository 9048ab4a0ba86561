import type { RoutingConfig } from '../lib/config/region-schema';

/**
 * Route 53 as the edge router (./edge-router.ts) sees it: which region the API's name resolves
 * to for an edge location, by the routing policy over the regions' health (decision 0026 D3),
 * and the resolver's cache of that answer for `ttl_seconds`. Pure but for the clock it is given.
 */

/** The routing keys the twin reads (the hosted zone and traffic shares are AWS-only). */
export type TwinRouting = Pick<RoutingConfig, 'policy' | 'ttl_seconds' | 'health_check' | 'geolocation'>;

/**
 * Where the edge location serving a request is: the twin has no geo database and one edge, so
 * the caller says (request headers {@link VIEWER_COUNTRY_HEADER} and {@link VIEWER_CONTINENT_HEADER}).
 * Only policy geolocation reads it. Route 53 locates the edge's resolver, not the viewer; a viewer
 * is served by an edge near it, so the two agree but at borders.
 */
export interface EdgeLocation {
  /** ISO 3166 alpha-2, upper case (GB). */
  readonly country?: string;
  /** AF, AN, AS, EU, NA, OC or SA. */
  readonly continent?: string;
}

export const VIEWER_COUNTRY_HEADER = 'x-gatehouse-viewer-country';
export const VIEWER_CONTINENT_HEADER = 'x-gatehouse-viewer-continent';

/** The location two header values name; anything else than a code of the right shape is no location. */
export function edgeLocation(country: string | undefined, continent: string | undefined): EdgeLocation {
  const c = country?.trim().toUpperCase();
  const k = continent?.trim().toUpperCase();
  return { country: c && /^[A-Z]{2}$/.test(c) ? c : undefined, continent: k && /^(AF|AN|AS|EU|NA|OC|SA)$/.test(k) ? k : undefined };
}

/**
 * The records that may answer for `location`, best first:
 * - latency: every region; the twin's regions are all as near, so primary first (`regions` order);
 * - failover: the primary, then the secondary;
 * - geolocation: the country's record, else the continent's, else `default` (Route 53 goes to
 *   the larger area when a record's check is unhealthy).
 */
export function candidateRegions(routing: Pick<TwinRouting, 'policy' | 'geolocation'>, regions: readonly string[], location: EdgeLocation): string[] {
  if (routing.policy !== 'geolocation') return [...regions];
  const map = routing.geolocation ?? {};
  const keys = [location.country, location.continent && `continent:${location.continent}`, 'default'];
  const found = keys.flatMap((k) => (k && map[k] ? [map[k]] : []));
  return [...new Set(found)];
}

/**
 * The region Route 53 answers: the first healthy candidate; when every candidate is unhealthy,
 * Route 53 treats them all as healthy (decision 0026 F11), so the first. Undefined only for a
 * geolocation map without `default` that matches nothing (the loader refuses that map).
 */
export function resolveRegion(candidates: readonly string[], inRotation: (region: string) => boolean): string | undefined {
  return candidates.find(inRotation) ?? candidates[0];
}

/** One cached answer. */
export interface CachedAnswer {
  /** `default`, or the location the answer is for (`GB`, `continent:EU`, `GB/EU`). */
  readonly location: string;
  readonly region: string;
  readonly expiresAt: number;
}

/**
 * The edge resolver's cache: an answer is kept for the TTL whatever happens to the region
 * meanwhile (what makes a failover last up to detection + TTL). One entry per location for
 * geolocation, one for the other policies (their answer does not depend on where the edge is).
 */
export class ResolverCache {
  private readonly answers = new Map<string, CachedAnswer>();

  constructor(private readonly ttlMs: number, private readonly clock: () => number = Date.now) {}

  /** The cached region for `location`, or a fresh answer from `resolve` cached for the TTL. */
  regionFor(location: string, resolve: () => string | undefined): string | undefined {
    const now = this.clock();
    const cached = this.answers.get(location);
    if (cached && cached.expiresAt > now) return cached.region;
    const region = resolve();
    if (region === undefined) this.answers.delete(location);
    else this.answers.set(location, { location, region, expiresAt: now + this.ttlMs });
    return region;
  }

  /** The answers still valid (for the router's status). */
  valid(): CachedAnswer[] {
    const now = this.clock();
    return [...this.answers.values()].filter((a) => a.expiresAt > now);
  }
}

/** The cache key of a location: what the policy distinguishes. */
export function locationKey(policy: TwinRouting['policy'], location: EdgeLocation): string {
  if (policy !== 'geolocation') return 'default';
  return [location.country ?? '-', location.continent ?? '-'].join('/');
}
