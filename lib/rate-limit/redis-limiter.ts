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
 * command, a command timeout, a short connect timeout, background reconnects with capped backoff.
 * The offline queue stays on so the first request of a cold start waits for the connection in
 * progress (bounded by the timeout); `maxRetriesPerRequest: 0` flushes it on each failed reconnect.
 */
export function redisClientOptions(timeoutMs: number): RedisOptions {
  return {
    maxRetriesPerRequest: 0,
    commandTimeout: Math.max(timeoutMs, 1),
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
 * @example
 * const limiter = RedisRateLimiter.fromUrl(process.env.REDIS_URL!, { timeoutMs: 20 });
 * await limiter.ready(1000);
 * const d = await limiter.check({ key: 'c:acme', windows: tierWindows({ minute: 60, hour: 1000 }) });
 */
export class RedisRateLimiter implements RateLimiter {
  readonly redis: Redis;
  private readonly run: ScriptRunner;
  private readonly timeoutMs: number;
  private readonly faultTolerant: boolean;
  private readonly clock: Clock;
  private readonly keyPrefix: string;
  private readonly onDegraded?: (cause: unknown) => void;

  static fromUrl(url: string, props: Omit<RedisRateLimiterProps, 'redis'> = {}): RedisRateLimiter {
    const redis = new Redis(url, redisClientOptions(props.timeoutMs ?? 20));
    redis.on('error', () => { /* reconnects by itself; failures surface as degraded decisions */ });
    return new RedisRateLimiter({ ...props, redis });
  }

  constructor(props: RedisRateLimiterProps) {
    this.redis = props.redis;
    this.timeoutMs = props.timeoutMs ?? 20;
    this.faultTolerant = props.faultTolerant ?? true;
    this.clock = props.clock ?? systemClock;
    this.keyPrefix = props.keyPrefix ?? 'gh:rl:';
    this.onDegraded = props.onDegraded;
    const commands = this.redis as unknown as Record<string, ScriptRunner | undefined>;
    if (!commands[SLIDING_WINDOW_COMMAND]) this.redis.defineCommand(SLIDING_WINDOW_COMMAND, { lua: SLIDING_WINDOW_SCRIPT });
    this.run = (commands[SLIDING_WINDOW_COMMAND] as ScriptRunner).bind(this.redis);
  }

  /**
   * Waits (at most `timeoutMs`) for the connection, so that the first request of a cold start is
   * not refused for the TLS handshake. Never throws: returns whether Redis answered.
   * (ioredis sends the script with EVAL on a connection's first call and EVALSHA afterwards:
   * one round trip either way.)
   */
  async ready(timeoutMs = 1000): Promise<boolean> {
    try {
      await withTimeout(this.redis.ping(), timeoutMs);
      return true;
    } catch {
      return false;
    }
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
      if (this.redis.status === 'reconnecting' || this.redis.status === 'end' || this.redis.status === 'close') {
        throw new Error(`redis connection is ${this.redis.status}`);
      }
      reply = await withTimeout(this.run(keys.length, ...keys, ...argv), this.timeoutMs);
    } catch (cause) {
      if (!this.faultTolerant) {
        throw new RateLimiterUnavailableError(`rate limiter unavailable: Redis did not answer within ${this.timeoutMs} ms (${(cause as Error).message})`, { cause });
      }
      this.onDegraded?.(cause);
      return degradedDecision(request, now);
    }
    const before: WindowCounts[] = request.windows.map((_, i) => ({ current: Number(reply[1 + 2 * i]), previous: Number(reply[2 + 2 * i]) }));
    return decide(request, before, reply[0] === 1, now);
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  promise.catch(() => { /* settled after the timeout: nothing waits for it */ });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
