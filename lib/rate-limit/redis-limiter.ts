import Redis, { type RedisOptions } from 'ioredis';
import {
  RateLimiterUnavailableError, systemClock,
  type Clock, type RateLimitDecision, type RateLimiter, type RateLimitRequest,
} from './rate-limiter';
import { SLIDING_WINDOW_COMMAND, SLIDING_WINDOW_SCRIPT } from './redis-script';
import { assertValidRequest, decide, degradedDecision, windowIndex, type WindowCounts } from './sliding-window';

export interface RedisRateLimiterProps {
  /** A client created by the caller; see {@link redisClientOptions} for the recommended options. */
  readonly redis: Redis;
  /**
   * Longer than this, Redis counts as unavailable (config `rate_limiting.redis_timeout_ms`).
   * @default 20
   */
  readonly timeoutMs?: number;
  /**
   * true: admit requests without counting while Redis is unavailable (Kong's fault_tolerant);
   * false: throw {@link RateLimiterUnavailableError}.
   * @default true
   */
  readonly faultTolerant?: boolean;
  /**
   * How long calls wait for the client's FIRST connection (cold start: DNS, TCP, TLS handshake,
   * ready check) before they stop waiting and count Redis as unavailable. Separate from
   * `timeoutMs`, which only bounds a command sent on a ready connection.
   * @default 1000
   */
  readonly connectTimeoutMs?: number;
  /** @default Date.now */
  readonly clock?: Clock;
  /** @default 'gh:rl:' */
  readonly keyPrefix?: string;
  /** Called with the cause each time a request is admitted degraded (metrics, logs). */
  readonly onDegraded?: (cause: unknown) => void;
}

type ScriptRunner = (...args: (string | number)[]) => Promise<number[]>;

/**
 * Client options that keep the handler from ever waiting long on Redis: no retries of a failed
 * command, a 1 s socket connect timeout, background reconnects with capped backoff.
 *
 * Deliberately no ioredis `commandTimeout`: ioredis starts that timer when a command is issued,
 * while it may still sit in the offline queue waiting for the connection (and it also bounds the
 * connection's own handshake and ready check), so with a 20 ms budget a cold start whose TLS
 * handshake takes longer answered degraded. {@link RedisRateLimiter} sends a command only on a
 * ready connection and times it itself (`timeoutMs`); the first connection has its own budget
 * (`connectTimeoutMs`). `timeoutMs` is kept as a parameter for callers that spread these options.
 */
export function redisClientOptions(_timeoutMs?: number): RedisOptions {
  return {
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
  };
}

/**
 * Sliding-window limiter shared by every authorizer instance through one Redis (ElastiCache, TLS):
 * exactly one round trip per request for all windows.
 *
 * Connection readiness and command latency are separate budgets:
 * - until the client's first connection is ready (at most `connectTimeoutMs`, 1 s), calls wait
 *   for it, so a cold start's TLS handshake does not degrade its first requests;
 * - on a ready connection each call is bounded by `timeoutMs` (`redis_timeout_ms`, a few ms);
 * - once the first-connection budget is spent, a call made while the connection is not ready
 *   (down, reconnecting) fails at once: admitted degraded or refused, per `faultTolerant`.
 *
 * @example
 * const limiter = RedisRateLimiter.fromUrl(process.env.REDIS_URL!, { timeoutMs: 20 });
 * await limiter.ready(1000);
 * const d = await limiter.check({ key: 'c:acme', windows: tierWindows({ minute: 60, hour: 1000 }) });
 */
export class RedisRateLimiter implements RateLimiter {
  readonly redis: Redis;
  private readonly run: ScriptRunner;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  /** Settles when the first connection is ready (true) or its budget is spent (false). */
  private readonly firstConnection: Promise<boolean>;
  private firstConnectionSettled = false;
  private readonly faultTolerant: boolean;
  private readonly clock: Clock;
  private readonly keyPrefix: string;
  private readonly onDegraded?: (cause: unknown) => void;

  static fromUrl(url: string, props: Omit<RedisRateLimiterProps, 'redis'> = {}): RedisRateLimiter {
    const redis = new Redis(url, redisClientOptions());
    redis.on('error', () => { /* reconnects by itself; failures surface as degraded decisions */ });
    return new RedisRateLimiter({ ...props, redis });
  }

