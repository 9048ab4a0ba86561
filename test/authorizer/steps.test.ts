import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { Route, type RouteConfig, type TierConfig } from '../../lib/config/schema';
import { REASON, type Reason } from '../../lib/contract/authorizer-context';
import type { RouteMatch } from '../../lib/contract/route-match';
import { RATE_LIMITED_USAGE_KEY } from '../../lib/contract/usage-keys';
import type { RateLimitDecision, RateLimiter, RateLimitRequest } from '../../lib/rate-limit/rate-limiter';
import { requireAccess, type Identity } from '../../lambdas/authorizer/access';
import { jwtIdentity } from '../../lambdas/authorizer/authenticate-jwt';
import { buildAuthorizer } from '../../lambdas/authorizer/build-authorizer';
import { anonymousIdentity, checkIp, recordIdentity } from '../../lambdas/authorizer/consumer-identity';
import type { ConsumerRecord, ConsumerStore } from '../../lambdas/authorizer/consumer-store';
import { AuthenticationError, Denied } from '../../lambdas/authorizer/errors';
import { createLimit, quotaResetSeconds } from '../../lambdas/authorizer/limit';
import type { Outcome } from '../../lambdas/authorizer/outcome';
import { deniedPolicy, limitedPolicy } from '../../lambdas/authorizer/policy';
import { readRequest } from '../../lambdas/authorizer/request';
import { compileRouting, onMtlsDomain, requireServed, type Candidates } from '../../lambdas/authorizer/routing';
import { COGNITO, type TokenVerifier } from '../../lambdas/authorizer/token-verifier';
import { requestEvent } from './events';
import { API_KEYS, consumers, testConfig } from './fixtures';

/** Each step of lambdas/authorizer/authorizer.ts on its own, with plain data (authorizer.test.ts runs them together). */
const config = testConfig('https://partners.example.com');
const free: TierConfig = config.tiers[0];
const enterprise = config.tiers.find((t) => t.name === 'enterprise')!;
const route = (over: Omit<Partial<RouteConfig>, 'auth'> & { auth?: Partial<RouteConfig['auth']> } = {}): RouteConfig =>
  Route.parse({ name: 'r', paths: ['/r'], service: 'user-service-v1', ...over, auth: { strategies: ['api_key'], ...over.auth } });
const match = (r: RouteConfig, wildcardLabel?: string): RouteMatch => ({ route: r, path: r.paths[0], wildcardLabel });
const identity = (over: Partial<Identity> = {}): Identity => ({
  kind: 'api_key', principal: 'acme', consumer: 'acme', tier: free, scopes: [], groups: [], canaryAllowed: false, rateKey: 'c:acme', ...over,
});
const record = (over: Partial<ConsumerRecord> = {}): ConsumerRecord => ({ consumer: 'acme', status: 'active', allowedCidrs: [], canary: false, ...over });
const reasonOf = (fn: () => unknown): { error: string; reason: Reason } | undefined => {
  try { fn(); } catch (err) { return { error: (err as Error).name, reason: (err as Denied).reason }; }
  return undefined;
};

