import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import Redis from 'ioredis';
import type { Outcome } from '../lambdas/authorizer/authorizer';
import { buildAuthorizer } from '../lambdas/authorizer/build-authorizer';
import type { AuthorizerConfig } from '../lambdas/authorizer/config';
import { DynamoConsumerStore, InMemoryConsumerStore, type ConsumerStore } from '../lambdas/authorizer/consumer-store';
import { FetchJwksFetcher, IssuerVerifier } from '../lambdas/authorizer/token-verifier';
import { InMemoryRateLimiter, RedisRateLimiter, redisClientOptions, type Clock, type RateLimiter } from '../lib/rate-limit';
import { memoryBreakerRecords, redisBreakerRecords, type BreakerRecordSink } from './breaker-records';
import { consumersTableProblem, localDynamoClient } from './dynamodb-seed';
import { redactUrl } from './env';

/** What the gateway gets back from one authorizer invocation. */
export interface AuthorizerDecision {
  /** The Lambda's result, as returned (the gateway checks its shape, as API Gateway does). */
  readonly result: APIGatewayAuthorizerResult;
  /** Why the authorizer decided as it did, when it said (a shed request's reason reaches the log this way). */
  readonly reason?: string;
  /** The limiter was down and `fault_tolerant` admitted the request (for the log line). */
  readonly limiterDegraded: boolean;
}

/**
 * The seam the local gateway calls: the authorizer Lambda's decision function. It rejects with the
 * Lambda's own error (exactly `Unauthorized` for a 401); {@link refusalReason} tells why.
 */
export type AuthorizerFn = (event: APIGatewayRequestAuthorizerEvent) => Promise<AuthorizerDecision>;

/** The authorizer's `reason` for the errors it rejected with (for the request log line). */
const REFUSALS = new WeakMap<object, string>();

/**
 * Why the authorizer rejected (e.g. `jwt_expired` behind a thrown `Unauthorized`): what API
 * Gateway cannot pass to its UNAUTHORIZED response, shown locally in the request log only.
 */
export function refusalReason(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? REFUSALS.get(err) : undefined;
}

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
  /** Told once when a Redis that did not answer at startup answers (after a startup warning). */
  readonly notice?: (line: string) => void;
}

export interface LocalAuthorizer {
  readonly authorize: AuthorizerFn;
  readonly limiter: RateLimiter;
  /** Where the twin's circuit breakers write the records this limiter reads (its map, or Redis). */
  readonly breakerRecords: BreakerRecordSink;
  /** What a developer must know at startup, one line each (Redis not answering). */
  readonly warnings: readonly string[];
  close(): Promise<void>;
}

/**
 * Builds the authorizer with the Lambda's own builder (`buildAuthorizer`,
 * lambdas/authorizer/build-authorizer.ts: the same steps and caches), with local seams: the
 * in-memory or DynamoDB consumer store, the in-memory or Redis limiter (and beside it where the
 * twin's breakers write their records), and JWKS fetched over http from the local issuer
 * (aws-jwt-verify's default fetcher is https-only).
 */
