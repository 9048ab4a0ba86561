import { RATE_LIMITED_USAGE_KEY } from '../../lib/contract/usage-keys';
import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import type { RateLimiter } from '../../lib/rate-limit/rate-limiter';
import { RateLimiterUnavailableError } from '../../lib/rate-limit/rate-limiter';
import { API_RESOURCE, requestEvent } from './events';
import { API_KEYS, CLIENTS, cognitoClaims, harness, issuersForSuite, jwksServer, keyPair, sign, testConfig } from './fixtures';

const suite = issuersForSuite();

const make = (over: Parameters<typeof testConfig>[1] = {}, limiter?: RateLimiter) => {
  const config = testConfig(suite.partners.url, over);
  return { config, ...harness({ config, cognitoKeys: suite.cognitoKeys, partnersUrl: suite.partners.url, ...(limiter ? { limiter } : {}) }) };
};
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const now = () => Math.floor(Date.now() / 1000);

describe('API keys', () => {
  it('allows an active key with a wildcard policy, the tier usage key and a flat context', async () => {
    const { authorize, config } = make();
    const result = await authorize(requestEvent({ path: '/v1/users/42', headers: { 'x-api-key': API_KEYS.free } }));
    expect(result).toEqual({
      principalId: 'acme-free',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: API_RESOURCE }] },
      usageIdentifierKey: config.usageKeys.free,
      context: {
        principal: 'acme-free', consumer: 'acme-free', tenant: '', tier: 'free', scopes: '', canary: 'false', route: 'api-v1-users',
        rateLimitLimitMinute: 60, rateLimitRemainingMinute: 59, rateLimitLimitHour: 1000, rateLimitRemainingHour: 999,
        rateLimitLimit: 60, rateLimitRemaining: 59, rateLimitReset: expect.any(Number),
        rateLimitPolicy: '"minute";q=60;w=60, "hour";q=1000;w=3600',
        rateLimitState: expect.stringMatching(/^"minute";r=59;t=\d+, "hour";r=999;t=\d+$/),
        quotaReset: expect.any(Number),
      },
    });
  });

  it('answers exactly Unauthorized for a missing, unknown, repeated or oversized key', async () => {
    const { authorize, outcomes } = make();
    await expect(authorize(requestEvent())).rejects.toThrow(new Error('Unauthorized'));
    await expect(authorize(requestEvent({ headers: { 'x-api-key': 'nope' } }))).rejects.toThrow(new Error('Unauthorized'));
    await expect(authorize(requestEvent({ headers: { 'x-api-key': [API_KEYS.free, API_KEYS.enterprise] } }))).rejects.toThrow('Unauthorized');
    await expect(authorize(requestEvent({ headers: { 'x-api-key': 'k'.repeat(257) } }))).rejects.toThrow('Unauthorized');
    expect(outcomes.map((o) => o.reason)).toEqual(['credentials_missing', 'api_key_unknown', 'api_key_malformed', 'api_key_malformed']);
  });

  it('answers a revoked key exactly like an unknown one, so no answer confirms that a key exists (decision 0018)', async () => {
    const { authorize, outcomes } = make();
    await expect(authorize(requestEvent({ headers: { 'x-api-key': API_KEYS.revoked } }))).rejects.toThrow(new Error('Unauthorized'));
    await expect(authorize(requestEvent({ headers: { 'x-api-key': 'gh_live_never_issued_00000000' } }))).rejects.toThrow(new Error('Unauthorized'));
    // Told apart in the log line and the metric only.
    expect(outcomes.map((o) => [o.effect, o.reason])).toEqual([['unauthorized', 'api_key_revoked'], ['unauthorized', 'api_key_unknown']]);
  });

  it('matches the IP allowlist (IPv4 and IPv6) against sourceIp, not X-Forwarded-For', async () => {
    const { authorize } = make();
    const ok4 = await authorize(requestEvent({ sourceIp: '198.51.100.77', headers: { 'x-api-key': API_KEYS.office } }));
    const ok6 = await authorize(requestEvent({ sourceIp: '2001:db8:abcd:12::1', headers: { 'x-api-key': API_KEYS.office } }));
    expect([ok4, ok6].map((r) => r.policyDocument.Statement[0].Effect)).toEqual(['Allow', 'Allow']);
    // A key used from outside its allowlist (a leaked key) is answered like an unknown key.
    const { authorize: fresh, outcomes } = make();
    await expect(fresh(requestEvent({ sourceIp: '203.0.113.9', headers: { 'x-api-key': API_KEYS.office, 'X-Forwarded-For': '198.51.100.77' } }))).rejects.toThrow(new Error('Unauthorized'));
    expect(outcomes.map((o) => [o.effect, o.reason])).toEqual([['unauthorized', 'ip_not_allowed']]);
  });

  it('behind CloudFront, matches the viewer IP its function sets, not the edge sourceIp', async () => {
    const { authorize } = make();
    const edge = '130.176.0.10'; // a CloudFront edge address as API Gateway sees it
    const viewer = await authorize(requestEvent({ sourceIp: edge, headers: { 'x-api-key': API_KEYS.office, 'X-Gatehouse-Client-IP': '198.51.100.77' } }));
    expect(viewer.policyDocument.Statement[0].Effect).toBe('Allow');
    await expect(authorize(requestEvent({ sourceIp: edge, headers: { 'x-api-key': API_KEYS.office, 'X-Gatehouse-Client-IP': '203.0.113.9' } }))).rejects.toThrow(new Error('Unauthorized'));
  });

  it('checks the tenant of a host-based route against the consumer', async () => {
    const { authorize } = make();
    const own = await authorize(requestEvent({ path: '/orders', resource: '/{proxy+}', headers: { 'x-api-key': API_KEYS.tenant, 'X-Forwarded-Host': 'acme.api.example.com' } }));
    const other = await authorize(requestEvent({ path: '/orders', resource: '/{proxy+}', headers: { 'x-api-key': API_KEYS.tenant, 'X-Forwarded-Host': 'globex.api.example.com' } }));
    expect(own.context).toMatchObject({ route: 'tenant-api', tenant: 'acme' });
    expect(other.context).toEqual({ reason: 'tenant_mismatch', message: 'the credential does not belong to this tenant' });
  });

  it('denies a request no route of its API method matches', async () => {
    const { authorize } = make();
    // API Gateway sends /nowhere to tenant-api's greedy root resource; tenant-api wants a tenant host.
    const result = await authorize(requestEvent({ path: '/nowhere', resource: '/{proxy+}', headers: { 'x-api-key': API_KEYS.free } }));
    expect(result.context).toEqual({ reason: 'no_route', message: 'no route matches this request' });
    const unknown = await authorize(requestEvent({ path: '/nowhere', resource: '/nowhere', headers: { 'x-api-key': API_KEYS.free } }));
    expect(unknown.context).toEqual({ reason: 'no_route', message: 'no route owns this API method' });
  });

  // Security review finding 1: a host route (tenant-api: `/` on *.api.example.com) used to win
  // the match on every path of a tenant host, so it was served with the cache, TTL and
  // integration of another route's method (e.g. the stage cache of GET /v1/plans).
  it('chooses only among the routes that own the API method, and serves a tenant host only with host routes', async () => {
    const { authorize } = make();
    const tenantHost = { 'x-api-key': API_KEYS.tenant, 'X-Forwarded-Host': 'acme.api.example.com' };
    const orders = await authorize(requestEvent({ path: '/orders/7', resource: '/{proxy+}', headers: tenantHost }));
    expect(orders.context).toMatchObject({ route: 'tenant-api', tenant: 'acme' });
    // GET /v1/plans and /v1/users belong to host-less routes: not served on a host tenant-api claims
    // (no tenant check there, and plans' stage cache has no host in its key).
    const notServed = { reason: 'no_route', message: 'this path is not served on this host' };
    const plans = await authorize(requestEvent({ path: '/v1/plans', resource: '/v1/plans', headers: tenantHost }));
    expect(plans.context).toEqual(notServed);
    const users = await authorize(requestEvent({ path: '/v1/users/42', resource: '/v1/users/{proxy+}', headers: tenantHost }));
    expect(users.context).toEqual(notServed);
    const mainHost = await authorize(requestEvent({ path: '/v1/plans', resource: '/v1/plans', headers: { 'x-api-key': API_KEYS.tenant } }));
    expect(mainHost.context).toMatchObject({ route: 'plans' });
  });

  // The mTLS domain is exempt from the origin guard: a request API Gateway received on it must
  // carry the verified client certificate, and reach mtls routes only.
  it('on the mTLS domain: 401 without a client certificate, no_route for routes that are not mtls', async () => {
    const { authorize } = make({ mtlsDomain: 'mtls.example.com' });
    const onMtls = (o: Parameters<typeof requestEvent>[0]) => {
      const event = requestEvent(o);
      return { ...event, requestContext: { ...event.requestContext, domainName: 'MTLS.example.com' } };
    };
    await expect(authorize(onMtls({ path: '/v1/users', headers: { 'x-api-key': API_KEYS.free } }))).rejects.toThrow('Unauthorized');
    const cert = { subjectDN: 'CN=billing-service,OU=internal,O=Example Corp', serialNumber: '0a1b2c' };
    const apiKeyRoute = await authorize(onMtls({ path: '/v1/users', headers: { 'x-api-key': API_KEYS.free }, clientCert: cert }));
    expect(apiKeyRoute.context).toEqual({ reason: 'no_route', message: 'only mtls routes are served on the mTLS domain' });
    const mtlsRoute = await authorize(onMtls({ method: 'POST', path: '/internal/billing', clientCert: cert }));
    expect(mtlsRoute.context).toMatchObject({ route: 'internal-billing' });
  });
});

