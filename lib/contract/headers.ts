/**
 * Owns: the header names shared by the CDK app, the authorizer and the local twin.
 *
 * Header names shared by the CDK app, the authorizer and the local gateway (one truth).
 */

/** Set by the API integration from the authorizer's decision; the internal ALB routes on it. */
export const ROUTE_HEADER = 'X-Gatehouse-Route';
/** Set by CloudFront (viewer-request function) from the viewer's Host; tenants are matched on it. */
export const FORWARDED_HOST_HEADER = 'X-Forwarded-Host';
/**
 * Set by CloudFront (viewer-request function) from the viewer's IP, overwriting any client value.
 * Behind CloudFront, API Gateway's `sourceIp` is an edge address; this header is the caller's.
 */
export const CLIENT_IP_HEADER = 'X-Gatehouse-Client-IP';

/**
 * The headers the CloudFront viewer-request function sets, overwriting any client value
 * (lib/constructs/cdn-forwarded-host-function.ts): only requests through CloudFront may carry them.
 */
export const VIEWER_FUNCTION_HEADERS = [CLIENT_IP_HEADER, FORWARDED_HOST_HEADER] as const;
/** Secret header CloudFront adds to origin requests; the regional web ACL requires it. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';

/**
 * Request headers whose values are credentials: redacted from the logs of every web ACL (edge
 * and regional), lower case as WAF's `singleHeader` wants them.
 */
export function credentialHeaders(apiKeyHeader: string): string[] {
  return [...new Set(['authorization', apiKeyHeader.toLowerCase(), 'cookie', ORIGIN_VERIFY_HEADER.toLowerCase()])];
}

/** Upstream headers carrying the authorizer context (context key -> header). */
export const CONTEXT_HEADERS = {
  principal: 'X-Gatehouse-Principal',
  consumer: 'X-Gatehouse-Consumer',
  tenant: 'X-Gatehouse-Tenant',
  tier: 'X-Gatehouse-Tier',
  scopes: 'X-Gatehouse-Scopes',
  canary: 'X-Gatehouse-Canary',
} as const;
export type ContextKey = keyof typeof CONTEXT_HEADERS;

/**
 * Client-facing rate-limit headers: Kong's (`X-RateLimit-*-Minute/-Hour` and the
 * `RateLimit-Limit/-Remaining/-Reset` of earlier IETF drafts), and the `RateLimit-Policy` /
 * `RateLimit` structured fields of draft-ietf-httpapi-ratelimit-headers-10. All but Retry-After
 * are hidden by rate_limiting.hide_client_headers.
 */
export const RATE_LIMIT_HEADERS = {
  limitMinute: 'X-RateLimit-Limit-Minute',
  remainingMinute: 'X-RateLimit-Remaining-Minute',
  limitHour: 'X-RateLimit-Limit-Hour',
  remainingHour: 'X-RateLimit-Remaining-Hour',
  limit: 'RateLimit-Limit',
  remaining: 'RateLimit-Remaining',
  reset: 'RateLimit-Reset',
  policy: 'RateLimit-Policy',
  state: 'RateLimit',
  retryAfter: 'Retry-After',
} as const;

/** The IETF draft whose `RateLimit` / `RateLimit-Policy` syntax Gatehouse follows. */
export const RATE_LIMIT_DRAFT = 'draft-ietf-httpapi-ratelimit-headers-10';

/**
 * Response headers CloudFront cannot remove. Removing `Server` only makes CloudFront send
 * `Server: CloudFront`; the others are read-only for response headers policies.
 */
export const UNREMOVABLE_RESPONSE_HEADERS = ['server', 'content-encoding', 'content-length', 'transfer-encoding', 'warning', 'via'];
