import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { Clock } from '../../lib/rate-limit/rate-limiter';

export interface AuthorizerCacheProps {
  readonly clock: Clock;
  /**
   * Oldest entries are dropped beyond this many bytes (UTF-16 size of key and result JSON, a
   * little under V8's footprint). Bounded in bytes, not entries: a result holds the authorizer's
   * context, whose size the config decides. @default 32 MiB
   */
  readonly maxBytes?: number;
}

/**
 * API Gateway's authorizer result cache: per authorizer, keyed by the identity source values,
 * for the authorizer's TTL. A hit replays the whole result (policy, context,
 * usageIdentifierKey), Deny included, without invoking the Lambda. Thrown `Unauthorized` is
 * not cached (API Gateway re-invokes on the next request).
 */
export class AuthorizerResultCache {
  private readonly entries = new Map<string, { result: APIGatewayAuthorizerResult; expires: number; bytes: number }>();
  private readonly clock: Clock;
  private readonly maxBytes: number;
  private bytes = 0;

  constructor(props: AuthorizerCacheProps) {
    this.clock = props.clock;
    this.maxBytes = props.maxBytes ?? 32 * 1024 * 1024;
  }

  static key(authorizerId: string, values: readonly string[]): string {
    return `${authorizerId}\u0000${values.join('\u0000')}`;
  }

  get(key: string): APIGatewayAuthorizerResult | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.clock()) {
      this.drop(key);
      return undefined;
    }
    return entry.result;
  }

  set(key: string, result: APIGatewayAuthorizerResult, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    const bytes = 2 * (key.length + JSON.stringify(result).length) + 64;
    if (bytes > this.maxBytes) return;
    this.drop(key);
    for (const oldest of this.entries.keys()) {
      if (this.bytes + bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
    this.entries.set(key, { result, expires: this.clock() + ttlSeconds * 1000, bytes });
    this.bytes += bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held (the bound is maxBytes). */
  get heldBytes(): number {
    return this.bytes;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
