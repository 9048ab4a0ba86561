/**
 * Owns: the `WWW-Authenticate` challenges a 401 carries, per route strategy (decision 0018).
 */
import type { AUTH_STRATEGIES, GatewayConfig, RouteConfig } from '../config/schema';

/** What the API-wide challenge depends on: the routes' strategies and the API key header. */
export interface ChallengeConfig {
  readonly routes: readonly { readonly auth: Pick<RouteConfig['auth'], 'strategies'> }[];
  readonly identity: { readonly api_keys: Pick<GatewayConfig['identity']['api_keys'], 'header'> };
}

/**
 * `WWW-Authenticate` challenges (RFC 9110 section 11.6.1, RFC 6750 section 3): one truth for the
 * API's gateway responses, the authorizer and the local gateway (docs/decisions/0018-say-why-on-401.md).
 *
 * - `Bearer` (RFC 6750) for routes that accept `jwt`.
 * - `ApiKey` for routes that accept `api_key`. No API-key scheme is registered with IANA; this one
 *   is Gatehouse's own: `realm` as in RFC 6750, `header` names the request header that carries
 *   the key, and a refusal uses the same `error`, `error_description` and `scope` parameters.
 * - mTLS and anonymous routes have no HTTP authentication scheme: they add no challenge.
 */

/** The protection space of every challenge: one API, whatever its environment. */
export const REALM = 'gatehouse';
/** The challenge scheme of API keys (not IANA-registered, see above). */
export const API_KEY_SCHEME = 'ApiKey';
/** The header that carries the challenges. */
export const CHALLENGE_HEADER = 'WWW-Authenticate';

/** Which challenges a route (or the whole API) lists, in this order. */
export interface ChallengeSchemes {
  readonly bearer: boolean;
  /** The API key header, when API keys are accepted. */
  readonly apiKeyHeader?: string;
}

/** RFC 6750 section 3.1 error codes (the API-key scheme uses the same ones). */
export type ChallengeErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** The refusal a challenge carries: on the scheme of the credential that was presented. */
export interface ChallengeError {
  readonly scheme: 'jwt' | 'api_key';
  readonly error: ChallengeErrorCode;
  /** Fixed wording of Gatehouse's own; never request input. */
  readonly description: string;
  /** The scopes the resource requires (RFC 6750 `scope`), with insufficient_scope. */
  readonly scopes?: readonly string[];
}

/** The schemes of a route's strategies. */
export function routeSchemes(strategies: readonly (typeof AUTH_STRATEGIES)[number][], apiKeyHeader: string): ChallengeSchemes {
  return { bearer: strategies.includes('jwt'), apiKeyHeader: strategies.includes('api_key') ? apiKeyHeader : undefined };
}

/**
 * The schemes of every route of the API: what the UNAUTHORIZED gateway response lists. API
 * Gateway's gateway responses belong to the whole REST API, never to a method, so a 401 cannot
 * list only the schemes of the route that was called.
 */
export function apiSchemes(config: ChallengeConfig): ChallengeSchemes {
  const strategies = new Set(config.routes.flatMap((r) => r.auth.strategies));
  return routeSchemes([...strategies], config.identity.api_keys.header);
}

/**
 * The `WWW-Authenticate` value: one challenge per scheme, the refusal (if any) on the scheme of the
 * presented credential. Undefined when no scheme applies (mTLS or anonymous only).
 *
 * @example challengeValue({ bearer: true, apiKeyHeader: 'x-api-key' })
 * // 'Bearer realm="gatehouse", ApiKey realm="gatehouse", header="x-api-key"'
 */
export function challengeValue(schemes: ChallengeSchemes, refusal?: ChallengeError): string | undefined {
  const challenges: string[] = [];
  const params = (kind: ChallengeError['scheme']): string => {
    if (refusal?.scheme !== kind) return '';
    const scope = (refusal.scopes ?? []).filter((s) => SCOPE_TOKEN.test(s)).join(' ');
    return `, error="${refusal.error}", error_description="${quotedText(refusal.description)}"${scope ? `, scope="${scope}"` : ''}`;
  };
  if (schemes.bearer) challenges.push(`Bearer realm="${REALM}"${params('jwt')}`);
  if (schemes.apiKeyHeader) challenges.push(`${API_KEY_SCHEME} realm="${REALM}", header="${schemes.apiKeyHeader}"${params('api_key')}`);
  return challenges.length > 0 ? challenges.join(', ') : undefined;
}

/** RFC 6750 scope-token: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** Characters RFC 6750 allows in error_description: printable ASCII and space, but `"` and `\`. */
const NOT_DESCRIPTION_TEXT = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;

/** Descriptions are fixed strings; this only guarantees a well-formed header whatever they hold. */
function quotedText(text: string): string {
  return text.replace(NOT_DESCRIPTION_TEXT, '');
}
