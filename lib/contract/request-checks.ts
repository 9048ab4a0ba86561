/**
 * Owns: the request checks the web ACLs make before API Gateway sees a request, as one table
 * (rule, scope, priority, status, body, pattern). lib/constructs/api-origin-guard.ts maps the
 * regional rows to WAF rules; the local twin (local/api-gateway/validation.ts) evaluates every
 * row that applies to a request through CloudFront. The edge row (MaxBodySize) is the edge web
 * ACL's own rule (./edge-waf-rules.ts), listed here so the twin runs it in its place.
 */
import { RESPONSE_BODY } from './edge-waf-rules';
import { ORIGIN_VERIFY_HEADER, VIEWER_FUNCTION_HEADERS } from './headers';
import { REFUSAL, tooLarge, type RefusalText } from './refusals';
import { BODY_METHODS, type ApiMethod } from './route-table';

/** The rules, by the name the web ACL gives them (and the twin logs as `waf:<rule>`). */
export type RequestCheckRule = RequestCheck['rule'];

interface CheckRow<R extends string> {
  readonly rule: R;
  /** `edge`: the CLOUDFRONT web ACL; `regional`: the origin guard on the API stage. */
  readonly scope: 'edge' | 'regional';
  /**
   * Which requests the rule sees: every one, those that came through CloudFront, or those on
   * the mTLS domain (its clients call the stage directly and skip the edge web ACL).
   */
  readonly domain: 'any' | 'cloudfront' | 'mtls';
  /**
   * The rule's WAF priority in the regional web ACL (lower runs first). The edge row runs before
   * every regional one whatever its number; its place among the edge rules is ./edge-waf-rules.ts's.
   */
  readonly priority: number;
  readonly statusCode: number;
  /** Name of the custom response body in the rule's web ACL. */
  readonly bodyKey: string;
  readonly body: RefusalText;
}

/** One row of the table: the common columns and the rule's own pattern. */
export type RequestCheck =
  /** A body over `security.max_body_bytes`. */
  | CheckRow<'MaxBodySize'> & { readonly maxBodyBytes: number }
  /** No (or a wrong) origin-verify secret: the request did not come through CloudFront. */
  | CheckRow<'RequireOriginVerify'> & { readonly header: string }
  /** A body method with a non-empty body whose Content-Type is not allowed ({@link allowedContentTypePattern}). */
  | CheckRow<'AllowedContentTypes'> & { readonly methods: readonly string[]; readonly contentTypePattern: string }
  /** A header only CloudFront sets, sent on the mTLS domain: the client would choose its own IP or host. */
  | CheckRow<'MtlsDomainNoEdgeHeaders'> & { readonly headers: readonly string[] }
  /** A query parameter that keys a stage cache, given twice ({@link repeatedQueryParameterPattern}). */
  | CheckRow<'RepeatedCacheKeyParameter'> & { readonly parameters: readonly string[]; readonly patterns: readonly string[] }
  /** A body over the limit on the mTLS domain, whose requests skip the edge's MaxBodySize. */
  | CheckRow<'MtlsDomainMaxBodySize'> & { readonly maxBodyBytes: number };

/** What the table depends on. */
export interface RequestCheckSettings {
  /** `security.max_body_bytes`. */
  readonly maxBodyBytes: number;
  /** `security.allowed_content_types`. */
  readonly allowedContentTypes: readonly string[];
  /** Query parameters some method's stage cache is keyed on ({@link cacheKeyQueries}). */
  readonly cacheKeyQueries: readonly string[];
  /** Whether the environment has `domains.mtls`. */
  readonly mtlsDomain: boolean;
}

/** The request checks of a gateway, in the order they run: the edge row, then by regional priority. */
export function requestChecks(settings: RequestCheckSettings): RequestCheck[] {
  const { maxBodyBytes, cacheKeyQueries, mtlsDomain } = settings;
  const bodyTooLarge = tooLarge(maxBodyBytes);
  const rows: RequestCheck[] = [
    { rule: 'MaxBodySize', scope: 'edge', domain: 'cloudfront', priority: 0, statusCode: 413, bodyKey: RESPONSE_BODY.tooLarge, body: bodyTooLarge, maxBodyBytes },
    { rule: 'RequireOriginVerify', scope: 'regional', domain: 'cloudfront', priority: 0, statusCode: 403, bodyKey: 'Forbidden', body: REFUSAL.forbidden, header: ORIGIN_VERIFY_HEADER },
    {
      rule: 'AllowedContentTypes', scope: 'regional', domain: 'any', priority: 1, statusCode: 415, bodyKey: 'UnsupportedMediaType', body: REFUSAL.unsupportedMediaType,
      methods: BODY_METHODS, contentTypePattern: allowedContentTypePattern(settings.allowedContentTypes),
    },
  ];
  if (mtlsDomain) {
    rows.push({ rule: 'MtlsDomainNoEdgeHeaders', scope: 'regional', domain: 'mtls', priority: 2, statusCode: 403, bodyKey: 'Forbidden', body: REFUSAL.forbidden, headers: VIEWER_FUNCTION_HEADERS });
  }
  // Always a row, with no parameters when no stage cache is keyed on the query: nothing to block then.
  rows.push({
    rule: 'RepeatedCacheKeyParameter', scope: 'regional', domain: 'any', priority: 3, statusCode: 400, bodyKey: 'RepeatedParameter', body: REFUSAL.repeatedParameter,
    parameters: cacheKeyQueries, patterns: cacheKeyQueries.map(repeatedQueryParameterPattern),
  });
  if (mtlsDomain) {
    rows.push({ rule: 'MtlsDomainMaxBodySize', scope: 'regional', domain: 'mtls', priority: 4, statusCode: 413, bodyKey: 'TooLarge', body: bodyTooLarge, maxBodyBytes });
  }
  return rows;
}

/** The query parameters some method's stage cache is keyed on, each once. */
export function cacheKeyQueries(methods: readonly Pick<ApiMethod, 'cache'>[]): string[] {
  return [...new Set(methods.flatMap((m) => m.cache?.keyQuery ?? []))];
}

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

/** `text` as a literal inside a regular expression (JavaScript and the PCRE subset of AWS WAF). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.+*?^${}()|[\]\\]/g, '\\$&');
}
