import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { request } from 'undici';
import { apiKey, runInThread, startTestGateway, type TestGateway } from './support/harness';
import { demoUserPassword } from '../../local/user-passwords';
import type { FlowTokens } from './support/oidc-flows';

const FLOWS = join(__dirname, 'support/oidc-flows.ts');
const ERROR_MESSAGE = 'Rate limit exceeded. Upgrade at https://api.example.com/plans';

describe('the local gateway serves every route type of gateway.config.yaml (dev)', () => {
  let gw: TestGateway;
  const call = (path: string, init: RequestInit = {}) => fetch(`${gw.url}${path}`, init);
  const key = (consumer: string) => ({ 'x-api-key': apiKey(gw.credentials, consumer) });

  beforeAll(async () => { gw = await startTestGateway(); });
  // One gateway for the file: each spec starts from fresh counters, whatever the others spent.
  beforeEach(() => gw.resetCounters());
  afterAll(async () => { await gw.close(); });

  it('gives each spec the counters of a fresh gateway: a free consumer who spent its 60 a minute is served again after resetCounters', async () => {
    const spend = async (n: number) => (await Promise.all(Array.from({ length: n }, () => call('/v1/users', { headers: key('demo-free-second') })))).map((r) => r.status);
    expect((await spend(61)).filter((s) => s === 429)).toHaveLength(1);
    await gw.resetCounters();
    expect(await spend(1)).toEqual([200]);
  });

  it('forwards an API-key call to user-service-v1 with the authorizer context and transformations as headers', async () => {
    const res = await call('/v1/users/42?page=2', { headers: { ...key('demo-free'), 'x-origin-verify': 'spoofed' } });
    expect(res.status).toBe(200);
    const echo = await res.json() as { headers: Record<string, string> };
    expect(echo).toMatchObject({ service: 'user-service-v1', method: 'GET', path: '/v1/users/42', query: { page: '2' } });
    expect(echo.headers).toMatchObject({
      'x-gatehouse-route': 'api-v1-users', 'x-gatehouse-consumer': 'demo-free', 'x-gatehouse-tier': 'free',
      'x-gatehouse-principal': 'demo-free', 'x-gatehouse-canary': 'false', 'x-forwarded-for': '127.0.0.1', 'x-origin-verify': '-',
    });
    expect(echo.headers['x-request-id']).toBe(res.headers.get('x-amzn-requestid'));
    expect(echo.headers['x-forwarded-host']).toBe(new URL(gw.url).host);
    // CloudFront's response headers policy: X-Powered-By removed, Server replaced, security headers added.
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('server')).toBe('CloudFront');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains; preload');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('answers 401 without invoking the authorizer when the identity source of a cached method is missing', async () => {
    await gw.logs();
    // /v1/plans is limits: approximate (cached, identity sources); /v1/users is exact (no identity sources).
    const res = await call('/v1/plans');
    expect(res.status).toBe(401);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({ message: 'Unauthorized', code: 'unauthorized', requestId: res.headers.get('x-amzn-requestid') });
    const [line] = await gw.logs();
    expect(line).toMatchObject({ status: 401, error: 'UNAUTHORIZED' });
    expect(line.authorizerCacheHit).toBeUndefined();
  });

  it('answers 401 for an unknown key and for a revoked one alike (decision 0018)', async () => {
    expect((await call('/v1/users', { headers: { 'x-api-key': 'ghk_not_a_key_at_all_000000' } })).status).toBe(401);
    const revoked = await call('/v1/users', { headers: key('demo-revoked') });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ message: 'Unauthorized', code: 'unauthorized' });
  });

  it('replays a cached authorizer result on a limits: approximate route, for the same identity sources', async () => {
    await call('/v1/plans', { headers: key('demo-pro') });
    await gw.logs();
    await call('/v1/plans', { headers: key('demo-pro') });
    await call('/v1/plans/7', { headers: key('demo-pro') }); // another resource: another cache key
    const lines = await gw.logs();
    expect(lines.map((l) => l.authorizerCacheHit)).toEqual([true, false]);
  });

  it('runs the authorizer on every request of a limits: exact route (the default)', async () => {
    await call('/v1/users', { headers: key('demo-pro') });
    await gw.logs();
    await call('/v1/users', { headers: key('demo-pro') });
    await call('/v1/users', { headers: key('demo-pro') });
    expect((await gw.logs()).map((l) => l.authorizerCacheHit)).toEqual([false, false]);
  });

  it('routes by host to the tenant service and denies a key of another tenant', async () => {
    // fetch() does not let a caller set Host; undici.request does, like curl -H 'Host: ...'.
    const ok = await request(`${gw.url}/orders/42`, { headers: { host: 'acme.api.example.com', ...key('acme-integration') } });
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.json()).toMatchObject({ service: 'tenant-router-service', path: '/orders/42', headers: { 'x-gatehouse-tenant': 'acme', 'x-forwarded-host': 'acme.api.example.com' } });
    const other = await request(`${gw.url}/orders/42`, { headers: { host: 'globex.api.example.com', ...key('acme-integration') } });
    expect(other.statusCode).toBe(403);
    expect(await other.body.json()).toMatchObject({ code: 'tenant_mismatch' });
  });

  // Security review finding 1: tenant-api (`/` on *.api.example.com) used to be chosen on every
  // path of a tenant host, and was then served with GET /v1/plans' stage cache: one tenant's
  // answer went to every caller of the catalogue.
  it('does not serve a host-less route on a tenant host, so its cache never holds a tenant answer', async () => {
    const tenant = await request(`${gw.url}/v1/plans?currency=CHF`, { headers: { host: 'acme.api.example.com', ...key('acme-integration') } });
    expect(tenant.statusCode).toBe(403);
    expect(await tenant.body.json()).toMatchObject({ code: 'no_route', message: 'this path is not served on this host' });
    const other = await request(`${gw.url}/v1/plans?currency=CHF`, { headers: key('demo-free') });
    expect(await other.body.json()).toMatchObject({ service: 'user-service-v1', headers: { 'x-gatehouse-route': 'plans', 'x-gatehouse-consumer': 'demo-free' } });
  });

  // Security review finding 2: the viewer IP is an identity source, so a cached decision is
  // never replayed for another address (the IP allowlist is checked against it).
  it('keys the authorizer cache on the viewer IP: an allowlisted key is refused from elsewhere even while its owner is cached', async () => {
    const headers = key('demo-allowlisted');
    expect((await getFrom('127.0.0.1', '/v1/users', headers)).status).toBe(200);
    expect((await getFrom('127.0.0.1', '/v1/users', headers)).status).toBe(200); // now cached for 127.0.0.1
    const stranger = await getFrom('127.0.0.2', '/v1/users', headers);
    // Answered like an unknown key: a leaked key learns nothing outside its allowlist (decision 0018).
    expect(stranger).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    // ... and the stranger's refusal does not lock the owner out.
    expect((await getFrom('127.0.0.1', '/v1/users', headers)).status).toBe(200);
  });

  /** GET from a chosen loopback source address (node:http: undici's connect.localAddress is not applied). */
  function getFrom(localAddress: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
    const { hostname, port } = new URL(gw.url);
    return new Promise((resolve, reject) => {
      httpRequest({ host: hostname, port, path, headers, localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as unknown }));
      }).on('error', reject).end();
    });
  }

  // cors (gateway.config.yaml): API Gateway's MOCK preflight without authorizer, CloudFront's CORS headers.
  it('answers a CORS preflight without credentials and adds CORS headers for allowed origins only', async () => {
    const origin = 'https://console.example.com';
    const preflight = await call('/v2/users', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(preflight.status).toBe(204);
    expect(Object.fromEntries([...preflight.headers].filter(([k]) => k.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      'access-control-allow-headers': 'Authorization, Content-Type, X-Api-Key',
      'access-control-max-age': '600',
    });
    // An actual request, even one the gateway refuses, is readable by the allowed origin's code.
    const ok = await call('/v1/users', { headers: { origin, ...key('demo-free') } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    expect(ok.headers.get('access-control-expose-headers')).toContain('RateLimit-Remaining');
    const refused = await call('/v1/users', { headers: { origin } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
    // Another origin gets no CORS header; every resource answers the preflight (here tenant-api's /{proxy+}).
    const foreign = await call('/v1/users', { headers: { origin: 'https://evil.example', ...key('demo-free') } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect((await call('/nowhere/at/all', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } })).status).toBe(204);
  });

  it('answers an unknown path with the not_found gateway response', async () => {
    // PATCH: no route has it (DELETE /v3/... would reach tenant-api's `/{proxy+}` and its authorizer).
    const res = await call('/v3/nothing', { method: 'PATCH', headers: key('demo-pro') });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ message: 'Not found', code: 'not_found' });
  });

  it('accepts client-credentials tokens from the local issuer (openid-client) on /v2/users, canary only for the canary tester', async () => {
    const issuer = gw.credentials.issuer!.url;
    const partner = await runInThread<FlowTokens>(FLOWS, 'clientCredentials', { issuer, clientId: 'partner-batch', clientSecret: 'local-partner-batch-secret', scope: 'users/read' });
    const canary = await runInThread<FlowTokens>(FLOWS, 'clientCredentials', { issuer, clientId: 'canary-tester', clientSecret: 'local-canary-tester-secret', scope: 'users/read' });
    const v2 = await call('/v2/users', { headers: { authorization: `Bearer ${partner.accessToken}`, 'x-canary': 'true' } });
    expect(v2.status).toBe(200);
    expect(await v2.json()).toMatchObject({ service: 'user-service-v2', headers: { 'x-gatehouse-tier': 'pro', 'x-gatehouse-scopes': 'users/read', 'x-gatehouse-canary': 'false' } });
    const c = await call('/v2/users', { headers: { authorization: `Bearer ${canary.accessToken}`, 'x-canary': 'true' } });
    expect(await c.json()).toMatchObject({ service: 'user-service-v2-canary', headers: { 'x-gatehouse-route': 'api-users-canary', 'x-gatehouse-canary': 'true' } });
    expect((await call('/v2/users', { headers: key('demo-pro') })).status).toBe(401); // route accepts jwt only
  });

  it('runs authorization code + PKCE through the login page and refresh (openid-client), and the user token calls /v2/users', async () => {
    const tokens = await runInThread<FlowTokens>(FLOWS, 'authorizationCodeWithPkce', {
      issuer: gw.credentials.issuer!.url, clientId: 'web-console', scope: 'openid email offline_access users/read', redirectUri: 'http://localhost:3000/callback',
      username: 'demo-user', password: demoUserPassword('demo-user'),
    });
    expect(tokens.idTokenSub).toBe('demo-user');
    expect(tokens.refreshedAccessToken).toEqual(expect.any(String));
    for (const token of [tokens.accessToken, tokens.refreshedAccessToken!]) {
      const res = await call('/v2/users', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ headers: { 'x-gatehouse-principal': 'demo-user', 'x-gatehouse-tier': 'free' } });
    }
  });

  it('validates request bodies against the route schema and content types (WAF 415)', async () => {
    const issuer = gw.credentials.issuer!.url;
    const { accessToken } = await runInThread<FlowTokens>(FLOWS, 'clientCredentials', { issuer, clientId: 'partner-batch', clientSecret: 'local-partner-batch-secret', scope: 'users/read' });
    const post = (body: string, type = 'application/json') => call('/v2/users', { method: 'POST', body, headers: { authorization: `Bearer ${accessToken}`, 'content-type': type } });
    expect((await post('{"email":"a@example.com","name":"A"}')).status).toBe(200);
    const invalid = await post('{"email":"not-an-email","extra":1}');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'invalid_body', message: expect.stringContaining('must match format') });
    const malformed = await post('{"email":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'invalid_body', message: expect.stringContaining('Invalid JSON') });
    const xml = await post('<user/>', 'application/xml');
    expect(xml.status).toBe(415);
    expect(await xml.json()).toEqual({ message: 'Unsupported content type', code: 'unsupported_media_type' });
    expect((await post('{"email":"a@example.com"}', 'application/json; charset=utf-8')).status).toBe(200);
    // Security review finding 6: a type the model does not cover used to pass the WAF's prefix
    // match unvalidated (application/jsonx), and so did a repeated Content-Type.
    expect((await post('{"admin":true}', 'application/jsonx')).status).toBe(415);
    const repeated = await request(`${gw.url}/v2/users`, {
      method: 'POST', body: '{"admin":true}',
      headers: ['authorization', `Bearer ${accessToken}`, 'content-type', 'application/json', 'content-type', 'application/json'],
    });
    expect(repeated.statusCode).toBe(415);
    await repeated.body.dump();
  });

  it('serves cacheable routes from the stage cache, keyed by the configured query string; max-age=0 cannot invalidate', async () => {
    const get = (q: string, headers: Record<string, string> = {}) => call(`/v1/plans${q}`, { headers: { ...key('demo-enterprise'), ...headers } });
    const first = await get('?currency=EUR&noise=1');
    await gw.logs();
    const second = await get('?currency=EUR&noise=2');
    const usd = await get('?currency=USD');
    const invalidate = await get('?currency=EUR', { 'cache-control': 'max-age=0' });
    const lines = await gw.logs();
    expect(lines.map((l) => l.stageCache)).toEqual(['hit', 'miss', 'hit']);
    expect(await second.text()).toBe(await first.text());
    expect(usd.status).toBe(200);
    expect(invalidate.headers.get('warning')).toContain('Cache-Control ignored');
    // A repeated cache-key parameter could store the answer for its first value (which many
    // upstreams read) under the key of its last: refused like the regional web ACL does.
    for (const q of ['?currency=GBP&currency=EUR', '?currency=GBP&noise=1&currency=EUR', '?currency=GBP&%63urrency=EUR']) {
      const cloaked = await get(q);
      expect({ q, status: cloaked.status }).toEqual({ q, status: 400 });
      expect(await cloaked.json()).toEqual({ message: 'A query parameter that keys the response cache may appear only once', code: 'repeated_parameter' });
    }
    expect((await get('?currency=EUR&xcurrency=1')).status).toBe(200);
  });

  it('throttles a consumer\'s own usage plan on an approximate route (429 throttled, Retry-After, configured message)', async () => {
    // demo-own-plan has its own usage key: its free-tier plan is a bucket of 60, refilled 1/s. On
    // /v1/plans (limits: approximate) the cached authorizer counts one request, the plan all of them.
    const res = [];
    for (let i = 0; i < 62; i++) res.push(await call('/v1/plans', { headers: key('demo-own-plan') }));
    const limited = res.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(res.slice(0, 60).every((r) => r.status === 200)).toBe(true);
    expect(limited[0].headers.get('retry-after')).toBe('1');
    expect(await limited[0].json()).toMatchObject({ message: ERROR_MESSAGE, code: 'throttled' });
  });
});