export async function createLocalAuthorizer(props: LocalAuthorizerProps): Promise<LocalAuthorizer> {
  const { config } = props;
  // The table is checked first: a missing table stops the start, a Redis that is down does not.
  let dynamo: DynamoDBClient | undefined;
  if (props.dynamodb) {
    dynamo = localDynamoClient(props.dynamodb.endpoint);
    const problem = await consumersTableProblem(dynamo, props.dynamodb.endpoint, props.dynamodb.tableName);
    if (problem) {
      dynamo.destroy();
      throw new Error(problem);
    }
  }
  const warnings: string[] = [];
  let limiter: RateLimiter;
  let breakerRecords: BreakerRecordSink;
  if (props.redisUrl) {
    const redis = localRedisLimiter(props.redisUrl, config, props.clock);
    limiter = redis.limiter;
    breakerRecords = redisBreakerRecords(redis.limiter.redis.duplicate());
    if (!(await redis.limiter.ready(1000))) {
      warnings.push(redisDownWarning(props.redisUrl, redis.lastError(), config.rateLimiting.fault_tolerant));
      redis.limiter.redis.once('ready', () => props.notice?.(`REDIS_URL=${redactUrl(props.redisUrl!)}: Redis answers now; rate limits are counted again`));
    } else if (redis.lastError()) {
      // ioredis carries on after some refusals, e.g. SELECT of a database the server does not have (it stays on 0).
      warnings.push(`WARNING REDIS_URL=${redactUrl(props.redisUrl)}: Redis answered the connection with an error (${redis.lastError()!.message}); the limiter runs, but not as the URL says (a database number the server does not have stays on database 0). Fix REDIS_URL.`);
    }
  } else {
    const memory = new InMemoryRateLimiter({ clock: props.clock });
    limiter = memory;
    breakerRecords = memoryBreakerRecords(memory.breakerRecords);
  }

  const consumers: ConsumerStore = dynamo
    ? new DynamoConsumerStore({ tableName: props.dynamodb!.tableName, client: dynamo })
    : props.consumers;
  const tokens = new IssuerVerifier({
    issuers: config.issuers,
    jwksCache: new SimpleJwksCache({ fetcher: new FetchJwksFetcher() }),
    clock: props.clock,
  });
  // The authorizer reports each decision's outcome with the event it decided, synchronously, before
  // its promise settles: a degraded admission is matched to its request through the event object
  // (no AsyncLocalStorage, whose async hooks would run on every promise of the process).
  const degraded = new WeakSet<APIGatewayRequestAuthorizerEvent>();
  const reasons = new WeakMap<APIGatewayRequestAuthorizerEvent, string>();
  const onOutcome = (outcome: Outcome, event: APIGatewayRequestAuthorizerEvent) => {
    if (outcome.limiterDegraded === true) degraded.add(event);
    if (outcome.reason !== undefined) reasons.set(event, outcome.reason);
    props.onOutcome?.(outcome);
  };
  const decide = buildAuthorizer({ config, tokens, consumers, limiter, clock: props.clock, onOutcome }).authorize;
  const authorize: AuthorizerFn = async (event) => {
    let result: APIGatewayAuthorizerResult;
    try {
      result = await decide(event);
    } catch (err) {
      const reason = reasons.get(event);
      if (reason !== undefined && typeof err === 'object' && err !== null) REFUSALS.set(err, reason);
      throw err;
    }
    return { result, reason: reasons.get(event), limiterDegraded: degraded.delete(event) };
  };
  return { authorize, limiter, breakerRecords, warnings, close: async () => { dynamo?.destroy(); await breakerRecords.close(); await limiter.close(); } };
}

/**
 * The startup line for a well-formed REDIS_URL that does not answer within 1 s. The gateway still
 * starts (Redis may come up after it, and the limiter reconnects by itself, as a deployed
 * authorizer does), but never silently: it says what `rate_limiting.fault_tolerant` does meanwhile.
 */
export function redisDownWarning(url: string, cause: Error | undefined, faultTolerant: boolean): string {
  const why = cause?.message ? ` (${cause.message})` : '';
  const meanwhile = faultTolerant
    ? 'rate limiting runs degraded: rate_limiting.fault_tolerant is true, so requests are admitted without being counted (request log: "limiter":"degraded")'
    : 'rate_limiting.fault_tolerant is false, so every request that reaches the authorizer is refused with 403 rate_limiter_unavailable (request log: "limiter":"unavailable")';
  return `WARNING REDIS_URL=${redactUrl(url)}: Redis does not answer${why}; ${meanwhile} until it does. Start Redis there, fix REDIS_URL, or unset it for the in-memory limiter.`;
}

/**
 * The Redis budget of the local twin is at least this: a local redis-server shares this machine's
 * cores with the gateway processes, the upstreams and everything else running, so on a busy
 * 2-core laptop it may start a script tens of milliseconds late while perfectly healthy. ElastiCache
 * does not share the authorizer's CPU; deployed, `redis_timeout_ms` applies as configured.
 */
export const LOCAL_REDIS_TIMEOUT_FLOOR_MS = 250;

/**
 * The Lambda's Redis limiter with one local difference in transport only: `batchWrites`, so the
 * script calls of the requests in flight in one event-loop turn (many Lambda instances, deployed)
 * share one socket write. Each check is still its own atomic script call. Not ioredis
 * auto-pipelining: that defers a command to the event loop's check phase with its deadline already
 * set, so on a busy gateway the command waited in this process's own queue while its Redis deadline
 * ran (issue 10: the deadline measures Redis, not the process); batchWrites sets each call's
 * deadline when it is written. `lastError` is the connection's latest error, for the startup warning.
 */
function localRedisLimiter(url: string, config: AuthorizerConfig, clock: Clock): { limiter: RedisRateLimiter; lastError: () => Error | undefined } {
  const timeoutMs = Math.max(config.rateLimiting.redis_timeout_ms, LOCAL_REDIS_TIMEOUT_FLOOR_MS);
  const redis = new Redis(url, redisClientOptions(timeoutMs));
  let last: Error | undefined;
  // Reconnects by itself; failures surface as degraded decisions (and in the startup warning).
  redis.on('error', (err: Error) => { last = err; });
  return { limiter: new RedisRateLimiter({ redis, timeoutMs, faultTolerant: config.rateLimiting.fault_tolerant, clock, batchWrites: true }), lastError: () => last };
}
