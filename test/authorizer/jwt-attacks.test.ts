import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import { inspectJwt, hasDuplicateKeys, isCanonicalBase64url } from '../../lambdas/authorizer/jwt-hygiene';
import { requestEvent } from './events';
import { b64, cognitoClaims, COGNITO_ISS, harness, jwksServer, keyPair, sign, signRaw, testConfig, type Keys } from './fixtures';

/**
 * The JWT attack catalogue (RFC 8725 and the classic library bugs). Every forged token must be
 * answered with exactly `Unauthorized` and the reason recorded; none may reach a key fetch.
 */
let keys: Keys;
let attacker: Keys;
let partners: { url: string; server: Server; hits: () => number };
beforeAll(async () => {
  keys = await keyPair('RS256', 'cognito-1');
  attacker = await keyPair('RS256', 'cognito-1');
  partners = await jwksServer({ keys: [] });
});
afterAll(() => partners.server.close());

const now = () => Math.floor(Date.now() / 1000);
const hdr = (over: Record<string, unknown> = {}) => ({ alg: 'RS256', kid: 'cognito-1', ...over });
const call = async (token: string) => {
  const config = testConfig(partners.url);
  const h = harness({ config, cognitoKeys: keys, partnersUrl: partners.url });
  const result = await h.authorize(requestEvent({ path: '/v2/users', headers: { Authorization: `Bearer ${token}` } })).then(
    (r) => ({ effect: r.policyDocument.Statement[0].Effect, context: r.context }),
    (e: Error) => ({ error: e.message }),
  );
  return { result, reason: h.outcomes[0]?.reason };
};