describe('credentials stay at the gateway (hide_credentials, on by default)', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway(); });
  // One gateway for the file: each spec starts from fresh counters, whatever the others spent.
  beforeEach(() => gw.resetCounters());
  afterAll(async () => { await gw.close(); });

  it('overwrites the API key the gateway consumed; the upstream gets the consumer headers instead', async () => {
    const res = await fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': apiKey(gw.credentials, 'demo-pro') } });
    const seen = ((await res.json()) as { headers: Record<string, string> }).headers;
    expect({ key: seen['x-api-key'], consumer: seen['x-gatehouse-consumer'], tier: seen['x-gatehouse-tier'] }).toEqual({ key: '-', consumer: 'demo-pro', tier: 'pro' });
  });

  it('overwrites the bearer token the gateway consumed', async () => {
    const { accessToken } = await runInThread<FlowTokens>(FLOWS, 'clientCredentials', { issuer: gw.credentials.issuer!.url, clientId: 'partner-batch', clientSecret: 'local-partner-batch-secret', scope: 'users/read' });
    const res = await fetch(`${gw.url}/v2/users`, { headers: { authorization: `Bearer ${accessToken}` } });
    const seen = ((await res.json()) as { headers: Record<string, string> }).headers;
    expect(seen.authorization).toBe('-');
    expect(JSON.stringify(seen)).not.toContain(accessToken);
  });

  it('forwards the credential on a route that sets hide_credentials: false', async () => {
    const open = await startTestGateway({ overrides: { routes: [{ name: 'api-v1-users', auth: { hide_credentials: false } }] } });
    try {
      const key = apiKey(open.credentials, 'demo-pro');
      const seen = ((await (await fetch(`${open.url}/v1/users`, { headers: { 'x-api-key': key } })).json()) as { headers: Record<string, string> }).headers;
      expect(seen['x-api-key']).toBe(key);
    } finally {
      await open.close();
    }
  });
});
