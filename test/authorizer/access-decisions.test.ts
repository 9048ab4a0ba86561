import { Route, type RouteConfig, type TierConfig } from '../../lib/config/schema';
import { REASON } from '../../lib/contract/authorizer-context';
import { checkAccess, decideCanary, requireAccess, stickyBucket, type Identity } from '../../lambdas/authorizer/access';
import { Denied } from '../../lambdas/authorizer/errors';

/**
 * The access decision (lambdas/authorizer/access.ts) on plain data: which credential kinds,
 * issuers, scopes, groups and tenants a route admits, what a refusal says, the RFC 6750 challenge
 * it carries, and the canary percentage boundary.
 */
const tier = { name: 'free', minute: 60, hour: 1000, canary: false } as TierConfig;
const route = (auth: Partial<RouteConfig['auth']>, name = 'orders'): RouteConfig =>
  Route.parse({ name, paths: ['/v1/orders'], service: 'orders', auth: { strategies: ['api_key'], ...auth } });
const identity = (over: Partial<Identity> = {}): Identity => ({
  kind: 'api_key', principal: 'acme', consumer: 'acme', tier, scopes: [], groups: [], canaryAllowed: true, rateKey: 'c:acme', ...over,
});
const denial = (fn: () => void): Denied => {
  try { fn(); } catch (err) { if (err instanceof Denied) return err; throw err; }
  throw new Error('expected a refusal');
};

describe('checkAccess: the credential kind', () => {
  it('refuses a credential kind the route does not list, naming the route and the kind', () => {
    expect(checkAccess(route({ strategies: ['jwt'] }), identity({ kind: 'api_key' }), undefined)).toEqual({
      allowed: false, reason: REASON.credentialNotAccepted, message: 'route orders does not accept api_key credentials',
    });
    expect(checkAccess(route({ strategies: ['api_key', 'mtls'] }), identity({ kind: 'none' }), undefined)).toEqual({
      allowed: false, reason: REASON.credentialNotAccepted, message: 'route orders does not accept none credentials',
    });
  });

  it('admits each kind the route lists', () => {
    const open = route({ strategies: ['jwt', 'api_key', 'mtls', 'none'] });
    for (const kind of ['jwt', 'api_key', 'mtls', 'none'] as const) {
      expect(checkAccess(open, identity({ kind, issuer: kind === 'jwt' ? 'cognito' : undefined }), undefined)).toEqual({ allowed: true });
    }
  });
});

describe('checkAccess: the issuer of a JWT', () => {
  it('admits a token of any issuer on a route that lists none', () => {
    expect(checkAccess(route({ strategies: ['jwt'] }), identity({ kind: 'jwt', issuer: 'partners' }), undefined)).toEqual({ allowed: true });
    expect(checkAccess(route({ strategies: ['jwt'] }), identity({ kind: 'jwt' }), undefined)).toEqual({ allowed: true });
  });

  it('admits a listed issuer and refuses another one, or a token without an issuer name', () => {
    const cognitoOnly = route({ strategies: ['jwt'], issuers: ['cognito'] });
    expect(checkAccess(cognitoOnly, identity({ kind: 'jwt', issuer: 'cognito' }), undefined)).toEqual({ allowed: true });
    const refused = { allowed: false, reason: REASON.issuerNotAccepted, message: 'route orders does not accept tokens from this issuer' };
    expect(checkAccess(cognitoOnly, identity({ kind: 'jwt', issuer: 'partners' }), undefined)).toEqual(refused);
    expect(checkAccess(cognitoOnly, identity({ kind: 'jwt' }), undefined)).toEqual(refused);
  });

  it('does not ask an API key for an issuer on a route that lists issuers for its JWTs', () => {
    expect(checkAccess(route({ strategies: ['jwt', 'api_key'], issuers: ['cognito'] }), identity({ kind: 'api_key' }), undefined)).toEqual({ allowed: true });
  });
});

describe('checkAccess: scopes and groups', () => {
  it('requires every scope and lists all the missing ones, space-separated', () => {
    const scoped = route({ scopes: ['orders/read', 'orders/write', 'orders/admin'] });
    expect(checkAccess(scoped, identity({ scopes: ['orders/write'] }), undefined)).toEqual({
      allowed: false, reason: REASON.insufficientScope, message: 'missing scope: orders/read orders/admin',
    });
    expect(checkAccess(scoped, identity({ scopes: ['orders/admin', 'orders/read', 'orders/write', 'extra'] }), undefined)).toEqual({ allowed: true });
  });

  it('requires one of the groups and lists them comma-separated when none is held', () => {
    const grouped = route({ groups: ['admins', 'support'] });
    expect(checkAccess(grouped, identity({ groups: ['sales'] }), undefined)).toEqual({
      allowed: false, reason: REASON.groupRequired, message: 'requires one of the groups: admins, support',
    });
    expect(checkAccess(grouped, identity({ groups: ['sales', 'support'] }), undefined)).toEqual({ allowed: true });
    expect(checkAccess(route({}), identity({ groups: [] }), undefined)).toEqual({ allowed: true });
  });
});

