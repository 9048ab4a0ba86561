import { Route, type RouteConfig } from '../../lib/config/schema';
import { compileRouteMatcher, requestHost, type RouteRequest } from '../../lib/gateway/route-match';

const route = (r: Record<string, unknown>): RouteConfig => Route.parse({ service: 'svc', ...r });
const ROUTES = [
  route({ name: 'api-v1-users', paths: ['/v1/users'], methods: ['GET', 'POST'] }),
  route({ name: 'api-v2-users', paths: ['/v2/users'], methods: ['GET', 'POST'] }),
  route({ name: 'api-users-canary', paths: ['/v2/users'], methods: ['GET', 'POST'], headers: { 'x-canary': 'true' } }),
  route({ name: 'tenant-api', paths: ['/'], hosts: ['*.api.example.com'], methods: ['GET', 'POST', 'PUT', 'DELETE'] }),
  route({ name: 'plans', paths: ['/v1/plans'] }),
  route({ name: 'beta', paths: ['/v1/users'], headers: { 'X-Beta': 'Yes' } }),
  route({ name: 'orders', paths: ['/v1/orders/{id}/items'] }),
  route({ name: 'admin', paths: ['/admin'], hosts: ['admin.example.com'] }),
];
const match = compileRouteMatcher(ROUTES, { canaryHeader: 'x-canary' });
const req = (method: string, path: string, headers: Record<string, string | string[]> = {}, canary = false): RouteRequest => ({
  method, path, canary,
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]])),
});
const name = (r: RouteRequest) => match(r)?.route.name;

describe('route matching (Kong semantics)', () => {
  it('matches a path prefix on segment boundaries only', () => {
    expect(name(req('GET', '/v1/users'))).toBe('api-v1-users');
    expect(name(req('GET', '/v1/users/'))).toBe('api-v1-users');
    expect(name(req('GET', '/v1/users/42/orders'))).toBe('api-v1-users');
    expect(name(req('GET', '/v1/usersx'))).toBeUndefined();
    expect(name(req('GET', '/v1'))).toBeUndefined();
  });

  it('requires the method', () => {
    expect(name(req('POST', '/v1/plans'))).toBeUndefined();
    expect(name(req('DELETE', '/v1/users'))).toBeUndefined();
  });

  it('matches {param} segments', () => {
    expect(name(req('GET', '/v1/orders/7/items'))).toBe('orders');
    expect(name(req('GET', '/v1/orders/7'))).toBeUndefined();
  });

  it('matches *. hosts on exactly one label from X-Forwarded-Host, before Host', () => {
    expect(match(req('GET', '/anything', { 'X-Forwarded-Host': 'acme.api.example.com', Host: 'origin.example.com' }))).toMatchObject({ route: { name: 'tenant-api' }, wildcardLabel: 'acme' });
    expect(name(req('GET', '/v1/users', { Host: 'ACME.api.example.com:443' }))).toBe('tenant-api');
    expect(name(req('GET', '/x', { host: 'a.b.api.example.com' }))).toBeUndefined();
    expect(name(req('GET', '/x', { host: 'api.example.com' }))).toBeUndefined();
    expect(name(req('GET', '/x', { host: 'evilapi.example.com' }))).toBeUndefined();
  });

  it('prefers a route with hosts over a longer path without', () => {
    expect(name(req('GET', '/v1/users/1', { 'x-forwarded-host': 'acme.api.example.com' }))).toBe('tenant-api');
  });

  it('matches exact hosts and ignores routes with hosts when no host is sent', () => {
    expect(name(req('GET', '/admin', { host: 'admin.example.com' }))).toBe('admin');
    expect(name(req('GET', '/admin'))).toBeUndefined();
  });

  it('prefers more header conditions, matching name and value case-insensitively, any repeated value', () => {
    expect(name(req('GET', '/v1/users', { 'x-beta': 'yes' }))).toBe('beta');
    expect(name(req('GET', '/v1/users', { 'X-BETA': ['no', 'YES'] }))).toBe('beta');
    expect(name(req('GET', '/v1/users', { 'x-beta': 'no' }))).toBe('api-v1-users');
    expect(name(req('POST', '/v1/users', { 'x-beta': 'yes' }))).toBe('api-v1-users');
  });

  it('matches the canary header against the canary decision, never the client header', () => {
    expect(name(req('GET', '/v2/users', { 'x-canary': 'true' }, false))).toBe('api-v2-users');
    expect(name(req('GET', '/v2/users', {}, true))).toBe('api-users-canary');
    expect(name(req('GET', '/v1/users', {}, true))).toBe('api-v1-users');
  });

  it('breaks ties by config order', () => {
    const m = compileRouteMatcher([route({ name: 'first', paths: ['/a'] }), route({ name: 'second', paths: ['/a'] })], { canaryHeader: 'x-canary' });
    expect(m(req('GET', '/a/b'))?.route.name).toBe('first');
  });

  it('reads the host defensively', () => {
    expect(requestHost({ host: ['Example.COM.'] })).toBe('example.com');
    expect(requestHost({ 'x-forwarded-host': ['a.example.com, b.example.com'] })).toBe('a.example.com');
    expect(requestHost({ host: ['bad host/..'] })).toBeUndefined();
    expect(requestHost({})).toBeUndefined();
  });
});