describe('Cognito access tokens', () => {
  it('allows a token with the route scope; tier from cognito client tiers', async () => {
    const { authorize, config } = make();
    const token = await sign(suite.cognitoKeys, cognitoClaims());
    const result = await authorize(requestEvent({ path: '/v2/users', headers: bearer(token) }));
    expect(result.context).toMatchObject({ principal: 'user-7f3a', consumer: `cognito/client:${CLIENTS['web-console']}`, tier: 'free', scopes: 'openid users/read', route: 'api-v2-users', canary: 'false' });
    expect(result.usageIdentifierKey).toBe(config.usageKeys.free);
  });

  it('denies a token without the route scope (scope escalation is not possible)', async () => {
    const { authorize } = make();
    const token = await sign(suite.cognitoKeys, cognitoClaims({ scope: 'openid users/write' }));
    const result = await authorize(requestEvent({ path: '/v2/users', headers: bearer(token) }));
    expect(result.context).toEqual({
      reason: 'insufficient_scope', message: 'missing scope: users/read',
      wwwAuthenticate: 'Bearer realm="gatehouse", error="insufficient_scope", error_description="missing scope: users/read", scope="users/read"',
    });
  });

  it('takes the tier and canary permission from the client consumer record', async () => {
    const { authorize } = make();
    const token = await sign(suite.cognitoKeys, cognitoClaims({ client_id: CLIENTS['partner-batch'] }));
    const stable = await authorize(requestEvent({ path: '/v2/users', headers: bearer(token) }));
    const canary = await authorize(requestEvent({ path: '/v2/users', headers: { ...bearer(token), 'x-canary': 'true' } }));
    expect(stable.context).toMatchObject({ consumer: 'partner-co', tier: 'enterprise', canary: 'false', route: 'api-v2-users' });
    expect(canary.context).toMatchObject({ canary: 'true', route: 'api-users-canary' });
  });

  it('ignores x-canary from consumers not allowed to use the canary', async () => {
    const { authorize } = make();
    const token = await sign(suite.cognitoKeys, cognitoClaims());
    const result = await authorize(requestEvent({ path: '/v2/users', headers: { ...bearer(token), 'x-canary': 'true' } }));
    expect(result.context).toMatchObject({ canary: 'false', route: 'api-v2-users' });
  });

  it('rolls a sticky percentage of eligible consumers to the canary', async () => {
    const { authorize } = make({ canary: { header: 'x-canary', percentage: 100 } });
    const token = await sign(suite.cognitoKeys, cognitoClaims({ client_id: CLIENTS['partner-batch'] }));
    const auto = await authorize(requestEvent({ path: '/v2/users', headers: bearer(token) }));
    const optOut = await authorize(requestEvent({ path: '/v2/users', headers: { ...bearer(token), 'x-canary': 'false' } }));
    expect([auto.context?.route, optOut.context?.route]).toEqual(['api-users-canary', 'api-v2-users']);
  });

  it('refuses a token for a client that is not configured', async () => {
    const { authorize } = make();
    const token = await sign(suite.cognitoKeys, cognitoClaims({ client_id: 'someoneelsesclient000001' }));
    await expect(authorize(requestEvent({ path: '/v2/users', headers: bearer(token) }))).rejects.toThrow('Unauthorized');
  });
});