describe('checkAccess: the tenant of a wildcard host', () => {
  it("admits the tenant's own credential and refuses another tenant's or one without a tenant", () => {
    const refused = { allowed: false, reason: REASON.tenantMismatch, message: 'the credential does not belong to this tenant' };
    expect(checkAccess(route({}), identity({ tenant: 'acme' }), 'acme')).toEqual({ allowed: true });
    expect(checkAccess(route({}), identity({ tenant: 'acme' }), 'globex')).toEqual(refused);
    expect(checkAccess(route({}), identity({}), 'globex')).toEqual(refused);
  });

  it('admits an anonymous caller on an anonymous route of any tenant (there is no credential to belong to one)', () => {
    expect(checkAccess(route({ strategies: ['none'] }), identity({ kind: 'none' }), 'globex')).toEqual({ allowed: true });
  });

  it('asks no tenant on a route without a wildcard host', () => {
    expect(checkAccess(route({}), identity({ tenant: 'acme' }), undefined)).toEqual({ allowed: true });
  });
});

describe('requireAccess: the refusal and its WWW-Authenticate challenge', () => {
  it('puts insufficient_scope on the ApiKey challenge when an API key lacks the scope', () => {
    const denied = denial(() => requireAccess(route({ strategies: ['jwt', 'api_key'], scopes: ['orders/read'] }), identity({ kind: 'api_key' }), undefined, 'x-partner-key'));
    expect({ reason: denied.reason, message: denied.message }).toEqual({ reason: REASON.insufficientScope, message: 'missing scope: orders/read' });
    expect(denied.extra).toStrictEqual({
      wwwAuthenticate: 'Bearer realm="gatehouse", ApiKey realm="gatehouse", header="x-partner-key", error="insufficient_scope", error_description="missing scope: orders/read", scope="orders/read"',
    });
  });

  it('puts insufficient_scope on the Bearer challenge when a JWT lacks the scope', () => {
    const denied = denial(() => requireAccess(route({ strategies: ['jwt', 'api_key'], scopes: ['orders/read'] }), identity({ kind: 'jwt' }), undefined, 'x-api-key'));
    expect(denied.extra).toStrictEqual({
      wwwAuthenticate: 'Bearer realm="gatehouse", error="insufficient_scope", error_description="missing scope: orders/read", scope="orders/read", ApiKey realm="gatehouse", header="x-api-key"',
    });
  });

  it('names no error for an anonymous caller (RFC 6750 3.1), only the challenges of the route', () => {
    const denied = denial(() => requireAccess(route({ strategies: ['none', 'jwt'], scopes: ['orders/read'] }), identity({ kind: 'none' }), undefined, 'x-api-key'));
    expect(denied.extra).toStrictEqual({ wwwAuthenticate: 'Bearer realm="gatehouse"' });
  });

  it('carries no challenge at all where the route has no challenge scheme (mTLS only)', () => {
    const denied = denial(() => requireAccess(route({ strategies: ['mtls'], scopes: ['orders/read'] }), identity({ kind: 'mtls' }), undefined, 'x-api-key'));
    expect(denied.reason).toBe(REASON.insufficientScope);
    expect(denied.extra).toStrictEqual({});
  });

  it('carries no challenge on a refusal other than insufficient_scope', () => {
    const denied = denial(() => requireAccess(route({ strategies: ['jwt'], groups: ['admins'] }), identity({ kind: 'jwt' }), undefined, 'x-api-key'));
    expect({ reason: denied.reason, extra: denied.extra }).toStrictEqual({ reason: REASON.groupRequired, extra: {} });
  });

  it('returns quietly when access is allowed', () => {
    expect(requireAccess(route({ scopes: ['orders/read'] }), identity({ scopes: ['orders/read'] }), undefined, 'x-api-key')).toBeUndefined();
  });
});

describe('decideCanary: the percentage boundary', () => {
  // Buckets 0 .. p*100-1 are in the canary at p %: a consumer exactly on p*100 is not.
  const onBoundary = Array.from({ length: 20_000 }, (_, i) => `tenant-${i}`).find((c) => stickyBucket(c) % 100 === 0 && stickyBucket(c) > 0)!;
  const percentage = stickyBucket(onBoundary) / 100;

  it('keeps a consumer whose bucket equals percentage * 100 out, and takes it in at the next bucket', () => {
    expect(percentage * 100).toBe(stickyBucket(onBoundary));
    expect(decideCanary(identity({ consumer: onBoundary }), undefined, percentage)).toBe(false);
    expect(decideCanary(identity({ consumer: onBoundary }), undefined, percentage + 0.01)).toBe(true);
  });

  it('sends nobody at 0 % or below, and everybody eligible at 100 %', () => {
    const first = Array.from({ length: 20_000 }, (_, i) => `tenant-${i}`).find((c) => stickyBucket(c) === 0);
    for (const c of [onBoundary, ...(first ? [first] : [])]) {
      expect(decideCanary(identity({ consumer: c }), undefined, 0)).toBe(false);
      expect(decideCanary(identity({ consumer: c }), undefined, -5)).toBe(false);
      expect(decideCanary(identity({ consumer: c }), undefined, 100)).toBe(true);
    }
  });
});