const attacks: [string, () => Promise<string> | string, string][] = [
  ['alg none', () => `${b64(hdr({ alg: 'none' }))}.${b64(cognitoClaims())}.`, 'jwt_malformed'],
  ['alg none with a fake signature', () => `${b64(hdr({ alg: 'none' }))}.${b64(cognitoClaims())}.AAAA`, 'jwt_alg'],
  ['HS256 signed with the public key as secret', () => {
    const input = `${b64(hdr({ alg: 'HS256' }))}.${b64(cognitoClaims())}`;
    const pem = keys.publicKey.export({ format: 'pem', type: 'spki' });
    return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
  }, 'jwt_alg'],
  ['PS256 (not in the allow-list)', () => sign(keys, cognitoClaims(), { alg: 'PS256' }), 'jwt_alg'],
  ['kid not in the JWKS', () => sign(keys, cognitoClaims(), { kid: 'unknown-kid' }), 'jwt_invalid'],
  ['signed by another key with the same kid', () => sign(attacker, cognitoClaims()), 'jwt_signature_invalid'],
  ['jku header injection', () => sign(attacker, cognitoClaims(), { jku: 'https://evil.example/jwks.json' }), 'jwt_header_key_source'],
  ['embedded jwk header', () => sign(attacker, cognitoClaims(), { jwk: attacker.jwk }), 'jwt_header_key_source'],
  ['x5u header injection', () => sign(attacker, cognitoClaims(), { x5u: 'https://evil.example/cert.pem' }), 'jwt_header_key_source'],
  ['x5c header injection', () => sign(attacker, cognitoClaims(), { x5c: ['MIIB'] }), 'jwt_header_key_source'],
  ['missing exp', () => { const c = cognitoClaims(); delete c.exp; return sign(keys, c); }, 'jwt_exp_missing'],
  ['exp not a number', () => sign(keys, cognitoClaims({ exp: String(now() + 600) })), 'jwt_exp_missing'],
  ['expired', () => sign(keys, cognitoClaims({ exp: now() - 3600 })), 'jwt_expired'],
  ['nbf in the future', () => sign(keys, cognitoClaims({ nbf: now() + 3600 })), 'jwt_nbf_future'],
  ['iat far in the future', () => sign(keys, cognitoClaims({ iat: now() + 3600 })), 'jwt_iat_future'],
  ['wrong iss (never fetched)', () => sign(keys, cognitoClaims({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Evil' })), 'jwt_issuer_unknown'],
  ['iss with a trailing slash', () => sign(keys, cognitoClaims({ iss: `${COGNITO_ISS}/` })), 'jwt_issuer_unknown'],
  ['id token instead of access token', () => sign(keys, cognitoClaims({ token_use: 'id', aud: 'webclient0000000000000001' })), 'jwt_claim_invalid'],
  ['token for another client', () => sign(keys, cognitoClaims({ client_id: 'anotherappclient00000001' })), 'jwt_claim_invalid'],
  ['crit header', () => sign(keys, cognitoClaims(), { crit: ['exp'] }), 'jwt_crit'],
  ['nested JWT (cty)', () => sign(keys, cognitoClaims(), { cty: 'JWT' }), 'jwt_nested'],
  ['typ of another JWT kind', () => sign(keys, cognitoClaims(), { typ: 'logout+jwt' }), 'jwt_typ'],
  ['oversized token', () => sign(keys, cognitoClaims({ pad: 'x'.repeat(9000) })), 'jwt_too_large'],
  ['malformed base64 (standard alphabet)', () => sign(keys, cognitoClaims()).then((t) => t.replace('.', '.+/')), 'jwt_malformed'],
  ['characters outside any base64', () => sign(keys, cognitoClaims()).then((t) => t.replace('.', '.*')), 'authorization_malformed'],
  ['non-canonical base64url (padding)', () => sign(keys, cognitoClaims()).then((t) => { const [h, p, s] = t.split('.'); return `${h}=.${p}.${s}`; }), 'jwt_malformed'],
  ['signature stripped', () => sign(keys, cognitoClaims()).then((t) => t.slice(0, t.lastIndexOf('.') + 1)), 'jwt_malformed'],
  ['payload tampered (scope escalation)', () => sign(keys, cognitoClaims()).then((t) => { const [h, , s] = t.split('.'); return `${h}.${b64(cognitoClaims({ scope: 'users/read users/write admin' }))}.${s}`; }), 'jwt_signature_invalid'],
  ['duplicate claims (second iss wins in JSON.parse)', () => signRaw(keys, JSON.stringify(hdr()), `{"iss":"https://evil.example","iss":"${COGNITO_ISS}","client_id":"webclient0000000000000001","token_use":"access","scope":"users/read","exp":${now() + 600}}`), 'jwt_duplicate_claims'],
  ['duplicate header members', () => signRaw(keys, '{"alg":"none","alg":"RS256","kid":"cognito-1"}', JSON.stringify(cognitoClaims())), 'jwt_duplicate_claims'],
  ['JWE (five parts)', () => 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d', 'jwt_malformed'],
  ['header is not an object', () => `${b64('"RS256"')}.${b64(cognitoClaims())}.AAAA`, 'jwt_malformed'],
  ['kid path traversal string too long', () => sign(keys, cognitoClaims(), { kid: '../'.repeat(100) }), 'jwt_kid'],
  ['kid not a string', () => sign(keys, cognitoClaims(), { kid: 1 }), 'jwt_kid'],
  ['sub not a string', () => sign(keys, cognitoClaims({ sub: 42 })), 'jwt_claim_type'],
  ['aud not a string or string array', () => sign(keys, cognitoClaims({ aud: [1] })), 'jwt_claim_type'],
  ['scope not a string', () => sign(keys, cognitoClaims({ scope: ['users/read'] })), 'jwt_claim_type'],
  ['jti not a string', () => sign(keys, cognitoClaims({ jti: { a: 1 } })), 'jwt_claim_type'],
  ['non-canonical base64url signature (unused bits set)', () => sign(keys, cognitoClaims()).then((t) => {
    const last = t[t.length - 1];
    const flipped = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(last) ^ 1];
    return t.slice(0, -1) + flipped; // same signature bytes for a lenient decoder (RS256: 342 chars, 4 unused bits)
  }), 'jwt_malformed'],
  ['__proto__ member (prototype pollution)', () => signRaw(keys, JSON.stringify(hdr()), JSON.stringify(cognitoClaims()).replace('{', '{"__proto__":{"admin":true},')), 'jwt_invalid_or_allowed'],
];

describe('JWT attack catalogue', () => {
  it.each(attacks.filter(([, , r]) => r !== 'jwt_invalid_or_allowed'))('refuses: %s', async (_name, forge, reason) => {
    const { result, reason: got } = await call(await forge());
    expect(result).toEqual({ error: 'Unauthorized' });
    expect(got).toBe(reason);
  });

  it('strips a signed __proto__ member like aws-jwt-verify does: no prototype pollution, claims unchanged', async () => {
    const token = await attacks.find(([n]) => n.startsWith('__proto__'))![1]();
    const { result } = await call(token);
    expect(result).toMatchObject({ effect: 'Allow' });
    const { payload } = inspectJwt(token, now());
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect(Object.keys(payload)).not.toContain('__proto__');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(payload).toEqual(decomposeUnverifiedJwt(token).payload);
  });

  // The catalogue above names the Cognito issuer, whose keys are injected; here every forged token
  // names the external issuer, whose JWKS the authorizer would fetch over the network.
  it('fetches no key for a forged token that names a fetchable issuer, and does fetch for a well-formed one (control)', async () => {
    const partnerClaims = (over: Record<string, unknown> = {}) => ({ iss: partners.url, aud: 'gatehouse-api', sub: 'svc-1', azp: 'partner-app', iat: now(), exp: now() + 600, ...over });
    const forged = [
      `${b64(hdr({ alg: 'none' }))}.${b64(partnerClaims())}.AAAA`,
      `${b64(hdr({ alg: 'HS256' }))}.${b64(partnerClaims())}.${createHmac('sha256', 'secret').update('x').digest('base64url')}`,
      await sign(attacker, partnerClaims(), { jku: `${partners.url}/.well-known/jwks.json` }),
      await sign(attacker, partnerClaims(), { jwk: attacker.jwk }),
      await sign(attacker, partnerClaims(), { x5u: 'https://evil.example/cert.pem' }),
      await sign(attacker, partnerClaims(), { crit: ['exp'] }),
      await sign(attacker, partnerClaims(), { kid: 'x'.repeat(300) }),
      await sign(attacker, partnerClaims({ exp: now() - 3600 })),
      await sign(attacker, partnerClaims({ nbf: now() + 3600 })),
      await sign(attacker, partnerClaims({ pad: 'x'.repeat(9000) })),
      signRaw(attacker, JSON.stringify(hdr()), `{"iss":"${partners.url}","iss":"${partners.url}","aud":"gatehouse-api","sub":"svc-1","exp":${now() + 600}}`),
    ];
    const partnerCall = async (token: string) => {
      const h = harness({ config: testConfig(partners.url), cognitoKeys: keys, partnersUrl: partners.url });
      return h.authorize(requestEvent({ path: '/v1/partners', headers: { Authorization: `Bearer ${token}` } })).then(() => 'allowed', (e: Error) => e.message);
    };
    const before = partners.hits();
    for (const token of forged) expect(await partnerCall(token)).toBe('Unauthorized');
    expect(partners.hits()).toBe(before);
    // The same issuer, a well-formed token: the authorizer fetches the (empty) JWKS, so the counter counts.
    expect(await partnerCall(await sign(attacker, partnerClaims()))).toBe('Unauthorized');
    expect(partners.hits()).toBeGreaterThan(before);
  });

  it('still accepts the genuine token (control)', async () => {
    const { result } = await call(await sign(keys, cognitoClaims()));
    expect(result).toMatchObject({ effect: 'Allow' });
  });


  it('refuses Authorization schemes other than one Bearer token', async () => {
    const token = await sign(keys, cognitoClaims());
    for (const value of [token, `bearer  ${token}`, `Basic ${token}`, `Bearer ${token} extra`]) {
      const config = testConfig(partners.url);
      const h = harness({ config, cognitoKeys: keys, partnersUrl: partners.url });
      await expect(h.authorize(requestEvent({ path: '/v2/users', headers: { Authorization: value } }))).rejects.toThrow('Unauthorized');
    }
  });
});

describe('the single decode shared with aws-jwt-verify', () => {
  let seed = 99;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  it('decodes exactly what decomposeUnverifiedJwt decodes, and refuses whatever it refuses', async () => {
    const genuine = await sign(keys, cognitoClaims({ aud: ['a', 'b'], nested: { a: [1, { b: 'c' }] }, 'we\u0069rd': 'x' }), { typ: 'at+jwt' });
    const variants = [genuine, await sign(keys, cognitoClaims({ constructor: 'x', sub: 7 }))];
    for (let i = 0; i < 400; i++) { // mutate one character of a part (header, payload or signature)
      const chars = [...genuine];
      chars[Math.floor(rnd() * chars.length)] = ALPHABET[Math.floor(rnd() * 64)];
      variants.push(chars.join(''));
    }
    for (const claims of [{ exp: 'x' }, { iss: 1 }, { aud: 5 }, { nbf: null }, { iat: '1' }, { scope: 1 }, { jti: [] }, { sub: {} }]) {
      variants.push(await sign(keys, cognitoClaims(claims)));
    }
    let accepted = 0;
    for (const token of variants) {
      let ours: ReturnType<typeof inspectJwt> | undefined;
      try { ours = inspectJwt(token, now()); } catch { /* refused by the hygiene checks */ }
      let library: ReturnType<typeof decomposeUnverifiedJwt> | undefined;
      try { library = decomposeUnverifiedJwt(token); } catch { /* refused by the library's decoder */ }
      if (!library) expect(ours).toBeUndefined();
      if (ours) {
        accepted += 1;
        expect(ours.decomposed).toEqual(library);
        expect(ours.decomposed.payload).toBe(ours.payload);
      }
    }
    expect(accepted).toBeGreaterThan(50);
  });

  it('checks canonical base64url exactly like a decode/encode round trip', () => {
    for (let i = 0; i < 5000; i++) {
      const s = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => ALPHABET[Math.floor(rnd() * 64)]).join('');
      expect([s, isCanonicalBase64url(s)]).toEqual([s, Buffer.from(s, 'base64url').toString('base64url') === s]);
    }
  });
});

describe('jwt hygiene helpers', () => {
  it('finds duplicate members at any depth, not in strings or arrays', () => {
    expect(hasDuplicateKeys('{"a":1,"b":{"c":1,"c":2}}')).toBe(true);
    expect(hasDuplicateKeys('{"a":"\\"a\\":","b":[{"a":1},{"a":2}]}')).toBe(false);
    expect(hasDuplicateKeys('{"a":1,"\\u0061":2}')).toBe(true);
  });

  it('tolerates a small clock skew only', () => {
    const t = now();
    const token = (claims: object) => `${b64(hdr())}.${b64({ iss: 'x', ...claims })}.AAAA`;
    expect(() => inspectJwt(token({ exp: t - 30 }), t)).not.toThrow();
    expect(() => inspectJwt(token({ exp: t + 60, nbf: t + 30 }), t)).not.toThrow();
    expect(() => inspectJwt(token({ exp: t - 61 }), t)).toThrow('token expired');
  });
});
