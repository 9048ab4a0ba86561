import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import { inspectJwt, type JwtHygieneOptions } from '../../lambdas/authorizer/jwt-hygiene';
import { AuthenticationError } from '../../lambdas/authorizer/errors';

/**
 * Every check jwt-hygiene.ts makes before signature verification, each at its boundary, with the
 * reason code the authorizer records and the message that says why. Pure: no keys, no servers
 * (the signature is never verified here, so `AAAA` stands in for one).
 */
const NOW = 1_800_000_000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const enc = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const HEADER = { alg: 'RS256', kid: 'k1' };
const CLAIMS = { iss: 'https://issuer.example', exp: NOW + 600 };
/** A token from header and payload (objects merged over the defaults, or raw JSON text). */
const token = (header: object | string = {}, payload: object | string = {}, signature = 'AAAA') =>
  `${enc(typeof header === 'string' ? header : { ...HEADER, ...header })}.${enc(typeof payload === 'string' ? payload : { ...CLAIMS, ...payload })}.${signature}`;

type Outcome = 'accepted' | { reason: string; message: string };
const outcome = (jwt: string, options?: JwtHygieneOptions, now = NOW): Outcome => {
  try {
    inspectJwt(jwt, now, options);
    return 'accepted';
  } catch (e) {
    if (!(e instanceof AuthenticationError)) throw e;
    return { reason: e.reason, message: e.message };
  }
};
const refused = (reason: string, message: string) => ({ reason, message });

/** The same base64url text with its last character changed so that unused low bits are set. */
const nonCanonical = (segment: string) => (segment.length % 4 === 0
  ? `${segment}A` // a dangling single character
  : segment.slice(0, -1) + ALPHABET[ALPHABET.indexOf(segment[segment.length - 1]) ^ 1]);

/** A token of exactly `length` characters (a padding claim and the signature length adjust it). */
function tokenOfLength(length: number): string {
  for (let pad = 0; pad < length; pad++) {
    for (const signature of ['AA', 'AAA', 'AAAA']) {
      const t = token({}, { pad: 'x'.repeat(pad) }, signature);
      if (t.length === length) return t;
    }
  }
  throw new Error(`no token of ${length} characters`);
}

/** A header whose JSON text is exactly `bytes` bytes long. */
const headerOfBytes = (bytes: number) => JSON.stringify({ ...HEADER, x: 'x'.repeat(bytes - JSON.stringify({ ...HEADER, x: '' }).length) });

