import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { FIELD_VALUE, HOSTILE_CREDENTIALS, MARKER } from '../support/hostile-credentials';
import { apiKey, runInThread, startTestGateway, type TestGateway } from './support/harness';
import type { FlowTokens } from './support/oidc-flows';

/**
 * Decision 0018 through the twin, over real HTTP: a 401 answers exactly as API Gateway's
 * UNAUTHORIZED response can (a static challenge per scheme of the API, no per-reason text: that
 * response has no authorizer context), a 403 for a missing scope carries the RFC 6750 challenge
 * from the authorizer's context, and the local request log line says why.
 */
const FLOWS = join(__dirname, 'support/oidc-flows.ts');
/** gateway.config.yaml's routes accept jwt and api_key (x-api-key). */
const STATIC = 'Bearer realm="gatehouse", ApiKey realm="gatehouse", header="x-api-key"';

describe('a 401 says why: in the challenge as far as API Gateway allows, in the local log line fully', () => {
  let gw: TestGateway;
  let token: string;
  const start = Date.now();

  beforeAll(async () => {
    gw = await startTestGateway({
      // The clock of the gateway (and its authorizer) moves only when told: a real token expires on demand.
      manualClockStart: start,
      // /v2/users also wants users/write, which partner-batch's tokens never carry (a 403 insufficient_scope).
      overrides: { routes: [{ name: 'api-v2-users', auth: { scopes: ['users/read', 'users/write'] } }, { name: 'api-users-canary', auth: { scopes: ['users/read', 'users/write'] } }] },
    });
    const client = gw.credentials.oauthClients.find((c) => c.clientId === 'partner-batch')!;
    const issuer = gw.credentials.issuers.find((i) => i.name === client.issuer) ?? gw.credentials.issuer!;
    ({ accessToken: token } = await runInThread<FlowTokens>(FLOWS, 'clientCredentials', { issuer: issuer.url, clientId: client.clientId, clientSecret: client.clientSecret, scope: client.scope }));
    await gw.advance(Date.now() - start); // the token's iat is real time
    await gw.logs();
  });
  // One gateway for the file: each spec starts from fresh counters, whatever the others spent.
  beforeEach(() => gw.resetCounters());
  afterAll(async () => { await gw.close(); });

  /** The same header and payload as the issuer's token, signed by another (real) RSA key. */
  const resigned = (claims: Record<string, unknown> = {}) => {
    const [h, p] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), ...claims })).toString('base64url');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return `${h}.${payload}.${cryptoSign('sha256', Buffer.from(`${h}.${payload}`), privateKey).toString('base64url')}`;
  };

  const refused = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(`${gw.url}${path}`, { headers });
    const [line] = await gw.logs();
    return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json(), requestId: res.headers.get('x-amzn-requestid'), log: line };
  };

  it.each([
    ['a bad signature (the issuer\'s kid, another real key)', () => ({ authorization: `Bearer ${resigned()}` }), 'jwt_signature_invalid'],
    ['Authorization: Token x', () => ({ authorization: 'Token x' }), 'authorization_malformed'],
    ['an API key on a JWT-only route', () => ({ 'x-api-key': apiKey(gw.credentials, 'demo-pro') }), 'credentials_missing'],
    ['a token of an unknown issuer', () => ({ authorization: `Bearer ${resigned({ iss: 'https://issuer.unknown.example' })}` }), 'jwt_issuer_unknown'],
    ['no credentials at all', () => ({}), 'credentials_missing'],
  ] as const)('%s: 401, the static challenge, the generic body, the reason in the log', async (_name, headers, reason) => {
    const got = await refused('/v2/users', headers());
    expect(got).toEqual({
      status: 401, challenge: STATIC, requestId: expect.any(String),
      body: { message: 'Unauthorized', code: 'unauthorized', requestId: got.requestId },
      log: expect.objectContaining({ status: 401, error: 'UNAUTHORIZED', reason, route: 'api-v2-users' }),
    });
    expect(got.log.consumer).toBeUndefined();
  });

  it('answers a revoked and an unknown API key byte for byte alike; only the local log tells them apart', async () => {
    const revoked = await refused('/v1/users', { 'x-api-key': apiKey(gw.credentials, 'demo-revoked') });
    const unknown = await refused('/v1/users', { 'x-api-key': 'ghk_local_never_issued_00000000' });
    const answer = ({ status, challenge, body }: typeof revoked) => ({ status, challenge, body: { ...(body as Record<string, unknown>), requestId: '-' } });
    expect(answer(revoked)).toEqual(answer(unknown));
    expect(answer(revoked)).toEqual({ status: 401, challenge: STATIC, body: { message: 'Unauthorized', code: 'unauthorized', requestId: '-' } });
    expect([revoked.log.reason, unknown.log.reason]).toEqual(['api_key_revoked', 'api_key_unknown']);
  });

  it('logs identity_source_missing when API Gateway answers 401 without invoking the authorizer (a cached method)', async () => {
    const got = await refused('/v1/plans', {});
    expect({ status: got.status, challenge: got.challenge, reason: got.log.reason, cacheHit: got.log.authorizerCacheHit })
      .toEqual({ status: 401, challenge: STATIC, reason: 'identity_source_missing', cacheHit: undefined });
  });

  it('answers a token without the route scope with 403 and an RFC 6750 insufficient_scope challenge', async () => {
    const got = await refused('/v2/users', { authorization: `Bearer ${token}` });
    expect(got).toEqual({
      status: 403, requestId: expect.any(String),
      challenge: 'Bearer realm="gatehouse", error="insufficient_scope", error_description="missing scope: users/write", scope="users/read users/write"',
      body: { message: 'missing scope: users/write', code: 'insufficient_scope', requestId: got.requestId },
      log: expect.objectContaining({ status: 403, error: 'ACCESS_DENIED', reason: 'insufficient_scope' }),
    });
  });

  it('admits a valid credential with no challenge and no reason', async () => {
    const res = await fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': apiKey(gw.credentials, 'demo-pro') } });
    expect(res.status).toBe(200);
    expect(res.headers.get('www-authenticate')).toBeNull();
    const [line] = await gw.logs();
    expect(line.reason).toBeUndefined();
  });

  it(`survives a hostile credential corpus (${HOSTILE_CREDENTIALS.length} cases, raw HTTP) without echoing any of it`, async () => {
    const seen: [string, number][] = [];
    const reached = () => seen.filter(([, status]) => status === 401 || status === 403).length;
    for (const hostile of HOSTILE_CREDENTIALS) {
      for (const path of ['/v2/users', '/v1/users']) {
        const res = await raw(gw.url, path, hostile.headers);
        seen.push([hostile.name, res.status]);
        // The edge refuses what no HTTP/1.1 parser accepts (400, 431); the rest reaches the authorizer.
        expect([hostile.name, [400, 401, 403, 431].includes(res.status)]).toEqual([hostile.name, true]);
        expect([hostile.name, res.text.includes(MARKER)]).toEqual([hostile.name, false]);
        for (const challenge of res.challenges) {
          expect(challenge).toMatch(FIELD_VALUE);
          if (res.status === 401) expect(challenge).toBe(STATIC);
        }
        if (res.status === 401) expect(res.challenges).toEqual([STATIC]);
      }
    }
    // Most cases are valid HTTP and reach the authorizer; the rest are the edge's 400 / 431.
    expect(reached()).toBeGreaterThanOrEqual(50);
    // Still serving normally.
    expect((await fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': apiKey(gw.credentials, 'demo-pro') } })).status).toBe(200);
    const lines = await gw.logs();
    expect(lines.filter((l) => l.status === 401).every((l) => typeof l.reason === 'string' && /^[a-z_]+$/.test(l.reason))).toBe(true);
  });

  it('answers an expired token (a real one, the clock moved past exp) with 401 and logs jwt_expired', async () => {
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number };
    const current = await gw.advance(0);
    await gw.advance(exp * 1000 - current + 120_000); // past exp and the 60 s skew
    const got = await refused('/v2/users', { authorization: `Bearer ${token}` });
    expect({ status: got.status, challenge: got.challenge, body: got.body, reason: got.log.reason })
      .toEqual({ status: 401, challenge: STATIC, body: { message: 'Unauthorized', code: 'unauthorized', requestId: got.requestId }, reason: 'jwt_expired' });
  });
});

interface RawResponse { status: number; challenges: string[]; text: string }

/** One request written byte for byte (repeated headers as repeated lines, values as UTF-8), read to the end. */
function raw(url: string, path: string, headers: Readonly<Record<string, string | readonly string[]>>): Promise<RawResponse> {
  const { port } = new URL(url);
  const lines = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v: string) => `${name}: ${v}\r\n`));
  const request = Buffer.concat([Buffer.from(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n`), Buffer.from(lines.join(''), 'utf8'), Buffer.from('Connection: close\r\n\r\n')]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer for ${path}`)); }, 10_000);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const [head] = text.split('\r\n\r\n');
      const [statusLine, ...fields] = head.split('\r\n');
      resolve({
        status: Number(statusLine.split(' ')[1] ?? 0),
        challenges: fields.filter((f) => /^www-authenticate:/i.test(f)).map((f) => f.slice(f.indexOf(':') + 1).trim()),
        text,
      });
    });
    socket.write(request);
  });
}
