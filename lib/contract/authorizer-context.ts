/**
 * Owns: the names of the authorizer context keys that other components act on (gateway
 * responses, the local twin, metrics).
 */
import type { RATE_LIMIT_HEADERS } from './headers';

/**
 * The parts of the authorizer's flat context that other components act on: the API's gateway
 * responses, the local gateway and the metrics. One truth for their names.
 */

/**
 * Every `reason` the authorizer gives: in a Deny's context, in its decision log line and metric
 * dimension, and (locally) in the request log behind a 401. One table, so a reason is never a
 * bare string. A string enum rather than an `as const` object: esbuild inlines each member where it
 * is used, so the table costs the size-bound deploy bundle nothing (decision 0012); {@link Reason}
 * is the union of its values.
 */
export enum REASON {
  // What changes the gateway's answer.
  /** Over the minute/hour limit: answered as the configured 429 (decision 0007). */
  rateLimited = 'rate_limited',
  /** Over the tier's quota (per day, week or month): the configured 429 with this code. */
  quotaExceeded = 'quota_exceeded',
  /**
   * Redis unavailable with `fault_tolerant: false`: the authorizer fails (never a cached
   * decision), answered 503 through API Gateway's AUTHORIZER_FAILURE response.
   */
  limiterUnavailable = 'rate_limiter_unavailable',
  /**
   * The route's service has an open circuit breaker (lib/resilience/): answered 503 with the
   * breaker's Retry-After, through ACCESS_DENIED and the edge's status override (decision 0023).
   */
  circuitOpen = 'circuit_open',
  /** The route or its service is in maintenance (config, or the breaker forced open): 503 as above. */
  maintenance = 'maintenance',
  /** A granted credential without the route's scopes: the 403 carries an RFC 6750 insufficient_scope challenge. */
  insufficientScope = 'insufficient_scope',

  // Refusals of an authenticated caller (403, or 401 where a 403 would confirm an API key).
  noRoute = 'no_route',
  revoked = 'revoked',
  ipNotAllowed = 'ip_not_allowed',
  credentialNotAccepted = 'credential_not_accepted',
  issuerNotAccepted = 'issuer_not_accepted',
  groupRequired = 'group_required',
  tenantMismatch = 'tenant_mismatch',

  // Missing or unusable credentials (401).
  malformedEvent = 'malformed_event',
  certMissing = 'cert_missing',
  credentialsMissing = 'credentials_missing',
  authorizationMalformed = 'authorization_malformed',
  claimMissing = 'claim_missing',
  claimMalformed = 'claim_malformed',
  recordMalformed = 'record_malformed',
  apiKeyMalformed = 'api_key_malformed',
  apiKeyUnknown = 'api_key_unknown',
  apiKeyRevoked = 'api_key_revoked',
  certNotValidNow = 'cert_not_valid_now',
  certIssuerMissing = 'cert_issuer_missing',
  certUnknown = 'cert_unknown',
  jwtTooLarge = 'jwt_too_large',
  jwtMalformed = 'jwt_malformed',
  jwtHeaderTooLarge = 'jwt_header_too_large',
  jwtAlg = 'jwt_alg',
  jwtHeaderKeySource = 'jwt_header_key_source',
  jwtCrit = 'jwt_crit',
  jwtNested = 'jwt_nested',
  jwtHeader = 'jwt_header',
  jwtTyp = 'jwt_typ',
  jwtKid = 'jwt_kid',
  jwtIss = 'jwt_iss',
  jwtExpMissing = 'jwt_exp_missing',
  jwtExpired = 'jwt_expired',
  jwtNbf = 'jwt_nbf',
  jwtNbfFuture = 'jwt_nbf_future',
  jwtIat = 'jwt_iat',
  jwtIatFuture = 'jwt_iat_future',
  jwtClaimType = 'jwt_claim_type',
  jwtDuplicateClaims = 'jwt_duplicate_claims',
  jwtIssuerUnknown = 'jwt_issuer_unknown',
  jwtSignatureInvalid = 'jwt_signature_invalid',
  jwtKidUnknown = 'jwt_kid_unknown',
  jwtAudienceInvalid = 'jwt_audience_invalid',
  jwtClaimInvalid = 'jwt_claim_invalid',
  jwtInvalid = 'jwt_invalid',

  // A dependency failed: never a decision.
  consumerStoreUnavailable = 'consumer_store_unavailable',
}

/** Any reason of the table, as its string value (what the context, the logs and the tests hold). */
export type Reason = `${REASON}`;

/** Why an authenticated caller is refused (a Deny, or the 401 of a refused API key, decision 0018). */
export type DenyReason = `${REASON.noRoute | REASON.revoked | REASON.ipNotAllowed | REASON.credentialNotAccepted | REASON.issuerNotAccepted
  | REASON.insufficientScope | REASON.groupRequired | REASON.tenantMismatch}`;

/** Why a request is shed: answered 503 without calling the upstream. */
export type ShedReason = `${REASON.circuitOpen | REASON.maintenance}`;

/** Why a caller is answered 401: no usable credential. */
export type UnauthorizedReason = Exclude<Reason, DenyReason | ShedReason | `${REASON.rateLimited | REASON.quotaExceeded | REASON.limiterUnavailable | REASON.consumerStoreUnavailable}`>
  | `${REASON.ipNotAllowed}`;

/**
 * Context key of a Deny's `WWW-Authenticate` value (lib/contract/challenges.ts): set only where the
 * refusal has an RFC 6750 error of its own (insufficient_scope); ACCESS_DENIED maps it to the header.
 * Unlike `message` and `reason` it holds `"` (quoted strings): it reaches a header, never a body template.
 */
export const CHALLENGE_CONTEXT = 'wwwAuthenticate';

/** Context keys that are not client headers (a string enum, inlined like {@link REASON}). */
export enum USAGE_CONTEXT {
  /** Seconds until the consumer's usage plan quota period ends (Retry-After of QUOTA_EXCEEDED). */
  quotaReset = 'quotaReset',
}

/**
 * The key under which a shed request's authorizer result carries its reason as an object. API
 * Gateway accepts flat context values only, so it rejects that result and answers
 * AUTHORIZER_CONFIGURATION_ERROR, which Gatehouse renders as 503 with Retry-After (decision 0023).
 */
export const SHED_RESULT_KEY = 'shed';

/**
 * Context key of each client-facing rate-limit figure, by its RATE_LIMIT_HEADERS entry (a string
 * enum, inlined like {@link REASON}; {@link SameKeys} keeps the two tables' keys equal).
 */
export enum RATE_LIMIT_CONTEXT {
  retryAfter = 'retryAfter',
  limitMinute = 'rateLimitLimitMinute',
  remainingMinute = 'rateLimitRemainingMinute',
  limitHour = 'rateLimitLimitHour',
  remainingHour = 'rateLimitRemainingHour',
  limit = 'rateLimitLimit',
  remaining = 'rateLimitRemaining',
  reset = 'rateLimitReset',
  policy = 'rateLimitPolicy',
  state = 'rateLimitState',
}

/** Fails to compile when RATE_LIMIT_CONTEXT and RATE_LIMIT_HEADERS name different figures. */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never) : never;
export const RATE_LIMIT_CONTEXT_COVERS_HEADERS: SameKeys<typeof RATE_LIMIT_CONTEXT, typeof RATE_LIMIT_HEADERS> = true;