  constructor(props: RedisRateLimiterProps) {
    this.redis = props.redis;
    this.timeoutMs = props.timeoutMs ?? 20;
    this.connectTimeoutMs = props.connectTimeoutMs ?? 1000;
    this.faultTolerant = props.faultTolerant ?? true;
    this.clock = props.clock ?? systemClock;
    this.keyPrefix = props.keyPrefix ?? 'gh:rl:';
    this.onDegraded = props.onDegraded;
    const commands = this.redis as unknown as Record<string, ScriptRunner | undefined>;
    if (!commands[SLIDING_WINDOW_COMMAND]) this.redis.defineCommand(SLIDING_WINDOW_COMMAND, { lua: SLIDING_WINDOW_SCRIPT });
    this.run = (commands[SLIDING_WINDOW_COMMAND] as ScriptRunner).bind(this.redis);
    this.firstConnection = untilReady(this.redis, this.connectTimeoutMs);
    void this.firstConnection.then(() => { this.firstConnectionSettled = true; });
  }

  /**
   * Waits at most `timeoutMs` for a ready connection (call at init, so the cold start's TLS
   * handshake overlaps the rest of the init). Bounded by `timeoutMs` alone, never by the per-command
   * timeout. Never throws: returns whether the connection is ready.
   * (ioredis sends the script with EVAL on a connection's first call and EVALSHA afterwards:
   * one round trip either way.)
   * @default timeoutMs 1000
   */
  ready(timeoutMs = 1000): Promise<boolean> {
    return untilReady(this.redis, timeoutMs);
  }

  async check(request: RateLimitRequest): Promise<RateLimitDecision> {
    const cost = assertValidRequest(request);
    const now = this.clock();
    const tag = `${this.keyPrefix}{${request.key.replace(/[{}%]/g, encodeURIComponent)}}`;
    const keys: string[] = [];
    const argv: (string | number)[] = [now, cost];
    for (const w of request.windows) {
      const index = windowIndex(now, w.sizeMs);
      keys.push(`${tag}:${w.sizeMs}:${index}`, `${tag}:${w.sizeMs}:${index - 1}`);
      argv.push(w.sizeMs, w.limit);
    }
    let reply: number[];
    try {
      if (!this.isReady()) {
        // Cold start: wait for the first connection, within its own budget; afterwards never wait.
        if (!this.firstConnectionSettled) await this.firstConnection;
        if (!this.isReady()) throw new RedisNotReadyError(this.redis.status);
      }
      reply = await withTimeout(this.run(keys.length, ...keys, ...argv), this.timeoutMs);
    } catch (cause) {
      if (!this.faultTolerant) {
        const why = cause instanceof RedisNotReadyError || cause instanceof RedisTimeoutError ? cause.message : `Redis failed (${(cause as Error).message})`;
        throw new RateLimiterUnavailableError(`rate limiter unavailable: ${why}`, { cause });
      }
      this.onDegraded?.(cause);
      return degradedDecision(request, now);
    }
    const before: WindowCounts[] = request.windows.map((_, i) => ({ current: Number(reply[1 + 2 * i]), previous: Number(reply[2 + 2 * i]) }));
    return decide(request, before, reply[0] === 1, now);
  }

  private isReady(): boolean {
    return this.redis.status === 'ready';
  }

  async close(): Promise<void> {
    if (this.redis.status !== 'ready') {
      this.redis.disconnect(); // a QUIT would wait in the offline queue while reconnecting
      return;
    }
    try {
      await withTimeout(this.redis.quit(), 1000);
    } catch {
      this.redis.disconnect();
    }
  }
}

/** The connection is not ready (and the first-connection budget is spent): the call is not sent. */
class RedisNotReadyError extends Error {
  constructor(status: string) { super(`Redis connection is ${status}`); this.name = 'RedisNotReadyError'; }
}

/** A command on a ready connection took longer than `timeoutMs`. */
class RedisTimeoutError extends Error {
  constructor(ms: number) { super(`Redis did not answer within ${ms} ms`); this.name = 'RedisTimeoutError'; }
}

/** Resolves true as soon as `redis` is ready, false after `ms` or when the client ends. */
function untilReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      resolve(ok);
    };
    const onReady = () => done(true);
    const onEnd = () => done(false);
    const timer = setTimeout(() => done(redis.status === 'ready'), ms);
    timer.unref();
    redis.on('ready', onReady);
    redis.on('end', onEnd);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(ms)), ms);
    timer.unref();
  });
  promise.catch(() => { /* settled after the timeout: nothing waits for it */ });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