describe('JWT hygiene: size and shape', () => {
  it('accepts a token of 8,192 characters and refuses one of 8,193, or over a configured maximum', () => {
    expect(outcome(tokenOfLength(8192))).toBe('accepted');
    expect(outcome(tokenOfLength(8193))).toEqual(refused('jwt_too_large', 'token longer than 8192 characters'));
    expect(outcome(tokenOfLength(400), { maxTokenLength: 400 })).toBe('accepted');
    expect(outcome(tokenOfLength(401), { maxTokenLength: 400 })).toEqual(refused('jwt_too_large', 'token longer than 400 characters'));
  });

  it.each([
    ['no dot', 'abc'],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['five parts (JWE)', 'a.b.c.d.e'],
  ])('refuses %s: a JWS has exactly three parts', (_name, jwt) => {
    expect(outcome(jwt)).toEqual(refused('jwt_malformed', 'a JWS has three dot-separated parts (JWE and unsigned tokens are refused)'));
  });

  it.each([
    ['an empty header', `.${enc(CLAIMS)}.AAAA`],
    ['an empty payload', `${enc(HEADER)}..AAAA`],
    ['an empty signature (unsigned)', `${enc(HEADER)}.${enc(CLAIMS)}.`],
    ['a header in the standard alphabet', `${enc(HEADER)}+.${enc(CLAIMS)}.AAAA`],
    ['a payload with padding', `${enc(HEADER)}.${enc(CLAIMS)}=.AAAA`],
    ['a signature with a slash', `${enc(HEADER)}.${enc(CLAIMS)}.AA/A`],
  ])('refuses %s: every part is non-empty base64url', (_name, jwt) => {
    expect(outcome(jwt)).toEqual(refused('jwt_malformed', 'a part is empty or not base64url'));
  });

  it('accepts a header of 1,024 bytes and refuses one of 1,025, or over a configured maximum', () => {
    expect(outcome(token(headerOfBytes(1024)))).toBe('accepted');
    expect(outcome(token(headerOfBytes(1025)))).toEqual(refused('jwt_header_too_large', 'header too large'));
    expect(outcome(token(headerOfBytes(60)), { maxHeaderBytes: 60 })).toBe('accepted');
    expect(outcome(token(headerOfBytes(61)), { maxHeaderBytes: 60 })).toEqual(refused('jwt_header_too_large', 'header too large'));
  });

  it('accepts only the one canonical base64url spelling of each part', () => {
    const [h, p] = token().split('.');
    expect(outcome(`${h}.${p}.AB`)).toEqual(refused('jwt_malformed', 'signature is not canonical base64url'));
    // One character past a group of four carries no whole byte: never canonical, whatever its bits.
    for (const signature of ['AAAAA', 'AAAAB', 'AAAAE', 'AAAAQ']) {
      expect([signature, outcome(`${h}.${p}.${signature}`)]).toEqual([signature, refused('jwt_malformed', 'signature is not canonical base64url')]);
    }
    // Two characters past a group of four carry one byte: the last one's low 4 bits are unused;
    // three carry two bytes: its low 2 bits are unused.
    for (const signature of ['AAAAAB', 'AAAAAE', 'AAAAAI', 'AAAAAAB', 'AAAAAAC']) {
      expect([signature, outcome(`${h}.${p}.${signature}`)]).toEqual([signature, refused('jwt_malformed', 'signature is not canonical base64url')]);
    }
    for (const signature of ['AAAAAQ', 'AAAAAw', 'AAAAAAE', 'AAAAAA8']) expect([signature, outcome(`${h}.${p}.${signature}`)]).toEqual([signature, 'accepted']);
    expect(outcome(`${nonCanonical(h)}.${p}.AAAA`)).toEqual(refused('jwt_malformed', 'header is not canonical base64url'));
    expect(outcome(`${h}.${nonCanonical(p)}.AAAA`)).toEqual(refused('jwt_malformed', 'payload is not canonical base64url'));
  });

  it.each([
    ['header', 'not JSON', token('{"alg":"RS256"'), 'header is not JSON'],
    ['payload', 'not JSON', token({}, '{"iss":'), 'payload is not JSON'],
    ['header', 'a string', token('"RS256"'), 'header is not a JSON object'],
    ['header', 'null', token('null'), 'header is not a JSON object'],
    ['header', 'an array', token('[{"alg":"RS256","kid":"k1"}]'), 'header is not a JSON object'],
    ['payload', 'null', token({}, 'null'), 'payload is not a JSON object'],
    ['payload', 'an array', token({}, `[${JSON.stringify(CLAIMS)}]`), 'payload is not a JSON object'],
    ['payload', 'a number', token({}, '42'), 'payload is not a JSON object'],
  ])('refuses a %s that is %s', (_part, _what, jwt, message) => {
    expect(outcome(jwt)).toEqual(refused('jwt_malformed', message));
  });

  it('refuses duplicate members in the header or the payload, naming the part', () => {
    expect(outcome(token('{"alg":"RS256","kid":"k1","kid":"k2"}'))).toEqual(refused('jwt_duplicate_claims', 'header has duplicate members'));
    expect(outcome(token({}, `{"iss":"a","exp":${NOW + 600},"iss":"b"}`))).toEqual(refused('jwt_duplicate_claims', 'payload has duplicate members'));
  });
});

