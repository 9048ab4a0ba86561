/**
 * Owns: CloudFront's response headers policy as data: the security headers with their values,
 * the custom headers of `transformations.response.add_headers`, the removed headers and CORS.
 * lib/stacks/cdn-stack.ts maps it to a `cloudfront.ResponseHeadersPolicy`; the local twin
 * (local/cloudfront.ts) applies it to every response, so both send the same headers.
 */
import type { GatewayConfig } from '../config/schema';
import { corsPolicy, type CorsPolicy } from './cors';
import { UNREMOVABLE_RESPONSE_HEADERS } from './headers';

/** Strict-Transport-Security: two years, subdomains included, on the browsers' preload list. */
export const HSTS = { maxAgeDays: 730, includeSubdomains: true, preload: true } as const;

/** The security headers CloudFront sets over the origin's (override on every one). */
export const SECURITY_HEADERS = {
  strictTransportSecurity: HSTS,
  /** X-Content-Type-Options: CloudFront knows only this value. */
  contentTypeOptions: 'nosniff',
  frameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
} as const;

/** The response headers policy of one gateway. */
export interface ResponseHeadersPolicy {
  readonly security: typeof SECURITY_HEADERS;
  /** `add_headers` CloudFront can set, names as configured: no security header, no `$(...)` template. */
  readonly customHeaders: readonly { readonly header: string; readonly value: string }[];
  /** `remove_headers` CloudFront can remove, names as configured: none it sets itself. */
  readonly removeHeaders: readonly string[];
  /** Whether `Server` is removed: CloudFront then answers `Server: CloudFront`. */
  readonly removesServer: boolean;
  /** With `cors`: the CORS headers for requests from an allowed origin (origin override on). */
  readonly cors?: CorsPolicy;
}

/** What the policy depends on. */
export type ResponseHeadersConfig = Pick<GatewayConfig, 'transformations' | 'cors'>;

/** The response headers policy of a config. */
export function responseHeadersPolicy(config: ResponseHeadersConfig): ResponseHeadersPolicy {
  const { add_headers: add, remove_headers: remove } = config.transformations.response;
  const reserved = new Set(Object.keys(securityHeaderValues()));
  // Templated values ($(uuid) ...) are request-time values CloudFront cannot compute.
  const customHeaders = Object.entries(add)
    .filter(([name, value]) => !reserved.has(name.toLowerCase()) && !value.includes('$('))
    .map(([header, value]) => ({ header, value }));
  customHeaders.forEach(({ header }) => reserved.add(header.toLowerCase()));
  const removeHeaders = remove.filter((h) => !UNREMOVABLE_RESPONSE_HEADERS.includes(h.toLowerCase()) && !reserved.has(h.toLowerCase()));
  return {
    security: SECURITY_HEADERS,
    customHeaders,
    removeHeaders,
    removesServer: remove.some((h) => h.toLowerCase() === 'server'),
    cors: config.cors ? corsPolicy(config.cors) : undefined,
  };
}

/**
 * The security headers as a viewer receives them (lower-case name -> value).
 * @example securityHeaderValues()['strict-transport-security'] // 'max-age=63072000; includeSubDomains; preload'
 */
export function securityHeaderValues(security: typeof SECURITY_HEADERS = SECURITY_HEADERS): Record<string, string> {
  return {
    'strict-transport-security': hstsValue(security.strictTransportSecurity),
    'x-content-type-options': security.contentTypeOptions,
    'x-frame-options': security.frameOptions,
    'referrer-policy': security.referrerPolicy,
  };
}

/** The Strict-Transport-Security value CloudFront renders from the policy's numbers. */
export function hstsValue(hsts: typeof HSTS): string {
  const seconds = hsts.maxAgeDays * 24 * 60 * 60;
  return `max-age=${seconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}${hsts.preload ? '; preload' : ''}`;
}
