import { AuthenticationError } from './errors';

/**
 * RFC 8725 checks that run BEFORE signature verification (and before any JWKS fetch), on top of
 * what aws-jwt-verify enforces (alg none / symmetric algs / unknown kid / embedded jwk rejected).
 */
export const ALLOWED_ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);
/** Explicit typing (RFC 8725 3.11): plain JWTs and OAuth access tokens (RFC 9068) only. */
const ALLOWED_TYP = new Set(['jwt', 'at+jwt', 'application/jwt', 'application/at+jwt']);
/** Header parameters that make a verifier fetch or trust key material named by the token. */
const FORBIDDEN_HEADER_PARAMS = ['jku', 'jwk', 'x5u', 'x5c', 'x5t', 'x5t#S256'];

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
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Decodes and checks a compact JWS; throws {@link AuthenticationError} with a reason code. */
export function inspectJwt(token: string, nowSeconds: number, options: JwtHygieneOptions = {}): InspectedJwt {
  const maxLength = options.maxTokenLength ?? 8192;
  const skew = options.skewSeconds ?? 60;
  if (token.length > maxLength) throw reject('jwt_too_large', `token longer than ${maxLength} characters`);
  const parts = token.split('.');
  if (parts.length !== 3) throw reject('jwt_malformed', 'a JWS has three dot-separated parts (JWE and unsigned tokens are refused)');
  if (!parts.every((p) => SEGMENT.test(p))) throw reject('jwt_malformed', 'a part is empty or not base64url');
  if (parts[0].length > Math.ceil(((options.maxHeaderBytes ?? 1024) * 4) / 3)) throw reject('jwt_header_too_large', 'header too large');

  const header = decodeJson(parts[0], 'header');
  const payload = decodeJson(parts[1], 'payload');

  if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.has(header.alg)) throw reject('jwt_alg', `alg ${String(header.alg)} is not allowed`);
  for (const p of FORBIDDEN_HEADER_PARAMS) if (p in header) throw reject('jwt_header_key_source', `header parameter ${p} is not accepted`);
  if ('crit' in header) throw reject('jwt_crit', 'no critical header extensions are understood');
  if ('cty' in header) throw reject('jwt_nested', 'nested tokens (cty) are not accepted');
  if ('b64' in header || 'zip' in header || 'enc' in header) throw reject('jwt_header', 'unsupported header parameter');
  if (header.typ !== undefined && (typeof header.typ !== 'string' || !ALLOWED_TYP.has(header.typ.toLowerCase()))) {
    throw reject('jwt_typ', `typ ${String(header.typ)} is not an access token type`);
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 256) throw reject('jwt_kid', 'kid missing or invalid');

  if (typeof payload.iss !== 'string' || payload.iss.length === 0) throw reject('jwt_iss', 'iss missing');
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) throw reject('jwt_exp_missing', 'exp missing');
  if (payload.exp <= nowSeconds - skew) throw reject('jwt_expired', 'token expired');
  for (const claim of ['nbf', 'iat'] as const) {
    const v = payload[claim];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw reject(`jwt_${claim}`, `${claim} is not a number`);
    if (v > nowSeconds + skew) throw reject(`jwt_${claim}_future`, `${claim} is in the future`);
  }
  return { header, payload, issuer: payload.iss };
}

function decodeJson(segment: string, part: string): Record<string, unknown> {
  const bytes = Buffer.from(segment, 'base64url');
  // Canonical encoding only: a token has exactly one textual form.
  if (bytes.toString('base64url') !== segment) throw reject('jwt_malformed', `${part} is not canonical base64url`);
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw reject('jwt_malformed', `${part} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw reject('jwt_malformed', `${part} is not a JSON object`);
  if (hasDuplicateKeys(text)) throw reject('jwt_duplicate_claims', `${part} has duplicate members`);
  return value as Record<string, unknown>;
}

/** True when any JSON object in `json` (already known to be valid JSON) repeats a member name. */
export function hasDuplicateKeys(json: string): boolean {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === '{') stack.push(new Set());
    else if (ch === '[') stack.push(null);
    else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      let k = j + 1;
      while (k < json.length && /\s/.test(json[k])) k++;
      if (top && json[k] === ':') {
        const key = JSON.parse(json.slice(i, j + 1)) as string;
        if (top.has(key)) return true;
        top.add(key);
      }
      i = j;
    }
  }
  return false;
}

function reject(reason: string, message: string): AuthenticationError {
  return new AuthenticationError(reason, message);
}
