/**
 * Owns: request-time route matching (which route a request reaches), for the authorizer and
 * the local twin; priority comes from ./route-priority.ts.
 */
import type { RouteConfig } from '../config/schema';
import { FORWARDED_HOST_HEADER } from './headers';
import { compareRouteRanks, comparePathSpecificity, compileRoutePath, routeRank, SegmentKind, splitPath, type RoutePath, type RouteRank } from './route-priority';

/**
 * Request-time route matching, shared by the authorizer and the local gateway (Kong semantics),
 * always over the routes of ONE API Gateway method (`routesByMethod` in ./route-table.ts): API
 * Gateway picks the method by path alone, and a request may only reach a route that owns it, so
 * the method's cache, authorizer TTL, schema and integration are that route's
 * (docs/decisions/0014-routes-bound-to-methods.md). Within a method:
 * - paths are prefixes on segment boundaries (`/v1/users` serves `/v1/users/42`, not `/v1/usersx`);
 *   `{param}` matches one segment, `{param+}` the rest;
 * - methods must include the request method;
 * - hosts match `X-Forwarded-Host` (set by CloudFront from the viewer's Host) or else `Host`,
 *   case-insensitively, port ignored; `*.example.com` matches exactly one extra label, like the
 *   wildcard certificate and DNS record that serve it;
 * - header conditions match case-insensitively on name and value, any of a repeated header;
 *   the canary header is never read from the request: it is matched against the authorizer's
 *   canary decision, so a client cannot reach a canary by sending the header;
 * - priority: ./route-priority.ts (header conditions, hosts, the more specific path, config
 *   order), the same rule the route table orders a method's routes by.
 */
export interface RouteRequest {
  readonly method: string;
  readonly path: string;
  /** Header name (lower case) -> values, as received. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  /** The authorizer's canary decision. */
  readonly canary: boolean;
}

export interface RouteMatch {
  readonly route: RouteConfig;
  /** The route path that matched. */
  readonly path: string;
  /** The host pattern that matched, if the route has hosts. */
  readonly host?: string;
  /** The label a `*.` host pattern matched (the tenant for host-based tenants). */
  readonly wildcardLabel?: string;
}

export type RouteMatcher = (request: RouteRequest) => RouteMatch | undefined;

/** The route a request reaches without the canary and with it, from one pass over the routes. */
export interface RouteCandidates {
  /** The match when the authorizer's canary decision is false. */
  readonly stable?: RouteMatch;
  /** The match when it is true (the same as `stable` when no route has a canary condition). */
  readonly canary?: RouteMatch;
}

export type RouteCandidatesMatcher = (request: Omit<RouteRequest, 'canary'>) => RouteCandidates;

interface CompiledRoute {
  readonly route: RouteConfig;
  /** Most specific first: the first path that matches is the one that serves, with its rank. */
  readonly paths: readonly RouteRank[];
  readonly methods: ReadonlySet<string>;
  readonly hosts: readonly string[];
  readonly headers: readonly (readonly [string, string])[];
  /** Which canary decision the route serves: both (no condition), only one, or none (any other value). */
  readonly servesStable: boolean;
  readonly servesCanary: boolean;
}

/**
 * Compiles routes once (at init) into a matcher that answers, in ONE pass, both the route the
 * request reaches with the canary decision false and with it true. Same semantics as
 * {@link compileRouteMatcher} called twice.
 */
