/**
 * Owns: the CloudFront cache plan (behaviors, cache keys, TTLs); the CDN stack maps it to CDK,
 * the loader holds it to CloudFront's quotas (lib/checks/edge-limits.ts), GH3 re-checks the result.
 *
 * The CloudFront cache plan: which path patterns get their own cache behavior, and the cache key
 * and TTL of each, computed from `routes[].cache` alone. The CDN stack maps it to CDK and the
 * load-time checks (lib/checks/edge-limits.ts) hold it to CloudFront's quotas, so a plan that
 * reaches synth always fits; it is pure data so both read the same plan.
 */
import type { GatewayConfig, RouteConfig } from '../config/schema';
import { FORWARDED_HOST_HEADER } from './headers';

/** One additional cache behavior of the distribution. */
export interface EdgeBehaviorPlan {
  /** CloudFront path pattern, e.g. `/v1/plans` or `/v1/plans/*`. */
  readonly pathPattern: string;
  /** Edge caching; absent = not cached (CACHING_DISABLED, like the default behavior). */
  readonly cache?: EdgeCacheKey;
}

export interface EdgeCacheKey {
  /** Routes whose responses this behavior caches. */
  readonly routes: readonly string[];
  /** Seconds: default and maximum TTL (the origin can shorten it, not extend it). */
  readonly ttl: number;
  readonly headers: readonly string[];
  readonly queryStrings: readonly string[];
}

/**
 * Which paths CloudFront caches, from `routes[].cache`. A route is cached at the edge when its
 * `cdn_ttl` > 0 and it is anonymous, or it sets `allow_authenticated_cdn` (then its credential
 * header is part of the key, so one consumer never gets another's response). mTLS routes are
 * never cached here: the client certificate cannot be a cache key.
 *
 * The edge cannot know which route a request will match, so a path is cached only when every
 * route on it is cacheable; the key then also holds the header conditions of those routes and,
 * for host-based routes, the forwarded Host. Non-cached routes nested under a cached path get
 * their own non-caching behaviors so the cached prefix does not swallow them. Behaviors are
 * ordered most specific first, as CloudFront takes the first matching pattern.
 */
export function planEdgeBehaviors(config: GatewayConfig): EdgeBehaviorPlan[] {
  const byPath = new Map<string, RouteConfig[]>();
  for (const route of config.routes) {
    for (const path of route.paths) {
      const base = basePath(path);
      byPath.set(base, [...(byPath.get(base) ?? []), route]);
    }
  }

  const cached = new Map<string, EdgeCacheKey>();
  for (const [path, routes] of byPath) {
    if (!routes.every((r) => edgeCacheable(r))) continue;
    cached.set(path, cacheKey(config, routes));
  }

  const behaviors = new Map<string, EdgeBehaviorPlan>();
  for (const [path, key] of cached) {
    for (const pathPattern of pathPatterns(path)) behaviors.set(pathPattern, { pathPattern, cache: key });
  }
  const cachedPaths = [...cached.keys()];
  for (const path of byPath.keys()) {
    if (cached.has(path)) continue;
    if (!cachedPaths.some((c) => c === '/' || path.startsWith(`${c}/`))) continue;
    for (const pathPattern of pathPatterns(path)) behaviors.set(pathPattern, { pathPattern });
  }

  return [...behaviors.values()].sort((a, b) => specificity(b.pathPattern) - specificity(a.pathPattern) || a.pathPattern.localeCompare(b.pathPattern));
}

/** Whether a route may be cached at the edge on its own (see planEdgeBehaviors). */
export function edgeCacheable(route: RouteConfig): boolean {
  if (!route.cache || route.cache.cdn_ttl <= 0) return false;
  if (route.auth.strategies.includes('mtls')) return false;
  return !authenticated(route) || route.cache.allow_authenticated_cdn;
}

function authenticated(route: RouteConfig): boolean {
  return route.auth.strategies.some((s) => s !== 'none');
}

function cacheKey(config: GatewayConfig, routes: RouteConfig[]): EdgeCacheKey {
  const headers = new Map<string, string>();
  const addHeader = (h: string) => { if (!headers.has(h.toLowerCase())) headers.set(h.toLowerCase(), h); };
  const queryStrings = new Set<string>();
  for (const route of routes) {
    const cache = route.cache!;
    cache.key_headers.forEach(addHeader);
    cache.key_query.forEach((q) => queryStrings.add(q));
    if (authenticated(route)) {
      if (route.auth.strategies.includes('jwt')) addHeader('Authorization');
      if (route.auth.strategies.includes('api_key')) addHeader(config.identity.api_keys.header);
    }
    Object.keys(route.headers).forEach(addHeader);
    if (route.hosts.length > 0) addHeader(FORWARDED_HOST_HEADER);
  }
  return {
    routes: routes.map((r) => r.name),
    ttl: Math.min(...routes.map((r) => r.cache!.cdn_ttl)),
    headers: [...headers.values()],
    queryStrings: [...queryStrings],
  };
}

/** `/v1/users/` -> `/v1/users`; path parameters become `*`. */
function basePath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : '/';
  return trimmed.replace(/\{[^}]*\}/g, '*');
}

/** A route path is a prefix (Kong semantics): the path itself and everything below it. */
export function pathPatterns(base: string): string[] {
  return base === '/' ? ['/', '/*'] : [base, `${base}/*`];
}

function specificity(pattern: string): number {
  return pattern.replace(/[*?]/g, '').length * 1000 + pattern.length;
}
