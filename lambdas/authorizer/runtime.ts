import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AUTHORIZER_ENV } from '../../lib/gateway/authorizer-env';
import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import type { RateLimiter } from '../../lib/rate-limit/rate-limiter';
import { RedisRateLimiter } from '../../lib/rate-limit/redis-limiter';
import { createAuthorizer, type Authorize, type Outcome } from './authorizer';
import type { AuthorizerConfig } from './config';
import { CachingConsumerStore, DynamoConsumerStore, InMemoryConsumerStore } from './consumer-store';
import { IssuerVerifier } from './token-verifier';

export interface RuntimeHooks {
  readonly onOutcome?: (outcome: Outcome) => void;
  readonly onKeyCache?: (hit: boolean) => void;
  readonly onLimiterFallback?: (cause: unknown) => void;
}

/**
 * Builds the authorizer from the baked-in config and the deployment environment variables
 * (names in lib/gateway/authorizer-env.ts); hydrates JWKS and waits briefly for Redis.
 */
export async function authorizerFromEnv(env: NodeJS.ProcessEnv, hooks: RuntimeHooks = {}): Promise<{ authorize: Authorize; limiter: RateLimiter }> {
  const raw = env[AUTHORIZER_ENV.config];
  if (!raw) throw new Error(`${AUTHORIZER_ENV.config} is not set (the API stack bakes the authorizer config into the bundle)`);
  const config = JSON.parse(raw) as AuthorizerConfig;
  const clientIds = JSON.parse(env[AUTHORIZER_ENV.cognitoClientIds] ?? '{}') as Record<string, string>;
  const userPoolId = env[AUTHORIZER_ENV.cognitoUserPoolId];
  const tokens = new IssuerVerifier({
    issuers: config.issuers,
    cognito: userPoolId ? { userPoolId, clientIds: Object.values(clientIds) } : undefined,
  });
  const table = env[AUTHORIZER_ENV.consumersTable];
  const endpoint = env[AUTHORIZER_ENV.dynamodbEndpoint];
  const inner = table ? new DynamoConsumerStore({ tableName: table, client: new DynamoDBClient(endpoint ? { endpoint } : {}) }) : new InMemoryConsumerStore();
  const consumers = new CachingConsumerStore(inner, { ttlSeconds: config.apiKeys.cache_seconds, onLookup: hooks.onKeyCache });
  const redisUrl = env[AUTHORIZER_ENV.redisUrl];
  const limiter: RateLimiter = redisUrl && config.rateLimiting.strategy === 'redis'
    ? RedisRateLimiter.fromUrl(redisUrl, { timeoutMs: config.rateLimiting.redis_timeout_ms, faultTolerant: config.rateLimiting.fault_tolerant, onDegraded: hooks.onLimiterFallback })
    : new InMemoryRateLimiter();
  await Promise.all([
    tokens.hydrate().catch(() => undefined), // an unreachable JWKS is retried per kid (penalty box)
    limiter instanceof RedisRateLimiter ? limiter.ready(1000) : undefined,
  ]);
  const cognitoClientNames = Object.fromEntries(Object.entries(clientIds).map(([name, id]) => [id, name]));
  return { authorize: createAuthorizer({ config, tokens, consumers, limiter, cognitoClientNames, onOutcome: hooks.onOutcome }), limiter };
}
