/**
 * Owns: API Gateway's gateway responses (status, headers, body template) and their rendering for
 * the local twin. The words they print are ./refusals.ts's.
 */
import type { GatewayConfig } from '../config/schema';
import { CHALLENGE_CONTEXT, RATE_LIMIT_CONTEXT, REASON, USAGE_CONTEXT } from './authorizer-context';
import { apiSchemes, CHALLENGE_HEADER, challengeValue, type ChallengeConfig } from './challenges';
import { RATE_LIMIT_HEADERS } from './headers';
import { shedRetryAfterSeconds, type ShedWaitConfig } from '../resilience/resilience-plan';
import { REFUSAL, type RefusalText } from './refusals';

/** Client-facing rate-limit headers (Kong's names) -> authorizer context keys. */
export const RATE_LIMIT_CONTEXT_HEADERS: Readonly<Record<string, string>> = Object.fromEntries(
  (Object.keys(RATE_LIMIT_CONTEXT) as Array<keyof typeof RATE_LIMIT_CONTEXT>).map((k) => [RATE_LIMIT_HEADERS[k], RATE_LIMIT_CONTEXT[k]]),
);

/**
 * Errors the gateway itself answers (not the upstream), as data: one truth for the API stack's
 * gateway responses and the local gateway. Every body is JSON
 * `{"message": ..., "code": ..., "requestId": ...}`, its words from ./refusals.ts (shared with
 * the web ACLs and the ALB); no CORS headers, no internal details.
 *
 * Rate limits and status codes (the one decision a newcomer would question; decision 0007):
 * - One API Gateway response type has one status code. The authorizer rejects a bad or missing
 *   credential by throwing `Unauthorized` (UNAUTHORIZED 401) and a credential that is not
 *   allowed with a Deny (ACCESS_DENIED 403, printing the authorizer's `message` and `reason`).
 * - A consumer over its minute/hour limit is not denied: the authorizer allows the request with a
 *   usage key that no usage plan holds (RATE_LIMITED_USAGE_KEY), so API Gateway answers with its
 *   INVALID_API_KEY response, which no client can otherwise trigger (keys come only from the
 *   authorizer). That response carries `rate_limiting.error_code` (429), the configured message
 *   and, unless `hide_client_headers`, Retry-After and the RateLimit headers from the context.
 * - THROTTLED and QUOTA_EXCEEDED (the stage throttle and the per-consumer usage plans) answer with
 *   the same status and message, a Retry-After, and their own codes (USAGE_PLAN_CODE).
 * - A shed request (its service's breaker open, or maintenance; decision 0023) needs a 503, which
 *   no response type the authorizer chooses with its context in reach can have (ACCESS_DENIED is
 *   every denial's 403, INVALID_API_KEY is the rate limit's 429), and CloudFront runs no
 *   viewer-response function on an origin status >= 400. So the authorizer answers with a result
 *   API Gateway rejects (a context value that is an object, under a Deny policy, so that an API
 *   Gateway accepting it would still refuse): AUTHORIZER_CONFIGURATION_ERROR, rendered 503 with a
 *   static Retry-After (the shortest wait any breaker or maintenance of the config gives). It is
 *   never cached, so a closed breaker serves the next request.
 * - Redis unavailable with fault_tolerant false: the authorizer fails, API Gateway answers
 *   AUTHORIZER_FAILURE, rendered 503 with Retry-After (never cached, unlike a Deny).
 * - The local gateway uses these same definitions, so a client sees locally what it sees on AWS.
 * - `WWW-Authenticate` (decision 0018): UNAUTHORIZED carries no authorizer context (the Lambda
 *   threw, or API Gateway answered without it), so its challenge is static: one per scheme the
 *   API's routes accept, without an RFC 6750 `error`. ACCESS_DENIED maps the challenge the
 *   authorizer put in its context (insufficient_scope, with `scope`).
 *
 * Authorizer context values reach these templates unescaped: the authorizer must keep
 * `message` and `reason` free of `"` and `\` (they are its own fixed strings).
 */

/** API Gateway response types Gatehouse customizes. */
export type GatewayResponseType =
  | 'UNAUTHORIZED' | 'ACCESS_DENIED' | 'INVALID_API_KEY' | 'THROTTLED' | 'QUOTA_EXCEEDED'
  | 'BAD_REQUEST_BODY' | 'BAD_REQUEST_PARAMETERS' | 'REQUEST_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE'
  | 'MISSING_AUTHENTICATION_TOKEN' | 'RESOURCE_NOT_FOUND' | 'WAF_FILTERED'
  | 'INTEGRATION_TIMEOUT' | 'INTEGRATION_FAILURE' | 'AUTHORIZER_FAILURE' | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'DEFAULT_4XX' | 'DEFAULT_5XX';

