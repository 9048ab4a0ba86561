import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AUTHORIZER_ENV } from '../../lib/contract/authorizer-env';
import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import type { RateLimiter } from '../../lib/rate-limit/rate-limiter';
import type { Authorize, Outcome } from './authorizer';
import { buildAuthorizer } from './build-authorizer';
import type { AuthorizerConfig } from './config';
import { DynamoConsumerStore, InMemoryConsumerStore } from './consumer-store';
import { IssuerVerifier } from './token-verifier';

export interface RuntimeHooks {
  readonly onOutcome?: (outcome: Outcome) => void;
  readonly onKeyCache?: (hit: boolean) => void;
  readonly onLimiterFallback?: (cause: unknown) => void;
}

/**
 * The config the API stack baked into the bundle. esbuild `define` (AUTHORIZER_BUNDLING in
 * ./bundling.ts) replaces exactly this member expression, so it must stay written out literally:
 * `process.env[name]` would not be replaced and the deployed function would have no config.
 * Unbundled (tests, local runs) it is the real environment variable.
 */
export function bakedConfigJson(): string | undefined {
  return process.env.GATEHOUSE_AUTHORIZER_CONFIG;
}

/**
 * Builds the authorizer from the config JSON (baked in, see {@link bakedConfigJson}) and the
 * deployment environment variables (names in lib/contract/authorizer-env.ts); hydrates JWKS and
 * waits briefly for Redis.
 */
export async function authorizerFromEnv(
  env: NodeJS.ProcessEnv,
  hooks: RuntimeHooks = {},
  configJson: string | undefined = env[AUTHORIZER_ENV.config],
): Promise<{ authorize: Authorize; limiter: RateLimiter }> {
  const raw = configJson;
  if (!raw) throw new Error(`${AUTHORIZER_ENV.config} is not set (the API stack bakes the authorizer config into the bundle)`);
  const config = JSON.parse(raw) as AuthorizerConfig;
  const clientIds = JSON.parse(env[AUTHORIZER_ENV.cognitoClientIds] ?? '{}') as Record<string, string>;
  const userPoolId = env[AUTHORIZER_ENV.cognitoUserPoolId];
  const tokens = new IssuerVerifier({
    issuers: config.issuers,
    cognito: userPoolId ? { userPoolId, clientIds: Object.values(clientIds), issuerType: config.cognitoIssuerType } : undefined,
  });
  const table = env[AUTHORIZER_ENV.consumersTable];
  const endpoint = env[AUTHORIZER_ENV.dynamodbEndpoint];
  const consumers = table ? new DynamoConsumerStore({ tableName: table, client: new DynamoDBClient(endpoint ? { endpoint } : {}) }) : new InMemoryConsumerStore();
  const redisUrl = env[AUTHORIZER_ENV.redisUrl];
  let limiter: RateLimiter = new InMemoryRateLimiter();
  let redisReady: Promise<boolean> | undefined;
  if (redisUrl && config.rateLimiting.strategy === 'redis') {
    // ioredis is half of the bundle's code: evaluated only when a Redis endpoint is configured.
    // (A require, not import(): the same call works bundled by esbuild, in jest and in tsx.)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RedisRateLimiter } = require('../../lib/rate-limit/redis-limiter') as typeof import('../../lib/rate-limit/redis-limiter');
    const redis = RedisRateLimiter.fromUrl(redisUrl, { timeoutMs: config.rateLimiting.redis_timeout_ms, faultTolerant: config.rateLimiting.fault_tolerant, onDegraded: hooks.onLimiterFallback });
    limiter = redis;
    redisReady = redis.ready(1000);
  }
  const built = buildAuthorizer({
    config, tokens, consumers, limiter,
    cognitoClientNames: Object.fromEntries(Object.entries(clientIds).map(([name, id]) => [id, name])),
    ...hooks,
  });
  await Promise.all([
    built.tokens.hydrate().catch(() => undefined), // an unreachable JWKS is retried per kid (penalty box)
    redisReady,
  ]);
  return { authorize: built.authorize, limiter };
}