describe('route step', () => {
  const candidates = compileRouting({ ...config, mtlsDomain: 'mtls.api.example.com' });
  const facts = (event: APIGatewayRequestAuthorizerEvent) => readRequest(event);

  it('tells the mTLS domain by the domain API Gateway received the request on, in any case', () => {
    const on = requestEvent();
    on.requestContext.domainName = 'MTLS.api.example.com';
    expect(onMtlsDomain('mtls.api.example.com', on)).toBe(true);
    expect(onMtlsDomain('mtls.api.example.com', requestEvent())).toBe(false);
    expect(onMtlsDomain(undefined, on)).toBe(false);
  });

  it('refuses the mTLS domain without a client certificate before any route is matched (401 cert_missing)', () => {
    const event = requestEvent();
    event.requestContext.domainName = 'mtls.api.example.com';
    expect(reasonOf(() => candidates(event, facts(event)))).toEqual({ error: 'AuthenticationError', reason: 'cert_missing' });
  });

  it('gives the stable route as the one that authenticates, and no_route for a method no route owns', () => {
    const event = requestEvent({ path: '/v1/users' });
    const got = candidates(event, facts(event));
    expect(got.auth.route.name).toBe('api-v1-users');
    expect(got.auth).toBe(got.stable);
    expect(got.mtlsDomain).toBe(false);
    const unowned = requestEvent({ path: '/nowhere', resource: '/nowhere' });
    expect(reasonOf(() => candidates(unowned, facts(unowned)))).toEqual({ error: 'Denied', reason: 'no_route' });
  });

  it('serves a route without hosts only on a host no other route claims, and only mtls routes on the mTLS domain', () => {
    const event = requestEvent();
    const of = (over: Partial<Candidates>): Candidates => ({ auth: match(route()), mtlsDomain: false, hostClaimed: () => false, ...over });
    expect(reasonOf(() => requireServed(match(route()), of({}), facts(event)))).toBeUndefined();
    expect(reasonOf(() => requireServed(undefined, of({}), facts(event)))).toEqual({ error: 'Denied', reason: 'no_route' });
    expect(reasonOf(() => requireServed(match(route()), of({ hostClaimed: () => true }), facts(event)))).toEqual({ error: 'Denied', reason: 'no_route' });
    expect(reasonOf(() => requireServed(match(route({ hosts: ['*.api.example.com'] })), of({ hostClaimed: () => true }), facts(event)))).toBeUndefined();
    expect(reasonOf(() => requireServed(match(route()), of({ mtlsDomain: true }), facts(event)))).toEqual({ error: 'Denied', reason: 'no_route' });
    expect(reasonOf(() => requireServed(match(route({ auth: { strategies: ['mtls'] } })), of({ mtlsDomain: true }), facts(event)))).toBeUndefined();
  });
});

describe('authenticate step: identities from records, tokens and nobody', () => {
  it('makes a record its consumer, on the record tier (the default tier when unknown)', () => {
    expect(recordIdentity('mtls', record({ tier: 'enterprise', tenant: 'acme', canary: true, usageKey: 'k' }), config.tiers, '203.0.113.10')).toEqual({
      kind: 'mtls', principal: 'acme', consumer: 'acme', tenant: 'acme', tier: enterprise, scopes: [], groups: [], canaryAllowed: true, rateKey: 'c:acme', usageKey: 'k',
    });
    expect(recordIdentity('api_key', record({ tier: 'gold' }), config.tiers, undefined).tier).toBe(free);
  });

  it('answers a revoked API key like an unknown one (401) and a revoked certificate with a Deny', () => {
    expect(reasonOf(() => recordIdentity('api_key', record({ status: 'revoked' }), config.tiers, undefined))).toEqual({ error: 'AuthenticationError', reason: 'api_key_revoked' });
    expect(reasonOf(() => recordIdentity('mtls', record({ status: 'revoked' }), config.tiers, undefined))).toEqual({ error: 'Denied', reason: 'revoked' });
  });

  it('refuses a call from outside the allowlist: 401 for an API key, a Deny otherwise', () => {
    const office = record({ allowedCidrs: ['198.51.100.0/24'] });
    expect(reasonOf(() => checkIp(office, '198.51.100.7', 'api_key'))).toBeUndefined();
    expect(reasonOf(() => checkIp(office, '203.0.113.10', 'api_key'))).toEqual({ error: 'AuthenticationError', reason: 'ip_not_allowed' });
    expect(reasonOf(() => checkIp(office, undefined, 'jwt'))).toEqual({ error: 'Denied', reason: 'ip_not_allowed' });
  });

  it('buckets an anonymous caller by a hash of its IP, never the IP itself', () => {
    const a = anonymousIdentity(free, '203.0.113.10');
    expect(a).toMatchObject({ kind: 'none', principal: 'anonymous', consumer: 'anonymous', tier: free });
    expect(a.rateKey).toMatch(/^ip:[0-9a-f]{24}$/);
    expect(a.rateKey).not.toContain('203.0.113.10');
    expect(anonymousIdentity(free, '203.0.113.10').rateKey).toBe(a.rateKey);
    expect(anonymousIdentity(free, undefined).rateKey).not.toBe(a.rateKey);
  });

  it("gives a user's token the user's own bucket unless the client's users share one", () => {
    const payload = { sub: 'user-1', client_id: 'app-1', scope: 'a b' };
    const own = jwtIdentity(config, COGNITO, payload, undefined, 'app-1', undefined, 'pro', false);
    expect(own).toMatchObject({ kind: 'jwt', issuer: COGNITO, principal: 'user-1', consumer: 'cognito/client:app-1', rateKey: 'c:cognito/client:app-1|u:user-1', scopes: ['a', 'b'] });
    expect(own.tier.name).toBe('pro');
    expect(jwtIdentity(config, COGNITO, payload, undefined, 'app-1', undefined, undefined, true).rateKey).toBe('c:cognito/client:app-1');
    expect(jwtIdentity(config, COGNITO, { sub: 'app-1', client_id: 'app-1' }, undefined, 'app-1', record({ consumer: 'partner-co', tier: 'enterprise' }), 'free', false))
      .toMatchObject({ consumer: 'partner-co', rateKey: 'c:partner-co', tier: enterprise });
  });

  it('refuses a token that names neither a client nor a subject (401 claim_missing)', () => {
    expect(reasonOf(() => jwtIdentity(config, 'partners', {}, config.issuers[0], undefined, undefined, undefined, false))).toEqual({ error: 'AuthenticationError', reason: 'claim_missing' });
  });
});

