/**
 * Owns: the API's static shape from `routes` (resources, methods, each method's primary route,
 * the authorizer TTL and identity sources, i.e. its cache key), read by CDK, the checks and the twin.
 */
import { DEFAULT_APPROXIMATE_CACHE_TTL } from '../config/rate-limit-modes';
import type { GatewayConfig, HttpMethod, RouteConfig, ServiceConfig } from '../config/schema';
import { CLIENT_IP_HEADER, FORWARDED_HOST_HEADER } from './headers';
import { compareRouteRanks, comparePathSpecificity, compileRoutePath, routeRank, type RouteRank } from './route-priority';

/**
 * The static shape of the API derived from `routes`: which API Gateway resources and methods
 * exist, which routes can answer each one, and how each method's authorizer is configured.
 *
 * Kong semantics: a route's path is a prefix (`/v1/users` also serves `/v1/users/42`), so each
 * path becomes an exact resource plus a greedy `{proxy+}` child. Choosing the route for one
 * request (hosts, headers, canary) happens at request time in the authorizer, which returns the
 * route name; the API forwards it as `X-Gatehouse-Route` and the internal ALB routes on it.
 */
export interface ApiMethod {
  /** API Gateway resource path, e.g. `/v1/users` or `/v1/users/{proxy+}`. */
  readonly resourcePath: string;
  readonly httpMethod: HttpMethod;
  /** Routes that can answer this method, in route priority (./route-priority.ts); [0] is the fallback. */
  readonly routes: readonly RouteConfig[];
  /** Route whose auth, cache and schema settings the method carries. */
  readonly primary: RouteConfig;
  readonly authorizer: AuthorizerSettings;
  /** Single public-URL route: API Gateway integrates with the URL directly, no ALB. */
  readonly directService?: ServiceConfig;
  /** The stage cache of a GET/HEAD method answered by one route with `cache` (see {@link methodCache}). */
  readonly cache?: MethodCache;
}

/** A method's stage cache: TTL and the request values of its key besides method and path parameters. */
export interface MethodCache {
  readonly ttl: number;
  readonly keyQuery: readonly string[];
  /** The route's key_headers, plus X-Forwarded-Host when the route has hosts (one entry per tenant). */
  readonly keyHeaders: readonly string[];
}

/** Methods whose responses the stage cache may store. */
export const CACHEABLE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** Methods whose body is checked: the content-type rule, the request model, the body size. */
export const BODY_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH'];

export interface AuthorizerSettings {
  /** Result cache TTL in seconds (0 = authorizer on every request). */
  readonly ttl: number;
  /** API Gateway identity sources (cache key); empty when ttl is 0. */
  readonly identitySources: readonly string[];
  /** Why the TTL was lowered from the route's cache_ttl, if it was. */
  readonly ttlReason?: string;
  readonly apiKeyRequired: boolean;
}

/** Identity source expressions (API Gateway mapping syntax). */
export const IDENTITY_SOURCE = {
  authorization: 'method.request.header.Authorization',
  header: (name: string) => `method.request.header.${name}`,
  httpMethod: 'context.httpMethod',
  resourcePath: 'context.resourcePath',
} as const;

/** `GET /v1/users/{proxy+}`: an API Gateway method (HTTP method + resource path). */
export function methodKey(httpMethod: string, resourcePath: string): string {
  return `${httpMethod} ${resourcePath}`;
}

/**
 * The routes that own each API Gateway method, in config order. API Gateway picks the method by
 * path alone (the most specific resource), so these are the only routes a request on it may
 * reach: the authorizer chooses among them (hosts, headers, canary) and nothing else, and the
 * method's cache, authorizer TTL, schema and integration are theirs (docs/decisions/0014).
 */
