import { parse } from 'yaml';
import { GatewayConfigSchema, Route, type RouteConfig } from '../../lib/config/schema';
import { compareRouteRanks, comparePathSpecificity, compileRoutePath, routeRank } from '../../lib/contract/route-priority';
import { compileRouteMatcher } from '../../lib/contract/route-match';
import { compileRouteTable } from '../../lib/contract/route-table';
import { minimalConfig } from '../support/config-text';

const route = (r: Record<string, unknown>): RouteConfig => Route.parse({ name: 'r', service: 'echo', ...r });
const path = compileRoutePath;
const moreSpecific = (a: string, b: string) => comparePathSpecificity(path(a), path(b)) > 0;
const GET = (p: string) => ({ method: 'GET', path: p, headers: {}, canary: false });

describe('route priority: one rule for the route table and the matcher', () => {
  it('ranks a literal segment over a {param}, a {param} over a greedy {param+}, a greedy over a shorter prefix', () => {
    expect(moreSpecific('/v1/me', '/v1/{id}')).toBe(true);
    expect(moreSpecific('/v1/{id}', '/v1/{rest+}')).toBe(true);
    expect(moreSpecific('/files/{path+}', '/files')).toBe(true);
    expect(moreSpecific('/v1/users', '/v1')).toBe(true);
  });

  it('compares segment by segment, left first: an early literal outranks later ones', () => {
    expect(moreSpecific('/v1/users/{id}', '/v1/{kind}/42')).toBe(true);
  });

  it('breaks a tie of segments by the longer text (a trailing slash)', () => {
    expect(moreSpecific('/v1/users/', '/v1/users')).toBe(true);
    expect(comparePathSpecificity(path('/v1/users'), path('/v1/users'))).toBe(0);
  });

  it('puts header conditions before hosts, hosts before the path, the path before config order', () => {
    const ranked = [
      routeRank(route({ paths: ['/v1/users/{id}'] }), path('/v1/users/{id}'), 0),
      routeRank(route({ paths: ['/'], hosts: ['a.example.com'] }), path('/'), 1),
      routeRank(route({ paths: ['/'], headers: { 'x-beta': 'yes' } }), path('/'), 2),
      routeRank(route({ paths: ['/v1/users/{id}'] }), path('/v1/users/{id}'), 3),
    ];
    expect([...ranked].sort(compareRouteRanks).map((r) => r.order)).toEqual([2, 1, 0, 3]);
  });

  // The two rules this one replaced disagreed here: the matcher compared text lengths, so the
  // longer `/v1/{id}` beat `/v1/me`. API Gateway (and now the matcher) picks the literal.
  it('gives a request for /v1/me to the literal route, whichever path is longer', () => {
    const match = compileRouteMatcher([route({ name: 'by-id', paths: ['/v1/{id}'] }), route({ name: 'me', paths: ['/v1/me'] })], { canaryHeader: 'x-canary' });
    expect(match(GET('/v1/me'))?.route.name).toBe('me');
    expect(match(GET('/v1/42'))?.route.name).toBe('by-id');
  });

  // And here: the route table ranked a route by its longest declared path anywhere, so `long`
  // (which also declares a long path elsewhere) became the method's primary route, whose auth,
  // cache and schema the method carries, while the authorizer sent every request to `first`.
  it('builds a shared method for the route its requests reach: the path that serves the method counts, not a longer one elsewhere', () => {
    const config = GatewayConfigSchema.parse(parse(minimalConfig({
      routes: [
        { name: 'first', paths: ['/v1/a'], service: 'echo' },
        { name: 'long', paths: ['/v1/a', '/v1/a-much-longer-path'], service: 'echo' },
      ],
    })));
    const method = compileRouteTable(config).find((m) => m.resourcePath === '/v1/a' && m.httpMethod === 'GET')!;
    expect(method.routes.map((r) => r.name)).toEqual(['first', 'long']);
    expect(method.primary.name).toBe('first');
    const reached = compileRouteMatcher(method.routes, { canaryHeader: 'x-canary' })(GET('/v1/a'));
    expect(reached?.route.name).toBe('first');
  });

  it('orders every method of a mixed table as the matcher picks among its routes', () => {
    const config = GatewayConfigSchema.parse(parse(minimalConfig({
      routes: [
        { name: 'users', paths: ['/v1/users', '/v1/users/'], service: 'echo' },
        { name: 'users-beta', paths: ['/v1/users'], headers: { 'x-beta': 'yes' }, service: 'echo' },
        { name: 'tenant', paths: ['/v1/users'], hosts: ['*.api.example.com'], service: 'echo' },
        { name: 'all', paths: ['/', '/v1/users/{id}'], service: 'echo' },
      ],
    })));
    for (const method of compileRouteTable(config)) {
      const match = compileRouteMatcher(method.routes, { canaryHeader: 'x-canary' });
      const request = method.resourcePath.replace(/\{proxy\+\}/, 'x/y').replace(/\{[^}]+\}/g, '7');
      expect([method.resourcePath, match(GET(request))?.route.name]).toEqual([method.resourcePath, method.primary.name]);
    }
  });
});
