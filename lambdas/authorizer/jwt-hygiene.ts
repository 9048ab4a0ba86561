import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse';
import { REASON, type UnauthorizedReason } from '../../lib/contract/authorizer-context';
import { AuthenticationError } from './errors';

/**
 * RFC 8725 checks that run BEFORE signature verification (and before any JWKS fetch), on top of
 * what aws-jwt-verify enforces (alg none / symmetric algs / unknown kid / embedded jwk rejected).
 *
 * The token is decoded here ONCE: the result is also aws-jwt-verify's `DecomposedJwt`, handed to
 * its verifier (token-verifier.ts) so it does not decode the token again. This decoder is at least
 * as strict as the library's `decomposeUnverifiedJwt` (same member types asserted, same
 * prototype-pollution stripping; test/authorizer/jwt-attacks.test.ts checks both differentially).
 */
export const ALLOWED_ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);
/** Explicit typing (RFC 8725 3.11): plain JWTs and OAuth access tokens (RFC 9068) only. */
const ALLOWED_TYP = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt']);
/** Header parameters that make a verifier fetch or trust key material named by the token. */
const FORBIDDEN_HEADER_PARAMS = ['jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256'];
/** Claims aws-jwt-verify requires to be strings when present (its `assertJwtPayload`). */
const STRING_CLAIMS = ['sub', 'scope', 'jti'] as const;

export interface JwtHygieneOptions {
  /** @default 8192 */
  readonly maxTokenLength?: number;
  /** @default 1024 */
  readonly maxHeaderBytes?: number;
  /** Tolerated clock difference for nbf / iat / exp. @default 60 */
  readonly skewSeconds?: number;
}

export interface InspectedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly issuer: string;
  /** The same decoded token in aws-jwt-verify's shape, for its verifier (no second decode). */
  readonly decomposed: DecomposedJwt;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Decodes and checks a compact JWS; throws {@link AuthenticationError} with a reason code. */
export function inspectJwt(token: string, nowSeconds: number, options: JwtHygieneOptions = {}): InspectedJwt {
  const maxLength = options.maxTokenLength ?? 8192;
  const skew = options.skewSeconds ?? 60;
  if (token.length > maxLength) throw reject(REASON.jwtTooLarge, `token longer than ${maxLength} characters`);
  const dot1 = token.indexOf('.');
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) throw reject(REASON.jwtMalformed, 'a JWS has three dot-separated parts (JWE and unsigned tokens are refused)');
  const headerB64 = token.slice(0, dot1);
  const payloadB64 = token.slice(dot1 + 1, dot2);
  const signatureB64 = token.slice(dot2 + 1);
  if (!SEGMENT.test(headerB64) || !SEGMENT.test(payloadB64) || !SEGMENT.test(signatureB64)) throw reject(REASON.jwtMalformed, 'a part is empty or not base64url');
  if (headerB64.length > Math.ceil(((options.maxHeaderBytes ?? 1024) * 4) / 3)) throw reject(REASON.jwtHeaderTooLarge, 'header too large');
  // Canonical encoding only: a token has exactly one textual form (signature included).
  if (!isCanonicalBase64url(signatureB64)) throw reject(REASON.jwtMalformed, 'signature is not canonical base64url');

  const header = decodeJson(headerB64, 'header');
  const payload = decodeJson(payloadB64, 'payload');

  if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.has(header.alg)) throw reject(REASON.jwtAlg, `alg ${String(header.alg)} is not allowed`);
  for (const p of FORBIDDEN_HEADER_PARAMS) if (p in header) throw reject(REASON.jwtHeaderKeySource, `header parameter ${p} is not accepted`);
  if ('crit' in header) throw reject(REASON.jwtCrit, 'no critical header extensions are understood');
  if ('cty' in header) throw reject(REASON.jwtNested, 'nested tokens (cty) are not accepted');
  if ('b64' in header || 'zip' in header || 'enc' in header) throw reject(REASON.jwtHeader, 'unsupported header parameter');
  if (header.typ !== undefined && (typeof header.typ !== 'string' || !ALLOWED_TYP.has(header.typ.toLowerCase()))) {
    throw reject(REASON.jwtTyp, `typ ${String(header.typ)} is not an access token type`);
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 256) throw reject(REASON.jwtKid, 'kid missing or invalid');

  if (typeof payload.iss !== 'string' || payload.iss.length === 0) throw reject(REASON.jwtIss, 'iss missing');
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) throw reject(REASON.jwtExpMissing, 'exp missing');
  if (payload.exp <= nowSeconds - skew) throw reject(REASON.jwtExpired, 'token expired');
  for (const claim of ['nbf', 'iat'] as const) {
    const v = payload[claim];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw reject(`jwt_${claim}`, `${claim} is not a number`);
    if (v > nowSeconds + skew) throw reject(`jwt_${claim}_future`, `${claim} is in the future`);
  }
  for (const claim of STRING_CLAIMS) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'string') throw reject(REASON.jwtClaimType, `${claim} is not a string`);
  }
  const aud = payload.aud;
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) {
    throw reject(REASON.jwtClaimType, 'aud is not a string or an array of strings');
  }
  return {
    header,
    payload,
    issuer: payload.iss,
    decomposed: { header: header as JwtHeader, headerB64, payload: payload as JwtPayload, payloadB64, signatureB64 },
  };
}

