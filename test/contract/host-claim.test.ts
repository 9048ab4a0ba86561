import { Route, type RouteConfig } from '../../lib/config/schema';
import { compileHostClaim } from '../../lib/contract/route-match';

/**
 * Which hosts belong to host routes (compileHostClaim, used by the authorizer's requireServed):
 * a route without hosts must not serve a host another route names, so a tenant host never
 * reaches a route without a tenant check.
 */
const route = (r: Record<string, unknown>): RouteConfig => Route.parse({ service: 'svc', paths: ['/'], ...r });
const headers = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), [v]]));

describe('host claim: a host named by a host route belongs to host routes', () => {
  const claimed = compileHostClaim([
    route({ name: 'plain' }),
    route({ name: 'admin', hosts: ['admin.example.com'] }),
    route({ name: 'tenants', hosts: ['*.api.example.com'] }),
    route({ name: 'tenants-again', hosts: ['*.api.example.com'] }),
  ]);

  it.each([
    [{ host: 'admin.example.com' }],
    [{ host: 'ADMIN.example.com:443' }],
    [{ host: 'acme.api.example.com' }],
    [{ 'x-forwarded-host': 'acme.api.example.com', host: 'origin.internal' }],
  ])('claims %j', (h) => {
    expect(claimed(headers(h))).toBe(true);
  });

  it.each([
    [{ host: 'public.example.com' }],
    [{ host: 'evil-admin.example.com' }],
    [{ host: 'api.example.com' }],
    [{ host: 'a.b.api.example.com' }],
    [{ 'x-forwarded-host': 'public.example.com', host: 'admin.example.com' }],
    [{ host: 'bad host' }],
    [{}],
  ])('does not claim %j', (h) => {
    expect(claimed(headers(h))).toBe(false);
  });

  it('claims no host at all when no route has hosts', () => {
    const none = compileHostClaim([route({ name: 'a' }), route({ name: 'b', paths: ['/b'] })]);
    for (const h of [{ host: 'admin.example.com' }, { host: 'anything.example.com' }, {}] as Record<string, string>[]) {
      expect([h, none(headers(h))]).toEqual([h, false]);
    }
  });

  it('claims an exact host with only exact patterns, and no host when none is sent', () => {
    const exact = compileHostClaim([route({ name: 'admin', hosts: ['admin.example.com'] })]);
    expect(exact(headers({ host: 'admin.example.com' }))).toBe(true);
    expect(exact(headers({ host: 'other.example.com' }))).toBe(false);
    expect(exact(headers({}))).toBe(false);
  });
});