describe('external issuer (local http JWKS)', () => {
  const claims = (over: Record<string, unknown> = {}) => ({
    iss: suite.partners.url, aud: 'gatehouse-api', sub: 'svc-42', azp: 'partner-app', scp: ['partners:read'], groups: ['partner-readers'],
    plan: 'pro', org: 'initech', iat: now(), exp: now() + 600, ...over,
  });

  it('verifies against the fetched JWKS, takes tier and tenant from claims, limits per route group', async () => {
    const { authorize, limiter } = make();
    const token = await sign(suite.partnerKeys, claims(), { typ: 'at+jwt' });
    const result = await authorize(requestEvent({ path: '/v1/partners', headers: bearer(token) }));
    expect(result.context).toMatchObject({ principal: 'svc-42', consumer: 'partners/client:partner-app', tier: 'pro', tenant: 'initech', scopes: 'partners:read', route: 'partners', rateLimitRemainingMinute: 599 });
    // svc-42 is not the client (RFC 9068: a resource owner took part): the bucket is that user's.
    const bucket = await limiter.check({ key: 'c:partners/client:partner-app|u:svc-42|g:partners', windows: [{ name: 'minute', sizeMs: 60_000, limit: 600 }] });
    expect(bucket.windows[0].remaining).toBe(598);
  });

  // A user whose sub equals some client id must not share that client's consumer and rate bucket.
  it('names record-less consumers client:<id> or sub:<sub>, and refuses a token with neither', async () => {
    const { authorize } = make();
    const call = async (over: Record<string, unknown>) => authorize(requestEvent({ path: '/v1/partners', headers: bearer(await sign(suite.partnerKeys, claims(over), { typ: 'at+jwt' })) }));
    expect((await call({ sub: 'partner-app', azp: undefined })).context).toMatchObject({ consumer: 'partners/sub:partner-app', principal: 'partner-app' });
    expect((await call({ sub: 'svc-1', azp: 'partner-app' })).context).toMatchObject({ consumer: 'partners/client:partner-app' });
    await expect(call({ sub: undefined, azp: undefined })).rejects.toThrow('Unauthorized');
  });

  it('verifies from the cached JWKS without fetching, and fetches again for a kid it does not know (key rotation)', async () => {
    const jwks = { keys: [suite.partnerKeys.jwk] };
    const rotating = await jwksServer(jwks);
    try {
      const config = testConfig(rotating.url);
      const { authorize } = harness({ config, cognitoKeys: suite.cognitoKeys, partnersUrl: rotating.url });
      const claimsFor = (iss: string) => ({ iss, aud: 'gatehouse-api', sub: 'svc-42', azp: 'partner-app', scp: ['partners:read'], groups: ['partner-readers'], iat: now(), exp: now() + 600 });
      const call = async (token: string) => (await authorize(requestEvent({ path: '/v1/partners', headers: bearer(token) }))).policyDocument.Statement[0].Effect;
      expect(await call(await sign(suite.partnerKeys, claimsFor(rotating.url)))).toBe('Allow');
      expect(rotating.hits()).toBe(1);
      expect(await call(await sign(suite.partnerKeys, claimsFor(rotating.url)))).toBe('Allow');
      expect(rotating.hits()).toBe(1); // warm: verified against the cached JWKS
      const next = await keyPair('ES256', 'partner-2');
      jwks.keys.push(next.jwk);
      expect(await call(await sign(next, claimsFor(rotating.url)))).toBe('Allow');
      expect(rotating.hits()).toBe(2);
    } finally {
      rotating.server.close();
    }
  });

  it('requires one of the route groups', async () => {
    const { authorize } = make();
    const token = await sign(suite.partnerKeys, claims({ groups: ['guests'] }));
    expect((await authorize(requestEvent({ path: '/v1/partners', headers: bearer(token) }))).context?.reason).toBe('group_required');
  });

  it('does not accept a partner token on a Cognito route', async () => {
    const { authorize } = make();
    const token = await sign(suite.partnerKeys, claims({ scp: ['users/read'] }));
    expect((await authorize(requestEvent({ path: '/v2/users', headers: bearer(token) }))).context?.reason).toBe('issuer_not_accepted');
  });
});