describe('JWT hygiene: the header', () => {
  it.each(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])('accepts alg %s', (alg) => {
    expect(outcome(token({ alg }))).toBe('accepted');
  });

  it.each([['none'], ['HS256'], ['PS256'], ['rs256'], [undefined], [256]])('refuses alg %s', (alg) => {
    expect(outcome(token({ alg }))).toEqual(refused('jwt_alg', `alg ${String(alg)} is not allowed`));
  });

  it.each(['jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256'])('refuses the key-source header parameter %s, whatever its value', (param) => {
    for (const value of ['https://evil.example', null, false]) {
      expect(outcome(token({ [param]: value }))).toEqual(refused('jwt_header_key_source', `header parameter ${param} is not accepted`));
    }
  });

  it.each([
    ['crit', 'jwt_crit', 'no critical header extensions are understood'],
    ['cty', 'jwt_nested', 'nested tokens (cty) are not accepted'],
    ['b64', 'jwt_header', 'unsupported header parameter'],
    ['zip', 'jwt_header', 'unsupported header parameter'],
    ['enc', 'jwt_header', 'unsupported header parameter'],
  ])('refuses the header parameter %s', (param, reason, message) => {
    expect(outcome(token({ [param]: 'x' }))).toEqual(refused(reason, message));
  });

  it.each(['jwt', 'JWT', 'at+jwt', 'AT+JWT', 'application/jwt', 'application/at+jwt', 'Application/At+JWT'])('accepts typ %s (case-insensitive)', (typ) => {
    expect(outcome(token({ typ }))).toBe('accepted');
  });

  it('accepts a token without typ', () => {
    expect(outcome(token())).toBe('accepted');
  });

  it.each([['logout+jwt'], ['JWS'], ['secevent+jwt'], [''], [1], [null]])('refuses typ %s', (typ) => {
    expect(outcome(token({ typ }))).toEqual(refused('jwt_typ', `typ ${String(typ)} is not an access token type`));
  });

  it('requires a kid of 1 to 256 characters', () => {
    expect(outcome(token({ kid: 'k' }))).toBe('accepted');
    expect(outcome(token({ kid: 'k'.repeat(256) }))).toBe('accepted');
    for (const kid of ['', 'k'.repeat(257), 7, undefined, ['k1']]) {
      expect([kid, outcome(token({ kid }))]).toEqual([kid, refused('jwt_kid', 'kid missing or invalid')]);
    }
  });
});

describe('JWT hygiene: the claims', () => {
  it('requires a non-empty string iss', () => {
    for (const iss of [undefined, '', 7, ['https://issuer.example']]) {
      expect([iss, outcome(token({}, { iss }))]).toEqual([iss, refused('jwt_iss', 'iss missing')]);
    }
  });

  it('requires a finite number exp', () => {
    for (const exp of [undefined, String(NOW + 600), null]) {
      expect([exp, outcome(token({}, { exp }))]).toEqual([exp, refused('jwt_exp_missing', 'exp missing')]);
    }
    // JSON numbers too large for a double parse as Infinity.
    expect(outcome(token({}, '{"iss":"https://issuer.example","exp":1e999}'))).toEqual(refused('jwt_exp_missing', 'exp missing'));
  });

  it('refuses a token that expired more than the skew (60 s) ago, and honours a configured skew', () => {
    expect(outcome(token({}, { exp: NOW - 59 }))).toBe('accepted');
    expect(outcome(token({}, { exp: NOW - 60 }))).toEqual(refused('jwt_expired', 'token expired'));
    expect(outcome(token({}, { exp: NOW + 1 }), { skewSeconds: 0 })).toBe('accepted');
    expect(outcome(token({}, { exp: NOW }), { skewSeconds: 0 })).toEqual(refused('jwt_expired', 'token expired'));
  });

  it.each(['nbf', 'iat'])('accepts %s up to the skew in the future and refuses it beyond', (claim) => {
    expect(outcome(token({}, { [claim]: NOW - 3600 }))).toBe('accepted');
    expect(outcome(token({}, { [claim]: NOW + 60 }))).toBe('accepted');
    expect(outcome(token({}, { [claim]: NOW + 61 }))).toEqual(refused(`jwt_${claim}_future`, `${claim} is in the future`));
    expect(outcome(token({}, { [claim]: NOW }), { skewSeconds: 0 })).toBe('accepted');
    expect(outcome(token({}, { [claim]: NOW + 1 }), { skewSeconds: 0 })).toEqual(refused(`jwt_${claim}_future`, `${claim} is in the future`));
  });

  it.each(['nbf', 'iat'])('refuses %s that is not a finite number', (claim) => {
    for (const value of [String(NOW), null, true]) {
      expect([value, outcome(token({}, { [claim]: value }))]).toEqual([value, refused(`jwt_${claim}`, `${claim} is not a number`)]);
    }
    for (const huge of ['1e999', '-1e999']) {
      expect([huge, outcome(token({}, `{"iss":"https://issuer.example","exp":${NOW + 600},"${claim}":${huge}}`))]).toEqual([huge, refused(`jwt_${claim}`, `${claim} is not a number`)]);
    }
  });

  it.each(['sub', 'scope', 'jti'])('accepts %s as a string or absent, refuses any other type', (claim) => {
    expect(outcome(token({}, { [claim]: 'x' }))).toBe('accepted');
    for (const value of [1, null, ['x'], { x: 1 }, false]) {
      expect([value, outcome(token({}, { [claim]: value }))]).toEqual([value, refused('jwt_claim_type', `${claim} is not a string`)]);
    }
  });

  it('accepts aud as a string or an array of strings, refuses anything else', () => {
    for (const aud of ['api', ['api'], ['api', 'other'], []]) expect([aud, outcome(token({}, { aud }))]).toEqual([aud, 'accepted']);
    for (const aud of [5, null, { api: true }, [1], ['api', 1], [['api']]]) {
      expect([aud, outcome(token({}, { aud }))]).toEqual([aud, refused('jwt_claim_type', 'aud is not a string or an array of strings')]);
    }
  });
});