describe('access step', () => {
  it('lets a caller with the route scopes through and refuses one without, with the RFC 6750 challenge', () => {
    const scoped = route({ auth: { strategies: ['jwt'], scopes: ['users/read'] } });
    expect(() => requireAccess(scoped, identity({ kind: 'jwt', scopes: ['users/read'] }), undefined, 'x-api-key')).not.toThrow();
    let denied: Denied | undefined;
    try { requireAccess(scoped, identity({ kind: 'jwt' }), undefined, 'x-api-key'); } catch (err) { denied = err as Denied; }
    expect(denied).toBeInstanceOf(Denied);
    expect(denied!.reason).toBe(REASON.insufficientScope);
    expect(denied!.message).toBe('missing scope: users/read');
    expect(denied!.extra.wwwAuthenticate).toContain('error="insufficient_scope"');
  });

  it('refuses without a challenge where RFC 6750 names no error (another tenant)', () => {
    let denied: Denied | undefined;
    try { requireAccess(route(), identity({ tenant: 'acme' }), 'globex', 'x-api-key'); } catch (err) { denied = err as Denied; }
    expect({ reason: denied!.reason, extra: denied!.extra }).toEqual({ reason: 'tenant_mismatch', extra: {} });
  });
});

describe('limit step', () => {
  const decision = { allowed: true, windows: [], retryAfterSeconds: 0 } as unknown as RateLimitDecision;

  it("counts the identity's own bucket, or its share of the route's rate_limit_group, against its tier's windows", async () => {
    const asked: RateLimitRequest[] = [];
    const limiter = { check: async (r: RateLimitRequest) => { asked.push(r); return decision; } } as unknown as RateLimiter;
    const limit = createLimit(config, limiter);
    await limit(identity(), route());
    await limit(identity(), route({ rate_limit_group: 'partners' }));
    expect(asked.map((r) => r.key)).toEqual(['c:acme', 'c:acme|g:partners']);
    expect(asked[0].windows.map((w) => w.name)).toEqual(expect.arrayContaining(['minute', 'hour']));
  });

  it('gives the seconds until the UTC day ends as the quota reset of a daily quota', () => {
    expect(quotaResetSeconds(free, Date.UTC(2026, 0, 1, 23, 59, 0))).toBe(60);
    expect(quotaResetSeconds(free, Date.UTC(2026, 0, 1, 23, 59, 59, 999))).toBe(1);
  });
});