describe('mTLS and anonymous routes', () => {
  const cert = (subjectDN: string, over: Record<string, string> = {}) => ({ subjectDN, serialNumber: '0a1b2c', ...over });
  it('identifies the consumer from the client certificate subject', async () => {
    const { authorize } = make();
    const result = await authorize(requestEvent({ method: 'POST', path: '/internal/billing', clientCert: cert('CN=billing-service,OU=internal,O=Example Corp') }));
    expect(result.context).toMatchObject({ consumer: 'billing-service', tier: 'enterprise', route: 'internal-billing' });
  });

  it('refuses unknown, expired and missing certificates, denies revoked ones', async () => {
    const { authorize } = make();
    await expect(authorize(requestEvent({ method: 'POST', path: '/internal/billing', clientCert: cert('CN=stranger') }))).rejects.toThrow('Unauthorized');
    await expect(authorize(requestEvent({ method: 'POST', path: '/internal/billing', clientCert: cert('CN=billing-service,OU=internal,O=Example Corp', { notAfter: 'Jan  1 00:00:00 2020 GMT' }) }))).rejects.toThrow('Unauthorized');
    await expect(authorize(requestEvent({ method: 'POST', path: '/internal/billing' }))).rejects.toThrow('Unauthorized');
    expect((await authorize(requestEvent({ method: 'POST', path: '/internal/billing', clientCert: cert('CN=retired-service,O=Example Corp') }))).context?.reason).toBe('revoked');
  });

  it('rate-limits anonymous callers per client IP in the first tier', async () => {
    const { authorize } = make({ tiers: [{ name: 'free', minute: 2, hour: 100, canary: false }] });
    const call = (ip: string) => authorize(requestEvent({ path: '/status', sourceIp: ip }));
    const results = [await call('203.0.113.1'), await call('203.0.113.1'), await call('203.0.113.1'), await call('203.0.113.2')];
    expect(results.map((r) => r.context?.reason ?? 'ok')).toEqual(['ok', 'ok', 'rate_limited', 'ok']);
    expect(results.map((r) => r.usageIdentifierKey === RATE_LIMITED_USAGE_KEY)).toEqual([false, false, true, false]);
  });
});