describe('JWT hygiene: what an accepted token yields', () => {
  it('returns the header, the payload, the issuer and the same decode in aws-jwt-verify\'s shape', () => {
    const jwt = token({ typ: 'at+jwt' }, { sub: 'svc-1', aud: ['a', 'b'], nested: { a: [1, { b: 'c' }] } }, 'AAAAAA');
    const [headerB64, payloadB64, signatureB64] = jwt.split('.');
    const inspected = inspectJwt(jwt, NOW);
    expect(inspected.header).toEqual({ ...HEADER, typ: 'at+jwt' });
    expect(inspected.payload).toEqual({ ...CLAIMS, sub: 'svc-1', aud: ['a', 'b'], nested: { a: [1, { b: 'c' }] } });
    expect(inspected.issuer).toBe(CLAIMS.iss);
    expect(inspected.decomposed).toEqual({ header: inspected.header, headerB64, payload: inspected.payload, payloadB64, signatureB64 });
    expect(inspected.decomposed.header).toBe(inspected.header);
    expect(inspected.decomposed.payload).toBe(inspected.payload);
    expect(inspected.decomposed).toEqual(decomposeUnverifiedJwt(jwt));
  });

  it.each([
    ['payload', 'constructor', token({}, `{"constructor":"x","iss":"https://issuer.example","exp":${NOW + 600}}`)],
    ['payload', '__proto__', token({}, `{"__proto__":{"admin":true},"iss":"https://issuer.example","exp":${NOW + 600}}`)],
    ['payload', 'a nested constructor', token({}, `{"iss":"https://issuer.example","exp":${NOW + 600},"ctx":{"constructor":{"admin":true}}}`)],
    ['header', '__proto__', token('{"alg":"RS256","kid":"k1","__proto__":{"admin":true}}')],
    ['header', 'constructor', token('{"alg":"RS256","kid":"k1","constructor":"x"}')],
  ])('drops a %s member named %s, as aws-jwt-verify\'s decoder does', (part, _name, jwt) => {
    const inspected = inspectJwt(jwt, NOW);
    const decoded = part === 'header' ? inspected.header : inspected.payload;
    expect(Object.keys(decoded)).not.toContain('constructor');
    expect(Object.keys(decoded)).not.toContain('__proto__');
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(JSON.stringify(decoded)).not.toContain('admin');
    expect(inspected.decomposed).toEqual(decomposeUnverifiedJwt(jwt));
  });

  it('keeps member names that only contain __proto__ or constructor', () => {
    const inspected = inspectJwt(token({}, { my_constructor: 1, __proto__x: 2 }), NOW);
    expect(inspected.payload).toMatchObject({ my_constructor: 1, __proto__x: 2 });
  });
});