export function compileRouteCandidates(routes: readonly RouteConfig[], options: { readonly canaryHeader: string }): RouteCandidatesMatcher {
  const canaryHeader = options.canaryHeader.toLowerCase();
  const compiled: CompiledRoute[] = routes.map((route, order) => {
    const headers = Object.entries(route.headers).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()] as const);
    const canaryCondition = headers.find(([k]) => k === canaryHeader)?.[1];
    const conditions = headers.filter(([k]) => k !== canaryHeader);
    return {
      route,
      paths: route.paths.map(compileRoutePath).sort((a, b) => comparePathSpecificity(b, a)).map((path) => routeRank(route, path, order)),
      methods: new Set<string>(route.methods),
      hosts: route.hosts.map((h) => h.toLowerCase()),
      headers: conditions,
      servesStable: canaryCondition === undefined || canaryCondition === 'false',
      servesCanary: canaryCondition === undefined || canaryCondition === 'true',
    };
  });
  const anyCanaryCondition = compiled.some((c) => !(c.servesStable && c.servesCanary));

  return (request) => {
    const method = request.method.toUpperCase();
    const segments = splitPath(request.path);
    let host: string | undefined | null = null; // null: not read yet (only routes with hosts need it)
    let stable: Best | undefined;
    let canary: Best | undefined;
    for (const c of compiled) {
      if (!c.methods.has(method)) continue;
      if (!c.servesStable && !c.servesCanary) continue;
      if (c.headers.length > 0 && !c.headers.every(([name, value]) => headerHas(request.headers[name], value))) continue;
      let hostMatch: { host: string; label?: string } | undefined;
      if (c.hosts.length > 0) {
        if (host === null) host = requestHost(request.headers);
        if (host === undefined) continue;
        hostMatch = matchHost(c.hosts, host);
        if (!hostMatch) continue;
      }
      const rank = c.paths.find((p) => pathMatches(p.path, segments));
      if (!rank) continue;
      const candidate: Best = { c, rank, hostMatch };
      // Route priority (./route-priority.ts): the candidate serves unless the best so far outranks it.
      if (c.servesStable && (!stable || compareRouteRanks(rank, stable.rank) < 0)) stable = candidate;
      if (c.servesCanary && (!canary || compareRouteRanks(rank, canary.rank) < 0)) canary = candidate;
    }
    const stableMatch = toMatch(stable);
    return { stable: stableMatch, canary: anyCanaryCondition ? toMatch(canary) : stableMatch };
  };
}

/** Compiles routes once (at init); the returned function is cheap per request. */
export function compileRouteMatcher(routes: readonly RouteConfig[], options: { readonly canaryHeader: string }): RouteMatcher {
  const candidates = compileRouteCandidates(routes, options);
  return (request) => {
    const both = candidates(request);
    return request.canary ? both.canary : both.stable;
  };
}

interface Best {
  readonly c: CompiledRoute;
  /** The rank of the route with the path that matched. */
  readonly rank: RouteRank;
  readonly hostMatch?: { host: string; label?: string };
}

function toMatch(best: Best | undefined): RouteMatch | undefined {
  return best && { route: best.c.route, path: best.rank.path.raw, host: best.hostMatch?.host, wildcardLabel: best.hostMatch?.label };
}

function headerHas(values: readonly string[] | undefined, expected: string): boolean {
  if (!values) return false;
  for (const v of values) if (v.trim().toLowerCase() === expected) return true;
  return false;
}

/**
 * Whether any route names the request's host (exactly or by wildcard). Such a host belongs to its
 * host routes: a route without hosts does not serve it, so a tenant host never reaches a route
 * that has no tenant check, and a cached host-less route never computes a tenant's answer.
 */
export function compileHostClaim(routes: readonly Pick<RouteConfig, 'hosts'>[]): (headers: RouteRequest['headers']) => boolean {
  const patterns = [...new Set(routes.flatMap((r) => r.hosts.map((h) => h.toLowerCase())))];
  if (patterns.length === 0) return () => false;
  return (headers) => {
    const host = requestHost(headers);
    return host !== undefined && matchHost(patterns, host) !== undefined;
  };
}

/** `X-Forwarded-Host` (CloudFront sets it from the viewer's Host) or `Host`, lower case, without port. */
export function requestHost(headers: RouteRequest['headers']): string | undefined {
  const raw = headers[FORWARDED_HOST_HEADER.toLowerCase()]?.[0] ?? headers.host?.[0];
  if (raw === undefined) return undefined;
  const host = raw.split(',')[0].trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return /^[a-z0-9.-]{1,253}$/.test(host) ? host : undefined;
}

function matchHost(patterns: readonly string[], host: string): { host: string; label?: string } | undefined {
  for (const p of patterns) {
    if (p === host) return { host: p };
    if (p.startsWith('*.') && host.endsWith(p.slice(1))) {
      const label = host.slice(0, host.length - p.length + 1);
      if (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) return { host: p, label };
    }
  }
  return undefined;
}

function pathMatches(route: RoutePath, request: readonly string[]): boolean {
  const { kinds, segments } = route;
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i] === SegmentKind.Greedy) return request.length > i;
    if (i >= request.length) return false;
    if (kinds[i] === SegmentKind.Literal && segments[i] !== request[i]) return false;
  }
  return true;
}