export function routesByMethod<R extends Pick<RouteConfig, 'paths' | 'methods'>>(routes: readonly R[]): Map<string, { resourcePath: string; httpMethod: HttpMethod; routes: R[] }> {
  const byKey = new Map<string, { resourcePath: string; httpMethod: HttpMethod; routes: R[] }>();
  for (const route of routes) {
    for (const path of route.paths) {
      for (const resourcePath of resourcePathsFor(path)) {
        for (const httpMethod of route.methods) {
          const key = methodKey(httpMethod, resourcePath);
          const entry = byKey.get(key) ?? { resourcePath, httpMethod, routes: [] };
          if (!entry.routes.includes(route)) entry.routes.push(route);
          byKey.set(key, entry);
        }
      }
    }
  }
  return byKey;
}

export function compileRouteTable(config: GatewayConfig): ApiMethod[] {
  const services = new Map(config.services.map((s) => [s.name, s]));
  const usesHosts = config.routes.some((r) => r.hosts.length > 0);

  return [...routesByMethod(config.routes).values()].map(({ resourcePath, httpMethod, routes }) => {
    const ranks = new Map(routes.map((route) => [route, methodRank(route, resourcePath, config.routes.indexOf(route))]));
    const ordered = [...routes].sort((a, b) => compareRouteRanks(ranks.get(a)!, ranks.get(b)!));
    const primary = ordered.find((r) => r.hosts.length === 0 && Object.keys(r.headers).length === 0) ?? ordered[0];
    const service = services.get(primary.service);
    const directService = ordered.length === 1 && service?.url ? service : undefined;
    return {
      resourcePath, httpMethod, routes: ordered, primary, directService,
      authorizer: authorizerSettings(config, primary, ordered, usesHosts),
      cache: methodCache(httpMethod, ordered),
    };
  }).sort((a, b) => a.resourcePath.localeCompare(b.resourcePath) || a.httpMethod.localeCompare(b.httpMethod));
}

/**
 * The stage cache runs after the authorizer and is shared by every caller the method admits, so
 * a method caches only when ONE route answers it (otherwise a canary's or another host's response
 * would be served for the stable route: config validation refuses `cache` on shared methods), and
 * a route with hosts gets X-Forwarded-Host in its key, so one tenant's response never reaches
 * another tenant. Responses that differ per consumer need the credential header in `key_headers`.
 */
function methodCache(httpMethod: HttpMethod, routes: readonly RouteConfig[]): MethodCache | undefined {
  const cache = routes[0].cache;
  if (!CACHEABLE_METHODS.has(httpMethod) || routes.length !== 1 || !cache || cache.ttl <= 0) return undefined;
  const keyHeaders = [...cache.key_headers];
  if (routes[0].hosts.length > 0 && !keyHeaders.some((h) => h.toLowerCase() === FORWARDED_HOST_HEADER.toLowerCase())) keyHeaders.push(FORWARDED_HOST_HEADER);
  return { ttl: cache.ttl, keyQuery: [...cache.key_query], keyHeaders };
}

/** `/v1/users` -> [`/v1/users`, `/v1/users/{proxy+}`]; `/` -> [`/`, `/{proxy+}`]. */
export function resourcePathsFor(path: string): string[] {
  const base = path.length > 1 ? path.replace(/\/+$/, '') : '/';
  return [base, base === '/' ? '/{proxy+}' : `${base}/{proxy+}`];
}

/**
 * A route's rank on one method: with the path that gives the method its resource (the one its
 * requests match, as the matcher ranks them), not a longer path of the route elsewhere.
 */
function methodRank(route: RouteConfig, resourcePath: string, order: number): RouteRank {
  const serving = route.paths
    .filter((p) => resourcePathsFor(p).includes(resourcePath))
    .map(compileRoutePath)
    .sort((a, b) => comparePathSpecificity(b, a));
  return routeRank(route, serving[0], order);
}