/** `code`s of the usage plans' refusals: told apart from the authorizer's tier limit (`rate_limited`). */
export const USAGE_PLAN_CODE = {
  throttled: 'throttled',
  quotaExceeded: 'plan_quota_exceeded',
} as const;

/** Where a body field's text comes from. */
export type TextSource =
  | { readonly text: string }
  /** An authorizer context key, or `fallback` when the authorizer did not set it. */
  | { readonly authorizerKey: 'message' | 'reason'; readonly fallback: string }
  /** API Gateway's request validation error text. */
  | { readonly validationErrors: true; readonly fallback: string };

export interface GatewayResponseDefinition {
  readonly type: GatewayResponseType;
  readonly statusCode: number;
  readonly message: TextSource;
  readonly code: TextSource;
  /** Response headers (static values). */
  readonly headers: Readonly<Record<string, string>>;
  /** Response headers taken from the authorizer context (header -> context key); absent values are left out. */
  readonly contextHeaders?: Readonly<Record<string, string>>;
}

/** Error responses must never be cached by CloudFront or clients. */
const HEADERS = { 'Cache-Control': 'no-store' } as const;
/**
 * A refusal by a token bucket (the stage's or a consumer plan's throttle), or a failed dependency:
 * a bucket refills at least one request per second (tierPlans: rate >= 1), and the authorizer
 * reconnects to Redis within 0.5 s.
 */
const RETRY_SOON = { ...HEADERS, [RATE_LIMIT_HEADERS.retryAfter]: '1' } as const;

/** What the gateway responses depend on. */
export interface GatewayResponsesConfig extends Pick<GatewayConfig, 'rate_limiting'>, ChallengeConfig {
  readonly services: ShedWaitConfig['services'];
  readonly routes: readonly (ChallengeConfig['routes'][number] & ShedWaitConfig['routes'][number])[];
}