function decodeJson(segment: string, part: string): Record<string, unknown> {
  if (!isCanonicalBase64url(segment)) throw reject(REASON.jwtMalformed, `${part} is not canonical base64url`);
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw reject(REASON.jwtMalformed, `${part} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw reject(REASON.jwtMalformed, `${part} is not a JSON object`);
  const members = scanMembers(text);
  if (members & DUPLICATE) throw reject(REASON.jwtDuplicateClaims, `${part} has duplicate members`);
  // Rare: parse again the way aws-jwt-verify does (drops __proto__ / constructor at every depth),
  // so the verifier sees exactly the object its own decoder would have produced.
  if (members & PROTOTYPE_NAME) return safeJsonParse(text) as Record<string, unknown>;
  return value as Record<string, unknown>;
}

const B64URL_VALUE = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('').forEach((c, i) => { B64URL_VALUE[c.charCodeAt(0)] = i; });

/**
 * True when `segment` (already known to use only the base64url alphabet, no padding) is the one
 * canonical encoding of its bytes: not a dangling single character, and the unused low bits of the
 * last character are zero. Equivalent to `Buffer.from(s, 'base64url').toString('base64url') === s`
 * without the round trip.
 */
export function isCanonicalBase64url(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 1) return false;
  if (rest === 0) return true;
  const last = B64URL_VALUE[segment.charCodeAt(segment.length - 1)];
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

const DUPLICATE = 1;
const PROTOTYPE_NAME = 2;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One pass over `json` (already known to be valid JSON) collecting the member names of every
 * object: DUPLICATE when an object repeats a name (JSON.parse silently keeps the last one),
 * PROTOTYPE_NAME when a name is `__proto__` or `constructor`.
 */
function scanMembers(json: string): number {
  const stack: (Set<string> | null)[] = [];
  let flags = 0;
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (ch === 0x7b) stack.push(new Set()); // {
    else if (ch === 0x5b) stack.push(null); // [
    else if (ch === 0x7d || ch === 0x5d) stack.pop(); // } ]
    else if (ch === QUOTE) {
      let j = i + 1;
      let escaped = false;
      for (let c = json.charCodeAt(j); c !== QUOTE; c = json.charCodeAt(j)) {
        if (c === BACKSLASH) { escaped = true; j += 2; } else j += 1;
      }
      let k = j + 1;
      for (let c = json.charCodeAt(k); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = json.charCodeAt(k)) k++;
      const members = stack[stack.length - 1];
      if (members && json.charCodeAt(k) === 0x3a) { // a member name is followed by ':'
        const name = escaped ? (JSON.parse(json.slice(i, j + 1)) as string) : json.slice(i + 1, j);
        if (members.has(name)) flags |= DUPLICATE;
        members.add(name);
        if (name === '__proto__' || name === 'constructor') flags |= PROTOTYPE_NAME;
      }
      i = j;
    }
  }
  return flags;
}

/** True when any JSON object in `json` (already known to be valid JSON) repeats a member name. */
export function hasDuplicateKeys(json: string): boolean {
  return (scanMembers(json) & DUPLICATE) !== 0;
}

function reject(reason: UnauthorizedReason, message: string): AuthenticationError {
  return new AuthenticationError(reason, message);
}