function authorizerSettings(config: GatewayConfig, primary: RouteConfig, routes: RouteConfig[], usesHosts: boolean): AuthorizerSettings {
  const { strategies } = primary.auth;
  const anonymous = strategies.includes('none');
  // The authorizer returns a usage key for every caller, anonymous ones included (first tier), so
  // every method is metered by a usage plan and rate-limited callers can be refused (decision 0007).
  const apiKeyRequired = true;
  let ttl = requestedAuthorizerTtl(primary.auth);
  let ttlReason: string | undefined;
  if (routes.some((r) => r.auth.limits === 'exact')) {
    // A cache hit does not invoke the authorizer, so its limiter would not see the request.
    ttl = 0;
    ttlReason = EXACT_LIMITS_REASON;
  } else if (anonymous) {
    ttl = 0;
    ttlReason = 'anonymous routes are rate-limited per client IP on every request';
  } else if (routes.some((r) => Object.keys(r.headers).length > 0)) {
    ttl = 0;
    ttlReason = 'a route on this method matches on request headers, which are not part of the authorizer cache key';
  } else if (strategies.includes('mtls')) {
    ttl = 0;
    ttlReason = 'the client certificate cannot be an identity source';
  } else if (new Set(routes.map((r) => authSignature(r))).size > 1) {
    ttl = 0;
    ttlReason = 'routes sharing this method have different auth settings';
  }
  if (ttl === 0) return { ttl, identitySources: [], ttlReason, apiKeyRequired };
  const credential = strategies.includes('jwt') ? IDENTITY_SOURCE.authorization : IDENTITY_SOURCE.header(config.identity.api_keys.header);
  // Everything the decision reads is in the key: the credential, the host (tenant routes), the
  // method and resource (route, scopes), and the viewer IP, because a consumer's IP allowlist is
  // checked against it: without it a cached Allow would admit a leaked key from any address, and
  // a cached Deny from a foreign address would lock the owner out (CloudFront always sets it).
  const identitySources = [
    credential,
    ...(usesHosts ? [IDENTITY_SOURCE.header(FORWARDED_HOST_HEADER)] : []),
    IDENTITY_SOURCE.header(CLIENT_IP_HEADER),
    IDENTITY_SOURCE.httpMethod,
    IDENTITY_SOURCE.resourcePath,
  ];
  return { ttl, identitySources, ttlReason, apiKeyRequired };
}

function authSignature(route: RouteConfig): string {
  const { strategies, issuers, scopes, groups } = route.auth;
  return JSON.stringify([strategies, issuers, scopes, groups, requestedAuthorizerTtl(route.auth)]);
}

/** Why a method's authorizer is not cached under `limits: exact` (the planner and the docs show it). */
export const EXACT_LIMITS_REASON = 'limits: exact (the default): the authorizer counts every request against the tier limits';

/**
 * The authorizer result cache TTL a route asks for: none with `limits: exact` (a cache hit would
 * pass the rate limiter uncounted), else its `cache_ttl` (default 300 s, API Gateway's default).
 * The route table may still lower it (anonymous, mTLS, header routes, mixed auth).
 */
export function requestedAuthorizerTtl(auth: Pick<RouteConfig['auth'], 'limits' | 'cache_ttl'>): number {
  return auth.limits === 'exact' ? 0 : auth.cache_ttl ?? DEFAULT_APPROXIMATE_CACHE_TTL;
}

/**
 * The upstream path of a method: the service's base `path`, then the request path with the
 * route's prefix removed when `strip_path` (Kong semantics). `{proxy+}` becomes `{proxy}`.
 */
export function upstreamPath(resourcePath: string, route: RouteConfig, service: Pick<ServiceConfig, 'path'>): string {
  let rest = resourcePath.replace(/\{proxy\+\}$/, '{proxy}');
  if (route.strip_path) {
    const prefix = route.paths
      .map((p) => (p.length > 1 ? p.replace(/\/+$/, '') : ''))
      .filter((p) => rest === p || rest.startsWith(`${p}/`))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix !== undefined) rest = rest.slice(prefix.length);
  }
  const joined = `${service.path.replace(/\/+$/, '')}/${rest.replace(/^\/+/, '')}`;
  return joined.startsWith('/') ? joined : `/${joined}`;
}
