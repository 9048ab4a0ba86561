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
  const types = allowed.map((t) => t.toLowerCase().replace(/[.+*?^${}()|[\]\\]/g, '\\$&'));
  return `^(?:${types.join('|')})[ \\t]*(?:;|$)`;
}
