import type { GatewayConfig, HttpMethod, RouteConfig, ServiceConfig } from '../config/schema';
import { FORWARDED_HOST_HEADER } from './headers';

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
  /** Routes that can answer this method, most specific first; [0] is the fallback. */
  readonly routes: readonly RouteConfig[];
  /** Route whose auth, cache and schema settings the method carries. */
  readonly primary: RouteConfig;
  readonly authorizer: AuthorizerSettings;
  /** Single public-URL route: API Gateway integrates with the URL directly, no ALB. */
  readonly directService?: ServiceConfig;
}

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

export function compileRouteTable(config: GatewayConfig): ApiMethod[] {
  const services = new Map(config.services.map((s) => [s.name, s]));
  const byKey = new Map<string, { resourcePath: string; httpMethod: HttpMethod; routes: RouteConfig[] }>();
  const usesHosts = config.routes.some((r) => r.hosts.length > 0);

  for (const route of config.routes) {
    for (const path of route.paths) {
      for (const resourcePath of resourcePathsFor(path)) {
        for (const httpMethod of route.methods) {
          const key = `${httpMethod} ${resourcePath}`;
          const entry = byKey.get(key) ?? { resourcePath, httpMethod, routes: [] };
          entry.routes.push(route);
          byKey.set(key, entry);
        }
      }
    }
  }

  return [...byKey.values()].map(({ resourcePath, httpMethod, routes }) => {
    const ordered = [...routes].sort((a, b) => specificity(b) - specificity(a));
    const primary = ordered.find((r) => r.hosts.length === 0 && Object.keys(r.headers).length === 0) ?? ordered[0];
    const service = services.get(primary.service);
    const directService = ordered.length === 1 && service?.url ? service : undefined;
    return {
      resourcePath, httpMethod, routes: ordered, primary, directService,
      authorizer: authorizerSettings(config, primary, ordered, usesHosts),
    };
  }).sort((a, b) => a.resourcePath.localeCompare(b.resourcePath) || a.httpMethod.localeCompare(b.httpMethod));
}

/** `/v1/users` -> [`/v1/users`, `/v1/users/{proxy+}`]; `/` -> [`/`, `/{proxy+}`]. */
export function resourcePathsFor(path: string): string[] {
  const base = path.length > 1 ? path.replace(/\/+$/, '') : '/';
  return [base, base === '/' ? '/{proxy+}' : `${base}/{proxy+}`];
}

/** Kong-like priority: header conditions, then hosts, then longer paths. */
function specificity(route: RouteConfig): number {
  return Object.keys(route.headers).length * 1_000_000 + route.hosts.length * 10_000 + Math.max(...route.paths.map((p) => p.length));
}

function authorizerSettings(config: GatewayConfig, primary: RouteConfig, routes: RouteConfig[], usesHosts: boolean): AuthorizerSettings {
  const { strategies, cache_ttl } = primary.auth;
  const anonymous = strategies.includes('none');
  // The authorizer returns a usage key for every caller, anonymous ones included (first tier), so
  // every method is metered by a usage plan and rate-limited callers can be refused (decision 0007).
  const apiKeyRequired = true;
  let ttl = cache_ttl;
  let ttlReason: string | undefined;
  if (anonymous) {
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
  const identitySources = [
    credential,
    ...(usesHosts ? [IDENTITY_SOURCE.header(FORWARDED_HOST_HEADER)] : []),
    IDENTITY_SOURCE.httpMethod,
    IDENTITY_SOURCE.resourcePath,
  ];
  return { ttl, identitySources, ttlReason, apiKeyRequired };
}

function authSignature(route: RouteConfig): string {
  const { strategies, issuers, scopes, groups, cache_ttl } = route.auth;
  return JSON.stringify([strategies, issuers, scopes, groups, cache_ttl]);
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
