import { Route, type RouteConfig } from '../../lib/config/schema';
import { compileRouteCandidates, compileRouteMatcher, requestHost, type RouteRequest } from '../../lib/contract/route-match';

/**
 * Route matching conditions at their boundaries: canary conditions of each value, a trailing
 * {param} that has no segment to match, header values with optional whitespace, what is a port
 * in a host, and one-character tenant labels.
 */
const route = (r: Record<string, unknown>): RouteConfig => Route.parse({ service: 'svc', ...r });
const req = (path: string, headers: Record<string, string> = {}, canary = false): RouteRequest => ({
  method: 'GET', path, canary,
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]])),
});
const matcher = (routes: RouteConfig[]) => {
  const m = compileRouteMatcher(routes, { canaryHeader: 'X-Canary' });
  return (r: RouteRequest) => m(r)?.route.name;
};

describe('route matching: canary conditions', () => {
  const routes = [
    route({ name: 'base', paths: ['/a'] }),
    route({ name: 'stable-only', paths: ['/a'], headers: { 'x-canary': 'false' } }),
    route({ name: 'base-b', paths: ['/b'] }),
    route({ name: 'canary-only', paths: ['/b'], headers: { 'X-Canary': 'TRUE' } }),
    route({ name: 'base-c', paths: ['/c'] }),
    route({ name: 'neither', paths: ['/c'], headers: { 'x-canary': 'yes' } }),
  ];
  const name = matcher(routes);

  it('serves a route with the canary condition "false" only when the canary decision is false', () => {
    expect(name(req('/a', {}, false))).toBe('stable-only');
    expect(name(req('/a', {}, true))).toBe('base');
  });

  it('serves a route with the canary condition "true" (any case) only when the canary decision is true', () => {
    expect(name(req('/b', {}, true))).toBe('canary-only');
    expect(name(req('/b', {}, false))).toBe('base-b');
  });

  it('never serves a route whose canary condition is neither "true" nor "false"', () => {
    expect(name(req('/c', {}, false))).toBe('base-c');
    expect(name(req('/c', {}, true))).toBe('base-c');
    expect(name(req('/c', { 'x-canary': 'yes' }, true))).toBe('base-c');
    expect(matcher([routes[5]])(req('/c', { 'x-canary': 'yes' }, true))).toBeUndefined();
  });

  it('answers both candidates in one pass, each from the routes serving its decision', () => {
    const candidates = compileRouteCandidates(routes, { canaryHeader: 'x-canary' });
    const names = (path: string) => { const c = candidates(req(path)); return [c.stable?.route.name, c.canary?.route.name]; };
    expect(names('/a')).toEqual(['stable-only', 'base']);
    expect(names('/b')).toEqual(['base-b', 'canary-only']);
    expect(names('/c')).toEqual(['base-c', 'base-c']);
  });
});

describe('route matching: paths', () => {
  it('does not serve a request that stops before a trailing {param}', () => {
    const name = matcher([route({ name: 'user', paths: ['/v1/users/{id}'] })]);
    expect(name(req('/v1/users/42'))).toBe('user');
    expect(name(req('/v1/users/42/orders'))).toBe('user');
    expect(name(req('/v1/users'))).toBeUndefined();
    expect(name(req('/v1/users/'))).toBeUndefined();
    expect(name(req('/v1'))).toBeUndefined();
  });
});

describe('route matching: header conditions', () => {
  it('ignores the optional whitespace around a header value (RFC 9110 field values)', () => {
    const name = matcher([route({ name: 'beta', paths: ['/a'], headers: { 'x-beta': 'yes' } }), route({ name: 'plain', paths: ['/a'] })]);
    expect(name(req('/a', { 'x-beta': '  Yes\t' }))).toBe('beta');
    expect(name(req('/a', { 'x-beta': 'y es' }))).toBe('plain');
  });
});

describe('route matching: hosts', () => {
  const name = matcher([route({ name: 'admin', paths: ['/'], hosts: ['admin.example.com'] }), route({ name: 'tenant', paths: ['/'], hosts: ['*.api.example.com'] }), route({ name: 'public', paths: ['/'] })]);

  it('drops a port only at the end of the host: a colon inside makes the host unreadable', () => {
    expect(name(req('/', { host: 'admin.example.com:8443' }))).toBe('admin');
    expect(requestHost(req('/', { host: 'admin:443.example.com' }).headers)).toBeUndefined();
    expect(name(req('/', { host: 'admin:443.example.com' }))).toBe('public');
    expect(requestHost(req('/', { host: 'admin.example.com:80:81' }).headers)).toBeUndefined();
  });

  it('ignores whitespace around the first X-Forwarded-Host entry', () => {
    expect(requestHost(req('/', { 'x-forwarded-host': ' acme.api.example.com , other.example.com' }).headers)).toBe('acme.api.example.com');
    expect(requestHost(req('/', { host: '\tadmin.example.com ' }).headers)).toBe('admin.example.com');
    expect(name(req('/', { 'x-forwarded-host': ' admin.example.com ' }))).toBe('admin');
  });

  it('matches a wildcard on one DNS label of 1 to 63 characters', () => {
    const m = compileRouteMatcher([route({ name: 'tenant', paths: ['/'], hosts: ['*.api.example.com'] })], { canaryHeader: 'x-canary' });
    expect(m(req('/', { host: 'a.api.example.com' }))).toMatchObject({ route: { name: 'tenant' }, host: '*.api.example.com', wildcardLabel: 'a' });
    expect(m(req('/', { host: '7.api.example.com' }))?.wildcardLabel).toBe('7');
    expect(m(req('/', { host: `${'a'.repeat(63)}.api.example.com` }))?.wildcardLabel).toBe('a'.repeat(63));
    expect(m(req('/', { host: `${'a'.repeat(64)}.api.example.com` }))).toBeUndefined();
    expect(m(req('/', { host: '-a.api.example.com' }))).toBeUndefined();
    expect(m(req('/', { host: 'a-.api.example.com' }))).toBeUndefined();
    expect(m(req('/', { host: 'a-b.api.example.com' }))?.wildcardLabel).toBe('a-b');
  });

  it('reports the exact host pattern that matched, without a label', () => {
    const m = compileRouteMatcher([route({ name: 'admin', paths: ['/'], hosts: ['admin.example.com'] })], { canaryHeader: 'x-canary' });
    const match = m(req('/', { host: 'Admin.Example.com' }));
    expect(match).toMatchObject({ host: 'admin.example.com', path: '/' });
    expect(match?.wildcardLabel).toBeUndefined();
  });
});
