import { Route, type RouteConfig } from '../../lib/config/schema';
import { compareRouteRanks, comparePathSpecificity, compileRoutePath, routeRank, SegmentKind } from '../../lib/contract/route-priority';
import { compileRouteMatcher, type RouteRequest } from '../../lib/contract/route-match';

/**
 * The route priority rule (lib/contract/route-priority.ts, docs/decisions/0021-one-route-priority.md)
 * at its edges: what makes a segment a parameter, how paths of different lengths compare, and
 * config order as the last tie-breaker, in both directions of the comparator.
 */
const route = (r: Record<string, unknown>): RouteConfig => Route.parse({ service: 'svc', ...r });
const spec = (a: string, b: string) => Math.sign(comparePathSpecificity(compileRoutePath(a), compileRoutePath(b)));
const GET = (path: string): RouteRequest => ({ method: 'GET', path, headers: {}, canary: false });
const reached = (routes: RouteConfig[], path: string) => compileRouteMatcher(routes, { canaryHeader: 'x-canary' })(GET(path));

describe('route priority: what a path segment is', () => {
  it.each([
    ['users', SegmentKind.Literal],
    ['{id}', SegmentKind.Param],
    ['{rest+}', SegmentKind.Greedy],
    // Braces that do not enclose the whole segment are literal text, never a wildcard.
    ['x{id}', SegmentKind.Literal],
    ['{id}x', SegmentKind.Literal],
    ['x{rest+}', SegmentKind.Literal],
    ['{rest+}x', SegmentKind.Literal],
  ])('reads the segment %s as kind %s', (segment, kind) => {
    expect(compileRoutePath(`/v1/${segment}`).kinds).toEqual([SegmentKind.Literal, kind]);
  });

  it('never lets a segment with partial braces serve other text: x{id} serves only the request segment "x{id}"', () => {
    const routes = [route({ name: 'partial', paths: ['/files/x{id}', '/files/{id}x', '/files/x{p+}', '/files/{p+}x'] })];
    for (const path of ['/files/x42', '/files/42x', '/files/xa/b', '/files/a/bx', '/files/a']) {
      expect([path, reached(routes, path)]).toEqual([path, undefined]);
    }
    expect(reached(routes, '/files/x{id}')?.path).toBe('/files/x{id}');
  });
});

describe('route priority: comparing two paths', () => {
  it('is antisymmetric: the less specific path compares negative, alike paths compare 0', () => {
    expect(spec('/v1/{id}', '/v1/me')).toBe(-1);
    expect(spec('/v1/me', '/v1/{id}')).toBe(1);
    expect(spec('/v1/{rest+}', '/v1/{id}')).toBe(-1);
    expect(spec('/v1', '/v1/users')).toBe(-1);
    expect(spec('/v1/users', '/v1/users/')).toBe(-1);
    expect(spec('/v1/users/', '/v1/users')).toBe(1);
    expect(spec('/v1/{a}', '/v1/{b}')).toBe(0);
  });

  it('ranks a path with more segments over a shorter prefix, whatever the lengths of their texts', () => {
    expect(spec('/{a}/{b}', '/{customer_identifier}')).toBe(1);
    expect(spec('/{customer_identifier}', '/{a}/{b}')).toBe(-1);
    expect(spec('/v1/{a}/b', '/v1/{customer_identifier}')).toBe(1);
    const routes = [route({ name: 'one-level', paths: ['/{customer_identifier}'] }), route({ name: 'two-levels', paths: ['/{a}/{b}'] })];
    expect(reached(routes, '/x/y')?.route.name).toBe('two-levels');
    expect(reached(routes, '/x')?.route.name).toBe('one-level');
  });

  it('compares the first differing segment, not only the last ones: a literal early outranks a longer tail', () => {
    expect(spec('/v1/users', '/{api}/users/{id}/items')).toBe(1);
  });
});

describe('route priority: config order breaks the last tie', () => {
  const same = route({ name: 'same', paths: ['/a'] });
  const rank = (order: number) => routeRank(same, compileRoutePath('/a'), order);

  it('puts the earlier route first and the later route last, in both argument orders', () => {
    expect(compareRouteRanks(rank(0), rank(1))).toBeLessThan(0);
    expect(compareRouteRanks(rank(1), rank(0))).toBeGreaterThan(0);
    expect(compareRouteRanks(rank(3), rank(1))).toBeGreaterThan(0);
    expect(compareRouteRanks(rank(2), rank(2))).toBe(0);
  });

  it('sorts identical routes into config order whatever order they come in', () => {
    const shuffled = [3, 0, 2, 4, 1].map(rank);
    expect(shuffled.sort(compareRouteRanks).map((r) => r.order)).toEqual([0, 1, 2, 3, 4]);
  });

  it('decides only after conditions, hosts and the path are alike', () => {
    const later = routeRank(route({ name: 'hosted', paths: ['/a'], hosts: ['a.example.com'] }), compileRoutePath('/a'), 9);
    expect(compareRouteRanks(later, rank(0))).toBeLessThan(0);
    const longer = routeRank(same, compileRoutePath('/a/'), 9);
    expect(compareRouteRanks(longer, rank(0))).toBeLessThan(0);
  });
});
