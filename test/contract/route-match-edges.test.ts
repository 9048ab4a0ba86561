import { Route, type RouteConfig } from '../../lib/config/schema';
import { compileRouteMatcher, requestHost, type RouteRequest } from '../../lib/contract/route-match';

const route = (r: Record<string, unknown>): RouteConfig => Route.parse({ service: 'svc', ...r });
const req = (path: string, headers: Record<string, string> = {}): RouteRequest => ({
  method: 'GET', path, canary: false,
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]])),
});
const matcher = (routes: RouteConfig[]) => {
  const m = compileRouteMatcher(routes, { canaryHeader: 'x-canary' });
  return (r: RouteRequest) => m(r)?.route.name;
};

describe('route matching: the edges a security review cares about', () => {
  it('matches an exact host exactly: no suffix, no subdomain, no look-alike reaches it', () => {
    const name = matcher([route({ name: 'admin', paths: ['/'], hosts: ['admin.example.com'] }), route({ name: 'public', paths: ['/'] })]);
    expect(name(req('/x', { host: 'admin.example.com' }))).toBe('admin');
    for (const host of ['evil-admin.example.com', 'xadmin.example.com', 'a.admin.example.com', 'admin.example.com.evil.net', 'admin-example.com']) {
      expect([host, name(req('/x', { host }))]).toEqual([host, 'public']);
    }
  });

  it('requires every header condition of a route, each on its own header', () => {
    const name = matcher([route({ name: 'both', paths: ['/a'], headers: { 'x-a': '1', 'x-b': '2' } }), route({ name: 'plain', paths: ['/a'] })]);
    expect(name(req('/a', { 'x-a': '1', 'x-b': '2' }))).toBe('both');
    expect(name(req('/a', { 'x-a': '1' }))).toBe('plain');
    expect(name(req('/a', { 'x-b': '2' }))).toBe('plain');
    expect(name(req('/a', { 'x-a': '1', 'x-b': '1' }))).toBe('plain');
    expect(name(req('/a', { 'x-a': '2', 'x-b': '1' }))).toBe('plain');
  });

  it('matches a greedy {param+} segment only with at least one segment in its place', () => {
    const name = matcher([route({ name: 'files', paths: ['/files/{path+}'] })]);
    expect(name(req('/files/a'))).toBe('files');
    expect(name(req('/files/a/b/c.txt'))).toBe('files');
    expect(name(req('/files'))).toBeUndefined();
    expect(name(req('/files/'))).toBeUndefined();
  });

  it('prefers the longer matching path, across routes and within one route', () => {
    const routes = [route({ name: 'short', paths: ['/v1'] }), route({ name: 'long', paths: ['/v1/users'] })];
    const name = matcher(routes);
    expect(name(req('/v1/users/42'))).toBe('long');
    expect(name(req('/v1/other'))).toBe('short');
    const m = compileRouteMatcher([route({ name: 'one', paths: ['/v1', '/v1/users/{id}'] })], { canaryHeader: 'x-canary' });
    expect(m(req('/v1/users/7'))?.path).toBe('/v1/users/{id}');
    expect(m(req('/v1/x'))?.path).toBe('/v1');
  });

  it.each([
    [{ host: 'Example.COM.' }, 'example.com'],
    [{ host: 'api.example.com:8443' }, 'api.example.com'],
    [{ 'x-forwarded-host': 'a.example.com, b.example.com', host: 'origin.internal' }, 'a.example.com'],
    [{ 'x-forwarded-host': 'viewer.example.com', host: 'origin.internal' }, 'viewer.example.com'],
    [{ host: 'bad host' }, undefined],
    [{ host: 'a/b.example.com' }, undefined],
    [{ host: 'é.example.com' }, undefined],
    [{}, undefined],
  ])('reads the request host from %j as %s', (headers, host) => {
    expect(requestHost(req('/', headers).headers)).toBe(host);
  });
});
