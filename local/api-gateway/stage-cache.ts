import type { Clock } from '../../lib/rate-limit/rate-limiter';

/**
 * The API Gateway stage cache for GET/HEAD methods of routes with `cache.ttl` > 0. The key is
 * the method's resource and HTTP method plus its cache key parameters (path parameters,
 * `cache.key_query`, `cache.key_headers`), exactly the `cacheKeyParameters` the API stack sets:
 * other query strings and headers do not vary the key. Upstream `Cache-Control` is ignored
 * (API Gateway does), entries over 1 MB are not stored.
 *
 * Client `Cache-Control: max-age=0` asks for invalidation. API Gateway honours it only for callers
 * holding the IAM permission `execute-api:InvalidateCache` (the stage default
 * `requireAuthorizationForCacheControl`); Gatehouse callers authenticate through the Lambda
 * authorizer, never IAM, so they are never authorized: the header is ignored and the cached
 * response is served with a warning header (`SUCCEED_WITH_RESPONSE_HEADER`, the default strategy).
 */
export interface CachedResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

export interface CacheKeyFacts {
  readonly httpMethod: string;
  readonly resourcePath: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface CacheKeySpec {
  readonly keyQuery: readonly string[];
  readonly keyHeaders: readonly string[];
}

export const MAX_CACHE_ITEM_BYTES = 1024 * 1024;
/** The warning API Gateway adds when it ignores an unauthorized invalidation request (text is local). */
export const CACHE_CONTROL_IGNORED_WARNING = '199 gatehouse-local "Cache-Control ignored: invalidation needs execute-api:InvalidateCache"';

export function stageCacheKey(spec: CacheKeySpec, facts: CacheKeyFacts): string {
  return JSON.stringify([
    facts.httpMethod, facts.resourcePath,
    Object.entries(facts.pathParameters).sort(),
    spec.keyQuery.map((q) => facts.query[q] ?? null),
    spec.keyHeaders.map((h) => facts.headers[h.toLowerCase()] ?? null),
  ]);
}

/** Whether a request asks the cache to be bypassed and refreshed. */
export function requestsInvalidation(cacheControl: string | undefined): boolean {
  return cacheControl !== undefined && /(^|,)\s*(max-age\s*=\s*0|no-cache)\s*(,|$)/i.test(cacheControl);
}

export class StageCache {
  private readonly entries = new Map<string, { response: CachedResponse; expires: number; bytes: number }>();
  private bytes = 0;

  constructor(private readonly props: { readonly clock: Clock; readonly maxBytes?: number }) {}

  get(key: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.props.clock()) {
      this.delete(key);
      return undefined;
    }
    return entry.response;
  }

  set(key: string, response: CachedResponse, ttlSeconds: number): void {
    if (ttlSeconds <= 0 || response.body.length > MAX_CACHE_ITEM_BYTES) return;
    this.delete(key);
    const bytes = response.body.length + 512;
    this.entries.set(key, { response, expires: this.props.clock() + ttlSeconds * 1000, bytes });
    this.bytes += bytes;
    const max = this.props.maxBytes ?? 64 * 1024 * 1024;
    while (this.bytes > max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }
}
