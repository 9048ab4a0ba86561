import { cacheMissRate, type AuthorizerInvocations } from './authorizer-invocations';

/**
 * DynamoDB reads of consumer records for API keys. Each authorizer execution environment keeps
 * keys for `identity.api_keys.cache_seconds`, so the store sees the misses of `instances`
 * independent caches: the same miss formula with instances x consumers keys.
 */
export function keyLookupsPerSecond(invocations: AuthorizerInvocations, instances: number, consumers: number, cacheSeconds: number): number {
  const apiKeyInvocations = invocations.endpoints
    .filter((e) => e.strategies.includes('api_key'))
    .reduce((sum, e) => sum + e.invocationsPerSecond, 0);
  return cacheMissRate(apiKeyInvocations, Math.max(1, Math.ceil(instances)) * consumers, cacheSeconds);
}
