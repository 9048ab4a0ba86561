import { AsyncLocalStorage } from 'node:async_hooks';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAuthorizer, type Outcome } from '../lambdas/authorizer/authorizer';
import type { AuthorizerConfig } from '../lambdas/authorizer/config';
import { CachingConsumerStore, DynamoConsumerStore, InMemoryConsumerStore, type ConsumerStore } from '../lambdas/authorizer/consumer-store';
import { FetchJwksFetcher, IssuerVerifier } from '../lambdas/authorizer/token-verifier';
import { InMemoryRateLimiter, RedisRateLimiter, type Clock, type RateLimiter } from '../lib/rate-limit';

/** The seam the local gateway calls: the authorizer Lambda's decision function. */
export type AuthorizerFn = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/** Where the authorizer's `onOutcome` report of the request in flight lands (for the log line). */
export interface OutcomeSlot { outcome?: Outcome }
export const outcomes = new AsyncLocalStorage<OutcomeSlot>();

export interface LocalAuthorizerProps {
  readonly config: AuthorizerConfig;
  /** In-memory consumer records by table id (`key#<sha256>`, `client#<id>`), from the seed. */
  readonly consumers: InMemoryConsumerStore;
  /** DynamoDB endpoint (dynalite or real) and table; otherwise the in-memory store. */
  readonly dynamodb?: { readonly endpoint: string; readonly tableName: string };
  /** `redis://...`: the Redis limiter; otherwise the in-memory one. */
  readonly redisUrl?: string;
  readonly clock: Clock;
  readonly onOutcome?: (outcome: Outcome) => void;
}

export interface LocalAuthorizer {
  readonly authorize: AuthorizerFn;
  readonly limiter: RateLimiter;
  close(): Promise<void>;
}

/**
 * Builds the authorizer exactly as the Lambda handler does, from the same modules
 * (`lambdas/authorizer/authorizer.ts`), with local seams: the in-memory or DynamoDB consumer store
 * behind the same short cache, the in-memory or Redis limiter, and JWKS fetched over http from
 * the local issuer (aws-jwt-verify's default fetcher is https-only).
 */
export async function createLocalAuthorizer(props: LocalAuthorizerProps): Promise<LocalAuthorizer> {
  const { config } = props;
  const limiter: RateLimiter = props.redisUrl
    ? RedisRateLimiter.fromUrl(props.redisUrl, { timeoutMs: config.rateLimiting.redis_timeout_ms, faultTolerant: config.rateLimiting.fault_tolerant, clock: props.clock })
    : new InMemoryRateLimiter({ clock: props.clock });
  if (limiter instanceof RedisRateLimiter) await limiter.ready(1000);

  const inner: ConsumerStore = props.dynamodb
    ? new DynamoConsumerStore({
      tableName: props.dynamodb.tableName,
      client: new DynamoDBClient({ endpoint: props.dynamodb.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    })
    : props.consumers;
  const consumers = new CachingConsumerStore(inner, { ttlSeconds: config.apiKeys.cache_seconds, clock: props.clock });

  const tokens = new IssuerVerifier({
    issuers: config.issuers,
    jwksCache: new SimpleJwksCache({ fetcher: new FetchJwksFetcher() }),
    clock: props.clock,
  });
  const onOutcome = (outcome: Outcome) => {
    const slot = outcomes.getStore();
    if (slot) slot.outcome = outcome;
    props.onOutcome?.(outcome);
  };
  const authorize = createAuthorizer({ config, tokens, consumers, limiter, clock: props.clock, onOutcome });
  return { authorize, limiter, close: () => limiter.close() };
}