describe('rate limiting', () => {
  it('refuses over the limit through a usage key no plan holds, with the configured message, status code, Retry-After and figures', async () => {
    const { authorize, outcomes } = make({ tiers: [{ name: 'free', minute: 2, hour: 1000, canary: false }] }, new InMemoryRateLimiter({ clock: () => 1_800_000_030_000 }));
    const event = requestEvent({ headers: { 'x-api-key': API_KEYS.free } });
    await authorize(event); await authorize(event);
    const refused = await authorize(event);
    // Allow + an unknown usage key: API Gateway answers INVALID_API_KEY, rendered as the configured 429.
    expect(refused.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: API_RESOURCE });
    expect(refused.usageIdentifierKey).toBe(RATE_LIMITED_USAGE_KEY);
    expect(refused.context).toEqual({
      reason: 'rate_limited', message: 'Rate limit exceeded. Upgrade at https://api.example.com/plans', statusCode: 429, retryAfter: 60,
      rateLimitLimitMinute: 2, rateLimitRemainingMinute: 0, rateLimitLimitHour: 1000, rateLimitRemainingHour: 998,
      rateLimitLimit: 2, rateLimitRemaining: 0, rateLimitReset: 60,
      // draft-ietf-httpapi-ratelimit-headers-10: the window that refused carries the Retry-After.
      rateLimitPolicy: '"minute";q=2;w=60, "hour";q=1000;w=3600',
      rateLimitState: '"minute";r=0;t=60, "hour";r=998;t=3570',
    });
    expect(outcomes.at(-1)).toMatchObject({ effect: 'deny', reason: 'rate_limited', tier: 'free' });
  });

  it('hides the figures when hide_client_headers is set', async () => {
    const { authorize, config } = make();
    const { authorize: hidden } = make({ rateLimiting: { ...config.rateLimiting, hide_client_headers: true } });
    const event = requestEvent({ headers: { 'x-api-key': API_KEYS.free } });
    expect(Object.keys((await authorize(event)).context ?? {})).toContain('rateLimitRemainingMinute');
    expect(Object.keys((await hidden(event)).context ?? {}).filter((k) => k.startsWith('rateLimit'))).toEqual([]);
  });

  it('reports a fault-tolerant fallback and refuses clearly when the limiter is down and not fault tolerant', async () => {
    const degraded: RateLimiter = { check: async (r) => ({ allowed: true, degraded: true, retryAfterSeconds: 0, windows: r.windows.map((w) => ({ name: w.name, limit: w.limit, remaining: w.limit, resetSeconds: 1, windowSeconds: w.sizeMs / 1000 })) }), close: async () => undefined };
    const down: RateLimiter = { check: async () => { throw new RateLimiterUnavailableError('rate limiter unavailable: Redis did not answer within 20 ms'); }, close: async () => undefined };
    const event = requestEvent({ headers: { 'x-api-key': API_KEYS.free } });
    const a = make({}, degraded);
    expect((await a.authorize(event)).policyDocument.Statement[0].Effect).toBe('Allow');
    expect(a.outcomes[0]).toMatchObject({ effect: 'allow', limiterDegraded: true });
    // Fail closed: the authorizer fails (API Gateway answers AUTHORIZER_FAILURE, 503, never cached), not a Deny.
    const b = make({}, down);
    await expect(b.authorize(event)).rejects.toThrow(RateLimiterUnavailableError);
    expect(b.outcomes[0]).toMatchObject({ effect: 'unavailable', reason: 'rate_limiter_unavailable', tier: 'free' });
  });
});
