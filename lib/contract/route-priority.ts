/**
 * Owns: route priority, the one rule that decides which of several matching routes serves a
 * request. The route table orders a method's routes by it at synth (./route-table.ts: the
 * method's primary route, whose auth, cache and schema the method carries) and the request-time
 * matcher picks by it (./route-match.ts: the authorizer and the local twin), so the route a
 * method is built for is the route its requests reach.
 *
 * Most important first:
 * 1. more header conditions (the canary condition counts as one);
 * 2. more hosts;
 * 3. the more specific path that serves the request, compared as API Gateway compares REST
 *    resources: segment by segment, a literal beats a `{param}`, which beats a greedy
 *    `{param+}`, which beats the end of a shorter path (a route path is a prefix: `/v1` serves
 *    `/v1/users/42` after `/v1/users` does); equal segments -> the longer text (a trailing slash);
 * 4. config order.
 */
import type { RouteConfig } from '../config/schema';

/**
 * How specific a path segment is: higher beats lower at the same position. An enum, so the
 * bundler inlines the numbers (the authorizer's bundle has a size budget).
 */
export enum SegmentKind { End, Greedy, Param, Literal }

/** A route path split for matching and ranking. */
export interface RoutePath {
  readonly raw: string;
  readonly segments: readonly string[];
  readonly kinds: readonly SegmentKind[];
}

/** What a route's priority is computed from, for one of its paths. */
export interface RouteRank {
  readonly headerConditions: number;
  readonly hosts: number;
  readonly path: RoutePath;
  /** Index in `routes`: the last tie-breaker. */
  readonly order: number;
}

/** `/v1/{id}/{rest+}` -> segments and their kinds. */
export function compileRoutePath(raw: string): RoutePath {
  const segments = splitPath(raw);
  const kinds = segments.map((seg): SegmentKind => (/^\{[^}]+\+\}$/.test(seg) ? SegmentKind.Greedy : /^\{.*\}$/.test(seg) ? SegmentKind.Param : SegmentKind.Literal));
  return { raw, segments, kinds };
}

/** The segments of a path (or a request path, without its query). */
export function splitPath(path: string): string[] {
  return path.split('?')[0].split('/').filter(Boolean);
}

/** The rank of `route` when `path` (one of its paths) serves the request. */
export function routeRank(route: Pick<RouteConfig, 'headers' | 'hosts'>, path: RoutePath, order: number): RouteRank {
  return { headerConditions: Object.keys(route.headers).length, hosts: route.hosts.length, path, order };
}

/** Negative when `a` outranks `b`, positive when `b` does: sorts best first. */
export function compareRouteRanks(a: RouteRank, b: RouteRank): number {
  return (b.headerConditions - a.headerConditions)
    || (b.hosts - a.hosts)
    || comparePathSpecificity(b.path, a.path)
    || (a.order - b.order);
}

/** Positive when `a` is the more specific path, negative when `b` is, 0 when they are alike. */
export function comparePathSpecificity(a: RoutePath, b: RoutePath): number {
  const length = Math.max(a.kinds.length, b.kinds.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.kinds[i] ?? SegmentKind.End) - (b.kinds[i] ?? SegmentKind.End);
    if (diff) return diff;
  }
  return a.raw.length - b.raw.length;
}
