import type { RouteConfig } from '../config/schema';
import { FORWARDED_HOST_HEADER } from './headers';

/**
 * Request-time route matching, shared by the authorizer and the local gateway (Kong semantics):
 * - paths are prefixes on segment boundaries (`/v1/users` serves `/v1/users/42`, not `/v1/usersx`);
 *   `{param}` matches one segment, `{param+}` the rest;
 * - methods must include the request method;
 * - hosts match `X-Forwarded-Host` (set by CloudFront from the viewer's Host) or else `Host`,
 *   case-insensitively, port ignored; `*.example.com` matches exactly one extra label, like the
 *   wildcard certificate and DNS record that serve it;
 * - header conditions match case-insensitively on name and value, any of a repeated header;
 *   the canary header is never read from the request: it is matched against the authorizer's
 *   canary decision, so a client cannot reach a canary by sending the header;
 * - priority: more header conditions, then more hosts, then the longer path, then config order.
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

interface CompiledRoute {
  readonly route: RouteConfig;
  readonly order: number;
  readonly paths: readonly { readonly raw: string; readonly segments: readonly string[] }[];
  readonly methods: ReadonlySet<string>;
  readonly hosts: readonly string[];
  readonly headers: readonly (readonly [string, string])[];
  readonly canaryCondition?: string;
}

/** Compiles routes once (at init); the returned function is cheap per request. */
export function compileRouteMatcher(routes: readonly RouteConfig[], options: { readonly canaryHeader: string }): RouteMatcher {
  const canaryHeader = options.canaryHeader.toLowerCase();
  const compiled: CompiledRoute[] = routes.map((route, order) => {
    const headers = Object.entries(route.headers).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()] as const);
    return {
      route,
      order,
      paths: route.paths.map((raw) => ({ raw, segments: splitPath(raw) })),
      methods: new Set(route.methods),
      hosts: route.hosts.map((h) => h.toLowerCase()),
      headers: headers.filter(([k]) => k !== canaryHeader),
      canaryCondition: headers.find(([k]) => k === canaryHeader)?.[1],
    };
  });

  return (request) => {
    const method = request.method.toUpperCase();
    const segments = splitPath(request.path);
    const host = requestHost(request.headers);
    let best: { match: RouteMatch; rank: [number, number, number, number] } | undefined;
    for (const c of compiled) {
      if (!c.methods.has(method as never)) continue;
      if (c.canaryCondition !== undefined && c.canaryCondition !== String(request.canary)) continue;
      if (!c.headers.every(([name, value]) => (request.headers[name] ?? []).some((v) => v.trim().toLowerCase() === value))) continue;
      let hostMatch: { host: string; label?: string } | undefined;
      if (c.hosts.length > 0) {
        if (host === undefined) continue;
        hostMatch = matchHost(c.hosts, host);
        if (!hostMatch) continue;
      }
      const path = c.paths.filter((p) => pathMatches(p.segments, segments)).sort((a, b) => b.raw.length - a.raw.length)[0];
      if (!path) continue;
      const rank: [number, number, number, number] = [c.headers.length + (c.canaryCondition ? 1 : 0), c.hosts.length, path.raw.length, -c.order];
      if (!best || compareRank(rank, best.rank) > 0) {
        best = { rank, match: { route: c.route, path: path.raw, host: hostMatch?.host, wildcardLabel: hostMatch?.label } };
      }
    }
    return best?.match;
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

function splitPath(path: string): string[] {
  return path.split('?')[0].split('/').filter((s) => s.length > 0);
}

function pathMatches(route: readonly string[], request: readonly string[]): boolean {
  for (let i = 0; i < route.length; i++) {
    const seg = route[i];
    if (/^\{[^}]+\+\}$/.test(seg)) return request.length > i;
    if (i >= request.length) return false;
    if (seg.startsWith('{') && seg.endsWith('}')) continue;
    if (seg !== request[i]) return false;
  }
  return true;
}

function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