/** The gateway responses for a config, in a stable order. */
export function gatewayResponses(config: GatewayResponsesConfig): GatewayResponseDefinition[] {
  const { error_code, error_message, hide_client_headers } = config.rate_limiting;
  const challenge = challengeValue(apiSchemes(config));
  const fixed = (type: GatewayResponseType, statusCode: number, { message, code }: RefusalText, headers: Readonly<Record<string, string>> = HEADERS): GatewayResponseDefinition => ({
    type, statusCode, message: { text: message }, code: { text: code }, headers,
  });
  const configured = (code: string): RefusalText => ({ message: error_message, code });
  // Responses API Gateway sends after the authorizer allowed the request carry its figures.
  const figures = hide_client_headers ? undefined : RATE_LIMIT_CONTEXT_HEADERS;
  const afterAuthorizer = (def: GatewayResponseDefinition): GatewayResponseDefinition => (figures ? { ...def, contextHeaders: { ...figures, ...def.contextHeaders } } : def);
  return [
    fixed('UNAUTHORIZED', 401, REFUSAL.unauthorized, challenge ? { ...HEADERS, [CHALLENGE_HEADER]: challenge } : HEADERS),
    {
      type: 'ACCESS_DENIED', statusCode: 403, headers: HEADERS,
      message: { authorizerKey: 'message', fallback: REFUSAL.forbidden.message },
      code: { authorizerKey: 'reason', fallback: REFUSAL.forbidden.code },
      contextHeaders: { [CHALLENGE_HEADER]: CHALLENGE_CONTEXT },
    },
    {
      // The authorizer's rate limit (see above): only the authorizer supplies usage keys.
      type: 'INVALID_API_KEY', statusCode: error_code, headers: HEADERS,
      message: { authorizerKey: 'message', fallback: error_message },
      code: { authorizerKey: 'reason', fallback: REASON.rateLimited },
      contextHeaders: hide_client_headers ? { [RATE_LIMIT_HEADERS.retryAfter]: RATE_LIMIT_CONTEXT.retryAfter } : RATE_LIMIT_CONTEXT_HEADERS,
    },
    // The stage throttle (before the authorizer) and a consumer plan's throttle (decision 0016).
    fixed('THROTTLED', error_code, configured(USAGE_PLAN_CODE.throttled), RETRY_SOON),
    // A consumer plan's quota: only reached when the authorizer's exact quota was bypassed (limits: approximate).
    {
      ...fixed('QUOTA_EXCEEDED', error_code, configured(USAGE_PLAN_CODE.quotaExceeded)),
      contextHeaders: { [RATE_LIMIT_HEADERS.retryAfter]: USAGE_CONTEXT.quotaReset },
    },
    afterAuthorizer({
      type: 'BAD_REQUEST_BODY', statusCode: 400, headers: HEADERS,
      message: { validationErrors: true, fallback: REFUSAL.invalidBody.message }, code: { text: REFUSAL.invalidBody.code },
    }),
    {
      type: 'BAD_REQUEST_PARAMETERS', statusCode: 400, headers: HEADERS,
      message: { validationErrors: true, fallback: REFUSAL.invalidParameters.message }, code: { text: REFUSAL.invalidParameters.code },
    },
    fixed('REQUEST_TOO_LARGE', 413, REFUSAL.requestTooLarge),
    fixed('UNSUPPORTED_MEDIA_TYPE', 415, REFUSAL.unsupportedMediaType),
    // REST APIs answer an unknown path or method with "Missing Authentication Token" (403).
    fixed('MISSING_AUTHENTICATION_TOKEN', 404, REFUSAL.notFound),
    fixed('RESOURCE_NOT_FOUND', 404, REFUSAL.notFound),
    fixed('WAF_FILTERED', 403, REFUSAL.forbidden),
    afterAuthorizer(fixed('INTEGRATION_TIMEOUT', 504, REFUSAL.upstreamTimeout)),
    afterAuthorizer(fixed('INTEGRATION_FAILURE', 502, REFUSAL.upstreamUnavailable)),
    // The authorizer failed: with fault_tolerant false that is a limiter outage (REASON.limiterUnavailable),
    // else a consumer store outage. Never cached by API Gateway, so retrying soon is right.
    fixed('AUTHORIZER_FAILURE', 503, REFUSAL.temporarilyUnavailable, RETRY_SOON),
    // A shed request (see above); also a real configuration error, which is as temporary to a client.
    fixed('AUTHORIZER_CONFIGURATION_ERROR', 503, REFUSAL.serviceUnavailable, { ...HEADERS, [RATE_LIMIT_HEADERS.retryAfter]: String(shedRetryAfterSeconds(config)) }),
    fixed('DEFAULT_4XX', 400, REFUSAL.badRequest),
    fixed('DEFAULT_5XX', 500, REFUSAL.internalError),
  ];
}

/** The `application/json` mapping template (VTL) of a response for API Gateway. */
export function toResponseTemplate(def: GatewayResponseDefinition): string {
  return `{"message":${vtlText(def.message)},"code":${vtlText(def.code)},"requestId":"$context.requestId"}`;
}

function vtlText(source: TextSource): string {
  if ('text' in source) return JSON.stringify(source.text);
  const ref = 'authorizerKey' in source ? `context.authorizer.${source.authorizerKey}` : 'context.error.validationErrorString';
  return `#if("$!${ref}" != "")"$${ref}"#else${JSON.stringify(source.fallback)}#end`;
}

/** What the local gateway knows when it renders a gateway response. */
export interface ResponseFacts {
  readonly requestId: string;
  readonly authorizer?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly validationErrors?: string;
}

/** The JSON body the local gateway sends, identical to what API Gateway renders. */
export function renderResponseBody(def: GatewayResponseDefinition, facts: ResponseFacts): string {
  const text = (source: TextSource): string => {
    if ('text' in source) return source.text;
    const value = 'authorizerKey' in source ? facts.authorizer?.[source.authorizerKey] : facts.validationErrors;
    return value === undefined || value === '' ? source.fallback : String(value);
  };
  return JSON.stringify({ message: text(def.message), code: text(def.code), requestId: facts.requestId });
}


/** Headers of a response for the local gateway: static ones plus context values that are set. */
export function renderResponseHeaders(def: GatewayResponseDefinition, facts: ResponseFacts): Record<string, string> {
  const out: Record<string, string> = { ...def.headers };
  for (const [header, key] of Object.entries(def.contextHeaders ?? {})) {
    const value = facts.authorizer?.[key];
    if (value !== undefined && value !== '') out[header] = String(value);
  }
  return out;
}
