/**
 * Request checks the regional web ACL (lib/constructs/api-origin-guard.ts) and the local gateway
 * (local/api-gateway/validation.ts) share, as patterns both can run.
 */

/**
 * Which request Content-Type values `security.allowed_content_types` admits, as one regular
 * expression over the lower-cased header value: the media type exactly, optionally followed by
 * parameters (`application/json; charset=utf-8`). Not a prefix: `application/jsonx` or a
 * repeated header joined as `application/json,application/json` is refused (415), so a body the
 * request model never validated cannot reach an upstream that parses it leniently. The regional
 * web ACL (lib/constructs/api-origin-guard.ts) and the local gateway use this same expression.
 * @example
 * allowedContentTypePattern(['application/json']) // '^(?:application/json)[ \t]*(?:;|$)'
 */
export function allowedContentTypePattern(allowed: readonly string[]): string {
  // Non-capturing groups, no `.*`: within what AWS WAF's PCRE subset accepts.
  const types = allowed.map((t) => escapeRegExp(t.toLowerCase()));
  return `^(?:${types.join('|')})[ \\t]*(?:;|$)`;
}

/**
 * The stage cache keys a method on ONE value of each `cache.key_query` parameter (API Gateway's
 * single-valued `method.request.querystring.*`, the last one), while the upstream receives the
 * whole query string and may read the first. `?currency=GBP&currency=EUR` could then store a GBP
 * answer under the EUR key for every caller. So a query parameter that keys any stage cache may
 * appear once per request: this regex (over the URL-decoded query string, as the regional web ACL
 * inspects it) matches a second occurrence of `param`. The local gateway applies the same rule.
 * @example
 * new RegExp(repeatedQueryParameterPattern('currency')).test('currency=GBP&currency=EUR') // true
 */
export function repeatedQueryParameterPattern(param: string): string {
  const name = escapeRegExp(param);
  return `(?:^|&)${name}=.*&${name}=`;
}

/** The bodies the web ACLs answer their blocks with; the local gateway emulating them sends the same. */
export const WAF_BODY = {
  tooLarge: (maxBodyBytes: number) => ({ message: `Request body too large (limit ${maxBodyBytes} bytes)` }),
  unsupportedMediaType: { message: 'Unsupported content type', code: 'unsupported_media_type' },
  repeatedParameter: { message: 'A query parameter that keys the response cache may appear only once', code: 'repeated_parameter' },
} as const;

/** `text` as a literal inside a regular expression (JavaScript and the PCRE subset of AWS WAF). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.+*?^${}()|[\]\\]/g, '\\$&');
}
