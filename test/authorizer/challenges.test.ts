import { Route } from '../../lib/config/schema';
import { gatewayResponses, renderResponseBody, renderResponseHeaders, type GatewayResponseType } from '../../lib/contract/responses';
import { challengeValue } from '../../lib/contract/challenges';
import { clientRecordId } from '../../lambdas/authorizer/consumer-store';
import { COGNITO } from '../../lambdas/authorizer/token-verifier';
import { FIELD_VALUE, HOSTILE_CREDENTIALS, MARKER } from '../support/hostile-credentials';
import { requestEvent, type EventOptions } from './events';
import { API_KEYS, CLIENTS, cognitoClaims, harness, issuersForSuite, keyPair, sign, testConfig, type Keys } from './fixtures';

/**
 * Decision 0018, at the authorizer: every reason it decides, what it answers (a thrown
 * `Unauthorized` or a Deny and its context) and the `WWW-Authenticate` the caller then gets from
 * the gateway response that answer selects (lib/contract/responses.ts, as both runtimes render it).
 */
const suite = issuersForSuite();
let attacker: Keys;
beforeAll(async () => { attacker = await keyPair('RS256', 'cognito-1'); });

/** A route that accepts both JWTs and API keys, with a scope. */
const MIXED = Route.parse({ name: 'mixed', paths: ['/v1/mixed'], service: 'user-service-v1', auth: { strategies: ['jwt', 'api_key'], issuers: ['cognito'], scopes: ['users/read'] } });
const make = () => {
  const base = testConfig(suite.partners.url);
  const config = { ...base, routes: [...base.routes, MIXED] };
  const h = harness({ config, cognitoKeys: suite.cognitoKeys, partnersUrl: suite.partners.url });
  return { ...h, responses: gatewayResponses({ rate_limiting: config.rateLimiting, routes: config.routes, services: [], identity: { api_keys: config.apiKeys } }) };
};
const now = () => Math.floor(Date.now() / 1000);
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const STATIC = 'Bearer realm="gatehouse", ApiKey realm="gatehouse", header="x-api-key"';

interface Answer { status: number; reason?: string; challenge?: string; body: unknown }

/** Runs the authorizer and renders the gateway response its answer selects. */
async function answer(h: ReturnType<typeof make>, event: EventOptions): Promise<Answer> {
  const before = h.outcomes.length;
  let type: GatewayResponseType;
  let context: Record<string, string | number | boolean> | undefined;
  try {
    const result = await h.authorize(requestEvent(event));
    if (result.policyDocument.Statement[0].Effect === 'Allow') return { status: 200, reason: h.outcomes[before]?.reason, body: undefined };
    type = 'ACCESS_DENIED';
    context = result.context as Record<string, string | number | boolean>;
  } catch (err) {
    expect(err).toEqual(new Error('Unauthorized')); // exactly what API Gateway turns into UNAUTHORIZED
    type = 'UNAUTHORIZED';
  }
  const def = h.responses.find((r) => r.type === type)!;
  const facts = { requestId: 'r1', authorizer: context };
  return {
    status: def.statusCode, reason: h.outcomes[before]?.reason,
    challenge: renderResponseHeaders(def, facts)['WWW-Authenticate'], body: JSON.parse(renderResponseBody(def, facts)),
  };
}

const UNAUTHORIZED_BODY = { message: 'Unauthorized', code: 'unauthorized', requestId: 'r1' };

