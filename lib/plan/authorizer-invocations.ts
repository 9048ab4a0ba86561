import type { Endpoint } from './request-mix';

/**
 * Misses per second of a cache with `keys` equally busy keys, `rate` lookups per second and
 * entries that live `ttl` seconds from the miss that filled them.
 *
 * Each key sees requests at rate λ = rate / keys. After a miss its entry lives `ttl` seconds,
 * then the next request (on average 1/λ later, Poisson arrivals) misses again: one miss per
 * cycle of `ttl + 1/λ` seconds. Over all keys: keys / (ttl + keys / rate) = rate·keys / (keys + rate·ttl).
 * It tends to `rate` as ttl → 0, to `keys / ttl` when every key is busy, and never exceeds either.
 */
export function cacheMissRate(rate: number, keys: number, ttl: number): number {
  if (rate <= 0) return 0;
  if (ttl <= 0 || keys <= 0) return rate;
  return (rate * keys) / (keys + rate * ttl);
}

export interface EndpointLoad extends Endpoint {
  /** Requests per second on this endpoint at the given total rate. */
  readonly requestsPerSecond: number;
  /** Authorizer invocations per second after the result cache. */
  readonly invocationsPerSecond: number;
}

export interface AuthorizerInvocations {
  readonly requestsPerSecond: number;
  readonly invocationsPerSecond: number;
  /** invocations / requests. */
  readonly uncachedShare: number;
  readonly endpoints: readonly EndpointLoad[];
}

/**
 * Authorizer invocations for `requestsPerSecond` spread over the mix. The cache is keyed per
 * credential, viewer IP, host (with host routes), HTTP method and resource path
 * (lib/contract/route-table.ts, decisions 0002 and 0014), so every endpoint has its own
 * `identities` keys: each identity is assumed to call every endpoint from one address (an upper
 * bound on hits for callers behind many addresses, docs/capacity.md).
 */
export function authorizerInvocations(mix: readonly Endpoint[], requestsPerSecond: number, identities: number): AuthorizerInvocations {
  const endpoints = mix.map((e) => {
    const rps = requestsPerSecond * e.share;
    return { ...e, requestsPerSecond: rps, invocationsPerSecond: cacheMissRate(rps, identities, e.ttl) };
  });
  const invocationsPerSecond = endpoints.reduce((sum, e) => sum + e.invocationsPerSecond, 0);
  return { requestsPerSecond, invocationsPerSecond, uncachedShare: requestsPerSecond > 0 ? invocationsPerSecond / requestsPerSecond : 0, endpoints };
}