describe('policy step', () => {
  const arn = 'arn:aws:execute-api:eu-west-1:123456789012:abc/live/*';
  const allowed = { allowed: true, windows: [{ name: 'minute', limit: 60, remaining: 59, resetSeconds: 60, windowSeconds: 60 }], retryAfterSeconds: 0 } as unknown as RateLimitDecision;

  it('allows with the identity in the context and the tier usage key, reporting the outcome', () => {
    const outcomes: Outcome[] = [];
    const result = limitedPolicy(config, arn, route(), identity({ tenant: 'acme' }), false, allowed, Date.UTC(2026, 0, 1, 23, 0), (o) => outcomes.push(o));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: arn });
    expect(result.context).toMatchObject({ principal: 'acme', consumer: 'acme', tenant: 'acme', tier: 'free', scopes: '', canary: 'false', route: 'r', quotaReset: 3600 });
    expect(result.usageIdentifierKey).toBe(config.usageKeys.free);
    expect(outcomes).toEqual([{ effect: 'allow', route: 'r', tier: 'free', credential: 'api_key', limiterDegraded: undefined }]);
  });

  it('answers a refusal of the limiter with the configured 429 under a usage key no plan holds', () => {
    const outcomes: Outcome[] = [];
    const refused = { ...allowed, allowed: false, refusedBy: 'minute', retryAfterSeconds: 12 } as RateLimitDecision;
    const result = limitedPolicy(config, arn, route(), identity(), false, refused, 0, (o) => outcomes.push(o));
    expect(result.usageIdentifierKey).toBe(RATE_LIMITED_USAGE_KEY);
    expect(result.context).toMatchObject({ reason: 'rate_limited', statusCode: config.rateLimiting.error_code, message: config.rateLimiting.error_message, retryAfter: 12 });
    expect(outcomes).toEqual([{ effect: 'deny', reason: 'rate_limited', route: 'r', tier: 'free', credential: 'api_key' }]);
  });

  it('denies with the reason, the message and the extra context, anonymous before authentication', () => {
    const result = deniedPolicy(new Denied(REASON.noRoute, 'no route matches this request'), undefined, arn);
    expect(result.principalId).toBe('anonymous');
    expect(result.policyDocument.Statement[0].Effect).toBe('Deny');
    expect(result.context).toEqual({ reason: 'no_route', message: 'no route matches this request' });
  });
});

describe('buildAuthorizer: the one assembly of the Lambda and the local twin', () => {
  it('caches consumer records for api_keys.cache_seconds on the given clock, and reports each lookup', async () => {
    let now = Date.UTC(2026, 0, 1);
    let reads = 0;
    const store = consumers();
    const counting: ConsumerStore = { get: (id) => { reads += 1; return store.get(id); } };
    const hits: boolean[] = [];
    const tokens: TokenVerifier = { hydrate: async () => undefined, verify: async () => { throw new AuthenticationError(REASON.jwtInvalid, 'no tokens here'); } };
    const { authorize } = buildAuthorizer({
      config, tokens, consumers: counting, limiter: { check: async () => ({ allowed: true, windows: [], retryAfterSeconds: 0 }) } as unknown as RateLimiter,
      clock: () => now, onKeyCache: (hit) => hits.push(hit),
    });
    const call = () => authorize(requestEvent({ headers: { 'x-api-key': API_KEYS.free } }));
    await call();
    await call();
    expect({ reads, hits }).toEqual({ reads: 1, hits: [false, true] });
    now += config.apiKeys.cache_seconds * 1000 + 1;
    await call();
    expect(reads).toBe(2);
  });
});
