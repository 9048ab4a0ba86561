import { Route, type RouteConfig } from '../../lib/config/schema';
import { compileRouteCandidates, compileRouteMatcher, requestHost, type RouteMatch, type RouteRequest } from '../../lib/contract/route-match';

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

  it('answers the stable and the canary route in one pass, as two separate lookups would', () => {
    const candidates = compileRouteCandidates(ROUTES, { canaryHeader: 'x-canary' });
    const paths = ['/v1/users', '/v1/users/7', '/v2/users', '/v2/users/x', '/v1/orders/1/items', '/admin', '/', '/nope', '/v1/plans'];
    const hostSets: Record<string, string>[] = [{}, { 'X-Forwarded-Host': 'acme.api.example.com' }, { host: 'admin.example.com' }];
    const extras: Record<string, string>[] = [{}, { 'x-beta': 'yes' }, { 'x-canary': 'true' }];
    let checked = 0;
    for (const method of ['GET', 'POST', 'DELETE']) for (const path of paths) for (const hosts of hostSets) for (const extra of extras) {
      const r = req(method, path, { ...hosts, ...extra });
      const both = candidates(r);
      expect([both.stable, both.canary]).toEqual([reference(ROUTES, { ...r, canary: false }), reference(ROUTES, { ...r, canary: true })]);
      checked += 1;
    }
    expect(checked).toBe(243);
  });

  it('gives the stable route as the canary candidate when no route has a canary condition', () => {
    const routes = ROUTES.filter((r) => r.name !== 'api-users-canary');
    const both = compileRouteCandidates(routes, { canaryHeader: 'x-canary' })(req('GET', '/v2/users'));
    expect(both.canary).toBe(both.stable);
    expect(both.stable?.route.name).toBe('api-v2-users');
  });
});

/**
 * The request's host as docs/architecture.md states the rule, written independently of the
 * module: the first X-Forwarded-Host entry (CloudFront's copy of the viewer's Host), else Host;
 * lower case, without port or trailing dot; nothing when it is not a host name.
 */
function referenceHost(headers: RouteRequest['headers']): string | undefined {
  const value = (headers['x-forwarded-host'] ?? headers.host ?? [])[0];
  if (value === undefined) return undefined;
  let host = value.split(',')[0].trim().toLowerCase();
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && /^\d+$/.test(host.slice(colon + 1))) host = host.slice(0, colon);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host.length >= 1 && host.length <= 253 && [...host].every((c) => /[a-z0-9.-]/.test(c)) ? host : undefined;
}

/**
 * How specific a route path is, as API Gateway ranks REST resources: per segment literal (3) >
 * {param} (2) > {param+} (1) > nothing (0, a shorter prefix), then the longer text; compared left to right.
 */
function specificity(path: string): number[] {
  const kinds = path.split('/').filter(Boolean).map((s) => (/^\{.+\+\}$/.test(s) ? 1 : /^\{.+\}$/.test(s) ? 2 : 3));
  return [...kinds, ...new Array(16 - kinds.length).fill(0), path.length];
}

/** The matching rules written out naively (one lookup per canary decision): the spec the compiled matcher must equal. */
function reference(routes: readonly RouteConfig[], r: RouteRequest): RouteMatch | undefined {
  const segments = (p: string) => p.split('?')[0].split('/').filter(Boolean);
  const pathMatches = (routePath: string, request: string[]) => {
    const route = segments(routePath);
    for (let i = 0; i < route.length; i++) {
      if (/^\{[^}]+\+\}$/.test(route[i])) return request.length > i;
      if (i >= request.length) return false;
      if (!route[i].startsWith('{') && route[i] !== request[i]) return false;
    }
    return true;
  };
  const host = referenceHost(r.headers);
  let best: { match: RouteMatch; rank: number[] } | undefined;
  routes.forEach((route, order) => {
    if (!route.methods.includes(r.method as never)) return;
    const conditions = Object.entries(route.headers).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]);
    const canary = conditions.find(([k]) => k === 'x-canary')?.[1];
    const others = conditions.filter(([k]) => k !== 'x-canary');
    if (canary !== undefined && canary !== String(r.canary)) return;
    if (!others.every(([k, v]) => (r.headers[k] ?? []).some((x) => x.trim().toLowerCase() === v))) return;
    let hostMatch: { host: string; label?: string } | undefined;
    if (route.hosts.length > 0) {
      if (!host) return;
      for (const pattern of route.hosts.map((h) => h.toLowerCase())) {
        const label = pattern.startsWith('*.') && host.endsWith(pattern.slice(1)) ? host.slice(0, host.length - pattern.length + 1) : undefined;
        if (pattern === host) hostMatch = { host: pattern };
        else if (label && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) hostMatch = { host: pattern, label };
        if (hostMatch) break;
      }
      if (!hostMatch) return;
    }
    const byRank = (a: number[], b: number[]) => { const i = a.findIndex((v, k) => v !== b[k]); return i < 0 ? 0 : b[i] - a[i]; };
    const path = route.paths.filter((p) => pathMatches(p, segments(r.path))).sort((a, b) => byRank(specificity(a), specificity(b)))[0];
    if (!path) return;
    const rank = [others.length + (canary ? 1 : 0), route.hosts.length, ...specificity(path), -order];
    const diff = best ? rank.findIndex((v, i) => v !== best!.rank[i]) : 0;
    if (!best || (diff >= 0 && rank[diff] > best.rank[diff])) best = { rank, match: { route, path, host: hostMatch?.host, wildcardLabel: hostMatch?.label } };
  });
  return best?.match;
}
