import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { Clock } from '../../lib/rate-limit/rate-limiter';

export interface AuthorizerCacheProps {
  readonly clock: Clock;
  /** Oldest entries are dropped beyond this (memory bound). @default 10_000 */
  readonly maxEntries?: number;
}

/**
 * API Gateway's authorizer result cache: per authorizer, keyed by the identity source values,
 * for the authorizer's TTL. A hit replays the whole result (policy, context,
 * usageIdentifierKey), Deny included, without invoking the Lambda. Thrown `Unauthorized` is
 * not cached (API Gateway re-invokes on the next request).
 */
export class AuthorizerResultCache {
  private readonly entries = new Map<string, { result: APIGatewayAuthorizerResult; expires: number }>();
  private readonly clock: Clock;
  private readonly maxEntries: number;

  constructor(props: AuthorizerCacheProps) {
    this.clock = props.clock;
    this.maxEntries = props.maxEntries ?? 10_000;
  }

  static key(authorizerId: string, values: readonly string[]): string {
    return `${authorizerId}\u0000${values.join('\u0000')}`;
  }

  get(key: string): APIGatewayAuthorizerResult | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.result;
  }

  set(key: string, result: APIGatewayAuthorizerResult, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { result, expires: this.clock() + ttlSeconds * 1000 });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
