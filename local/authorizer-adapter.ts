import { AsyncLocalStorage } from 'node:async_hooks';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import Redis from 'ioredis';
import { createAuthorizer, type Outcome } from '../lambdas/authorizer/authorizer';
import type { AuthorizerConfig } from '../lambdas/authorizer/config';
import { CachingConsumerStore, DynamoConsumerStore, InMemoryConsumerStore, type ConsumerStore } from '../lambdas/authorizer/consumer-store';
import { FetchJwksFetcher, IssuerVerifier } from '../lambdas/authorizer/token-verifier';
import { InMemoryRateLimiter, RedisRateLimiter, redisClientOptions, type Clock, type RateLimiter } from '../lib/rate-limit';
import { localDynamoClient } from './dynamodb-seed';

/** What the gateway gets back from one authorizer invocation. */
export interface AuthorizerDecision {
  /** The Lambda's result, as returned (the gateway checks its shape). */
  readonly result: APIGatewayAuthorizerResult;
  /** The limiter was down and `fault_tolerant` admitted the request (for the log line). */
  readonly limiterDegraded: boolean;
}

/** The seam the local gateway calls: the authorizer Lambda's decision function. */
export type AuthorizerFn = (event: APIGatewayRequestAuthorizerEvent) => Promise<AuthorizerDecision>;

/** Where the authorizer's `onOutcome` report of the request in flight lands (for the log line). */
interface OutcomeSlot { outcome?: Outcome }

export interface LocalAuthorizerProps {
  readonly config: AuthorizerConfig;
  /** In-memory consumer records by table id (`key#<sha256>`, `client#local#<client id>`), from the seed. */
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
    ? localRedisLimiter(props.redisUrl, config, props.clock)
    : new InMemoryRateLimiter({ clock: props.clock });
  if (limiter instanceof RedisRateLimiter) await limiter.ready(1000);

  const inner: ConsumerStore = props.dynamodb
    ? new DynamoConsumerStore({
      tableName: props.dynamodb.tableName,
      client: localDynamoClient(props.dynamodb.endpoint),
    })
    : props.consumers;
  const consumers = new CachingConsumerStore(inner, { ttlSeconds: config.apiKeys.cache_seconds, clock: props.clock });

  const tokens = new IssuerVerifier({
    issuers: config.issuers,
    jwksCache: new SimpleJwksCache({ fetcher: new FetchJwksFetcher() }),
    clock: props.clock,
  });
  // Only a limiter that can be down reports `limiterDegraded`; the outcome of the request in flight
  // is then found through AsyncLocalStorage. The in-memory limiter never degrades, so it does
  // without: AsyncLocalStorage turns on async hooks for every promise of the process.
  const outcomes = limiter instanceof RedisRateLimiter ? new AsyncLocalStorage<OutcomeSlot>() : undefined;
  const onOutcome = (outcome: Outcome) => {
    const slot = outcomes?.getStore();
    if (slot) slot.outcome = outcome;
    props.onOutcome?.(outcome);
  };
  const decide = createAuthorizer({ config, tokens, consumers, limiter, clock: props.clock, onOutcome });
  const authorize: AuthorizerFn = outcomes
    ? async (event) => {
      const slot: OutcomeSlot = {};
      const result = await outcomes.run(slot, () => decide(event));
      return { result, limiterDegraded: slot.outcome?.limiterDegraded === true };
    }
    : async (event) => ({ result: await decide(event), limiterDegraded: false });
  return { authorize, limiter, close: () => limiter.close() };
}

/**
 * The Lambda's Redis limiter with one local difference in transport only: ioredis auto-pipelining,
 * so the checks of many requests in flight (many Lambda instances, deployed) share one write.
 * Each check is still its own atomic script call.
 */
function localRedisLimiter(url: string, config: AuthorizerConfig, clock: Clock): RedisRateLimiter {
  const timeoutMs = config.rateLimiting.redis_timeout_ms;
  const redis = new Redis(url, { ...redisClientOptions(timeoutMs), enableAutoPipelining: true });
  redis.on('error', () => { /* reconnects by itself; failures surface as degraded decisions */ });
  return new RedisRateLimiter({ redis, timeoutMs, faultTolerant: config.rateLimiting.fault_tolerant, clock });
}