describe('each reason and the challenge the caller gets', () => {
  const cases: [string, () => Promise<EventOptions>, string][] = [
    ['no credentials at all', async () => ({ path: '/v2/users' }), 'credentials_missing'],
    ['an API key on a JWT-only route', async () => ({ path: '/v2/users', headers: { 'x-api-key': API_KEYS.free } }), 'credentials_missing'],
    ['Authorization: Token x', async () => ({ path: '/v2/users', headers: { authorization: 'Token x' } }), 'authorization_malformed'],
    ['a token that is not a JWS', async () => ({ path: '/v2/users', headers: bearer('abc') }), 'jwt_malformed'],
    ['an expired token', async () => ({ path: '/v2/users', headers: bearer(await sign(suite.cognitoKeys, cognitoClaims({ exp: now() - 3600 }))) }), 'jwt_expired'],
    ['a token of an unknown issuer', async () => ({ path: '/v2/users', headers: bearer(await sign(attacker, cognitoClaims({ iss: 'https://issuer.unknown.example' }))) }), 'jwt_issuer_unknown'],
    ['a bad signature (a real key, not the issuer\'s)', async () => ({ path: '/v2/users', headers: bearer(await sign(attacker, cognitoClaims())) }), 'jwt_signature_invalid'],
    ['a token of another audience', async () => ({
      path: '/v1/partners',
      headers: bearer(await sign(suite.partnerKeys, { iss: suite.partners.url, aud: 'another-api', sub: 's', scp: ['partners:read'], groups: ['partner-readers'], iat: now(), exp: now() + 600 }, { typ: 'at+jwt' })),
    }), 'jwt_audience_invalid'],
    ['a token of another Cognito client', async () => ({ path: '/v2/users', headers: bearer(await sign(suite.cognitoKeys, cognitoClaims({ client_id: 'anotherappclient00000001' }))) }), 'jwt_claim_invalid'],
    ['a malformed API key', async () => ({ headers: { 'x-api-key': 'k'.repeat(257) } }), 'api_key_malformed'],
    ['an unknown API key', async () => ({ headers: { 'x-api-key': 'gh_live_never_issued_00000000' } }), 'api_key_unknown'],
    ['a revoked API key', async () => ({ headers: { 'x-api-key': API_KEYS.revoked } }), 'api_key_revoked'],
    ['an API key from outside its allowlist', async () => ({ sourceIp: '203.0.113.9', headers: { 'x-api-key': API_KEYS.office } }), 'ip_not_allowed'],
  ];

  it.each(cases)('%s: 401, the static challenge of the API without an error, the generic body', async (_name, request, reason) => {
    const got = await answer(make(), await request());
    expect(got).toEqual({ status: 401, reason, challenge: STATIC, body: UNAUTHORIZED_BODY });
  });

  it('a token without the route scope: 403 with an RFC 6750 insufficient_scope challenge naming the required scope', async () => {
    const token = await sign(suite.cognitoKeys, cognitoClaims({ scope: 'openid users/write' }));
    expect(await answer(make(), { path: '/v2/users', headers: bearer(token) })).toEqual({
      status: 403, reason: 'insufficient_scope',
      challenge: 'Bearer realm="gatehouse", error="insufficient_scope", error_description="missing scope: users/read", scope="users/read"',
      body: { message: 'missing scope: users/read', code: 'insufficient_scope', requestId: 'r1' },
    });
  });

  it('lists one challenge per scheme of the route, the error on the scheme of the presented credential', async () => {
    const token = await sign(suite.cognitoKeys, cognitoClaims({ scope: 'openid' }));
    expect((await answer(make(), { path: '/v1/mixed', headers: bearer(token) })).challenge).toBe(
      'Bearer realm="gatehouse", error="insufficient_scope", error_description="missing scope: users/read", scope="users/read", ApiKey realm="gatehouse", header="x-api-key"',
    );
    // An API key grants no scopes: the error is on the ApiKey challenge (Gatehouse's scheme, same parameters).
    expect((await answer(make(), { path: '/v1/mixed', headers: { 'x-api-key': API_KEYS.free } })).challenge).toBe(
      'Bearer realm="gatehouse", ApiKey realm="gatehouse", header="x-api-key", error="insufficient_scope", error_description="missing scope: users/read", scope="users/read"',
    );
  });

  it.each([
    ['a key of another tenant', { path: '/orders', resource: '/{proxy+}', headers: { 'x-api-key': API_KEYS.tenant, 'X-Forwarded-Host': 'globex.api.example.com' } }, 'tenant_mismatch', 'the credential does not belong to this tenant'],
    ['a path no route of the method serves', { path: '/nowhere', resource: '/{proxy+}', headers: { 'x-api-key': API_KEYS.free } }, 'no_route', 'no route matches this request'],
  ] as const)('%s: 403 with its reason in the body and no challenge (RFC 6750 names no error for it)', async (_name, event, reason, message) => {
    expect(await answer(make(), event)).toEqual({ status: 403, reason, challenge: undefined, body: { message, code: reason, requestId: 'r1' } });
  });

  it('a revoked OAuth client: 403 revoked, no challenge (its token was signed by the issuer: the client\'s existence is no secret)', async () => {
    const h = make();
    h.store.put(clientRecordId(COGNITO, CLIENTS['partner-batch']), { consumer: 'partner-co', status: 'revoked', allowedCidrs: [], canary: false });
    const token = await sign(suite.cognitoKeys, cognitoClaims({ client_id: CLIENTS['partner-batch'] }));
    expect(await answer(h, { path: '/v2/users', headers: bearer(token) })).toEqual({
      status: 403, reason: 'revoked', challenge: undefined, body: { message: 'this client is revoked', code: 'revoked', requestId: 'r1' },
    });
  });
});

describe('the challenge text', () => {
  it('keeps a description and scopes inside what RFC 6750 allows, whatever they hold', () => {
    const value = challengeValue({ bearer: true }, { scheme: 'jwt', error: 'insufficient_scope', description: 'bad "quote" \\ and\r\nnew line é', scopes: ['ok', 'has"quote', 'non-ascii-é', 'a b'] });
    expect(value).toBe('Bearer realm="gatehouse", error="insufficient_scope", error_description="bad quote  andnew line ", scope="ok"');
  });
});

describe(`a hostile credential corpus (${HOSTILE_CREDENTIALS.length} cases) never crashes the authorizer or reaches a challenge`, () => {
  it('has at least 30 cases', () => {
    expect(HOSTILE_CREDENTIALS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(HOSTILE_CREDENTIALS.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    const h = make();
    for (const path of ['/v2/users', '/v1/users', '/v1/mixed']) {
      const got = await answer(h, { path, headers: hostile.headers as Record<string, string | string[]> });
      expect([401, 403]).toContain(got.status);
      if (got.challenge !== undefined) {
        expect(got.challenge).toMatch(FIELD_VALUE);
        expect(got.challenge).not.toContain(MARKER);
      }
      expect(JSON.stringify(got.body)).not.toContain(MARKER);
      expect(got.reason).toMatch(/^[a-z_]+$/);
    }
  });
});
