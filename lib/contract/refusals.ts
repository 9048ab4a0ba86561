/**
 * Owns: the words of every refusal Gatehouse answers itself, whoever sends it. API Gateway's
 * gateway responses (./responses.ts), both web ACLs' custom bodies (./request-checks.ts,
 * ./web-acl-bodies.ts), the internal ALB's default action and the local twin's edge all print
 * these `message`s and `code`s, so a client that branches on `code` sees the same code from
 * every layer, and a wording changes in one place.
 *
 * Every body is JSON `{"message", "code"}`; API Gateway's add `requestId` (it can, WAF and the
 * ALB answer with fixed bytes and cannot).
 */

/** What a refusal says: `message` for people, `code` for programs (stable, snake_case). */
export interface RefusalText {
  readonly message: string;
  readonly code: string;
}

/** The fixed refusals, by what went wrong. */
export const REFUSAL = {
  unauthorized: { message: 'Unauthorized', code: 'unauthorized' },
  forbidden: { message: 'Forbidden', code: 'forbidden' },
  invalidBody: { message: 'Invalid request body', code: 'invalid_body' },
  invalidParameters: { message: 'Invalid request parameters', code: 'invalid_parameters' },
  requestTooLarge: { message: 'Request body too large', code: 'request_too_large' },
  unsupportedMediaType: { message: 'Unsupported content type', code: 'unsupported_media_type' },
  repeatedParameter: { message: 'A query parameter that keys the response cache may appear only once', code: 'repeated_parameter' },
  notFound: { message: 'Not found', code: 'not_found' },
  /** The internal ALB's default action: the route header named no route this ALB knows. */
  noRouteMatched: { message: 'no route matched', code: 'no_route' },
  geoBlocked: { message: 'Requests from this country are not allowed', code: 'geo_blocked' },
  upstreamTimeout: { message: 'Upstream timed out', code: 'upstream_timeout' },
  upstreamUnavailable: { message: 'Upstream unavailable', code: 'upstream_unavailable' },
  temporarilyUnavailable: { message: 'Temporarily unavailable, retry shortly', code: 'temporarily_unavailable' },
  /** A shed request (its service's breaker open, or maintenance): AUTHORIZER_CONFIGURATION_ERROR's body (decision 0023). */
  serviceUnavailable: { message: 'Service unavailable, retry after the time given', code: 'service_unavailable' },
  badRequest: { message: 'Bad request', code: 'bad_request' },
  internalError: { message: 'Internal server error', code: 'internal_error' },
  uriTooLong: { message: 'URI too long', code: 'uri_too_long' },
  headerTooLarge: { message: 'Request header fields too large', code: 'header_too_large' },
  methodNotAllowed: { message: 'Method not allowed', code: 'method_not_allowed' },
  requestTimeout: { message: 'Request timeout', code: 'request_timeout' },
} as const satisfies Record<string, RefusalText>;

/**
 * `code` of the edge web ACL's rate-based rules (per IP, per API key): told apart from the
 * authorizer's tier limit (`rate_limited`) and the usage plans' `throttled`, so an operator knows
 * which layer refused, while the status and message are the configured ones like the others'.
 */
export const EDGE_RATE_LIMITED_CODE = 'edge_rate_limited';

/**
 * A web ACL's body-size refusal: the limit in the message, because the web ACL cannot say more
 * and the client needs the number to split its request.
 * @example tooLarge(1048576).message // 'Request body too large (limit 1048576 bytes)'
 */
export function tooLarge(maxBodyBytes: number): RefusalText {
  return { message: `${REFUSAL.requestTooLarge.message} (limit ${maxBodyBytes} bytes)`, code: REFUSAL.requestTooLarge.code };
}

/** The edge web ACL's rate-limit refusal, with `rate_limiting.error_message`. */
export function edgeRateLimited(errorMessage: string): RefusalText {
  return { message: errorMessage, code: EDGE_RATE_LIMITED_CODE };
}

/** The JSON body of a refusal sent as fixed bytes (web ACLs, the ALB, the twin's edge): `{"message","code"}`. */
export function refusalBody(text: RefusalText): string {
  return JSON.stringify({ message: text.message, code: text.code });
}
