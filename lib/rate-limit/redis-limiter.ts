import Redis, { type RedisOptions } from 'ioredis';
import {
  DEFAULT_REDIS_TIMEOUT_MS, RateLimiterUnavailableError, systemClock,
  type Clock, type RateLimiter,
} from './rate-limiter';
import { REFUND_SCRIPT, SCRIPT_STATUS, SLIDING_WINDOW_COMMAND, SLIDING_WINDOW_SCRIPT } from './redis-script';
import { assertValidRequest, decide, degradedDecision, windowPosition, type WindowCounts } from './sliding-window';
import { assertValidBreakerCheck, shedDecision, withVerdict, type BreakerLimitDecision, type BreakerLimitRequest } from '../resilience/breaker-decision';
import { BREAKER_KEY_PREFIX, breakerRecordKeyBeside, verdictFromCode } from '../resilience/breaker-record';

export interface RedisRateLimiterProps {
  /** A client created by the caller; see {@link redisClientOptions} for the recommended options. */
  readonly redis: Redis;
  /**
   * Redis must start the script within this many ms of its sending, judged by Redis itself
   * against its own clock (`TIME`); the caller waits at most twice as long for the answer. Later,
   * Redis counts as unavailable and the script counts nothing (config `rate_limiting.redis_timeout_ms`).
   * @default DEFAULT_REDIS_TIMEOUT_MS (50)
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
  /** Time of the windows. @default Date.now */
  readonly clock?: Clock;
  /** Real time, for deadlines (a test's window clock may be set anywhere). @default Date.now */
  readonly wallClock?: Clock;
  /** @default 'gh:rl:' */
  readonly keyPrefix?: string;
  /** Prefix of the breaker records a check with `breaker` reads. @default BREAKER_KEY_PREFIX ('gh:br:') */
  readonly breakerKeyPrefix?: string;
  /** Called with the cause each time a request is admitted degraded (metrics, logs). */
  readonly onDegraded?: (cause: unknown) => void;
  /**
   * Write the script calls of one event-loop turn to the socket together (one write instead of
   * one per call), for a process that serves many requests at once (the local gateway). Each call
   * is still its own EVALSHA, sent, timed and given its deadline at the moment of the write, so
   * the deadline measures Redis, not the time the call waited in this process. A Lambda
   * environment serves one request at a time: nothing to batch.
   * @default false
   */
  readonly batchWrites?: boolean;
}

/** A script call waiting for the turn's write ({@link RedisRateLimiterProps.batchWrites}). */
interface QueuedCall {
  readonly keys: string[];
  readonly cost: number;
  readonly windowArgs: number[];
  readonly refundKeys: string[];
  readonly resolve: (sent: { reply: number[]; sentAt: number }) => void;
  readonly reject: (err: unknown) => void;
}

type ScriptRunner = (...args: (string | number)[]) => Promise<number[]>;

/** Longest wait between reconnect attempts: clients are served again well within 2 s of Redis returning. */
export const MAX_RECONNECT_DELAY_MS = 500;

/**
 * Client options that keep the handler from ever waiting long on Redis: no retries of a failed
 * command, a 1 s socket connect timeout, background reconnects with capped backoff.
 *
 * Deliberately no ioredis `commandTimeout`: ioredis starts that timer when a command is issued,
 * while it may still sit in the offline queue waiting for the connection (and it also bounds the
 * connection's own handshake and ready check), so with a budget of a few ms a cold start whose TLS
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
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 4), MAX_RECONNECT_DELAY_MS),
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
 * const limiter = RedisRateLimiter.fromUrl(process.env.REDIS_URL!, { timeoutMs: DEFAULT_REDIS_TIMEOUT_MS });
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
  private readonly wallClock: Clock;
  /**
   * An upper bound of Redis's clock minus ours (deadlines are in Redis's clock), from the answers:
   * see {@link learnServerOffset}. 0 until the first answer (NTP-synchronised hosts).
   */
  private serverOffsetMs = 0;
  private offsetLearntAt = Number.NaN;
  private readonly liveness: RedisLiveness = { lastDataAt: Number.NEGATIVE_INFINITY };
  private readonly keyPrefix: string;
  private readonly breakerKeyPrefix: string;
  private readonly onDegraded?: (cause: unknown) => void;
  private readonly batchWrites: boolean;
  /** Calls of this event-loop turn, written together in its check phase (batchWrites). */
  private queued: QueuedCall[] = [];

  static fromUrl(url: string, props: Omit<RedisRateLimiterProps, 'redis'> = {}): RedisRateLimiter {
    const redis = new Redis(url, redisClientOptions());
    redis.on('error', () => { /* reconnects by itself; failures surface as degraded decisions */ });
    return new RedisRateLimiter({ ...props, redis });
  }

  constructor(props: RedisRateLimiterProps) {
    this.redis = props.redis;
    this.timeoutMs = props.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    this.connectTimeoutMs = props.connectTimeoutMs ?? 1000;
    this.faultTolerant = props.faultTolerant ?? true;
    this.clock = props.clock ?? systemClock;
    this.wallClock = props.wallClock ?? systemClock;
    this.keyPrefix = props.keyPrefix ?? 'gh:rl:';
    this.breakerKeyPrefix = props.breakerKeyPrefix ?? BREAKER_KEY_PREFIX;
    this.onDegraded = props.onDegraded;
    this.batchWrites = props.batchWrites ?? false;
    const commands = this.redis as unknown as Record<string, ScriptRunner | undefined>;
    if (!commands[SLIDING_WINDOW_COMMAND]) this.redis.defineCommand(SLIDING_WINDOW_COMMAND, { lua: SLIDING_WINDOW_SCRIPT });
    this.run = (commands[SLIDING_WINDOW_COMMAND] as ScriptRunner).bind(this.redis);
    this.firstConnection = untilReady(this.redis, this.connectTimeoutMs);
    // Every (re)connection: note when Redis last sent bytes (see awaitReply).
    const watch = () => this.redis.stream?.on('data', () => { this.liveness.lastDataAt = this.wallClock(); });
    watch();
    this.redis.on('connect', watch);
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

  /**
   * Checks and counts the windows; with `request.breaker`, also decides the service's breaker in
   * the same script call (still one round trip): a request the breaker sheds is counted nowhere.
   */
  async check(request: BreakerLimitRequest): Promise<BreakerLimitDecision> {
    const cost = assertValidRequest(request);
    if (request.breaker) assertValidBreakerCheck(request.breaker);
    const now = this.clock();
    const tag = `${this.keyPrefix}{${request.key.replace(/[{}%]/g, encodeURIComponent)}}`;
    const keys: string[] = [];
    const windowArgs: number[] = [];
    for (const w of request.windows) {
      const p = windowPosition(w, now);
      const slot = w.calendar ?? w.sizeMs;
      keys.push(`${tag}:${slot}:${p.index}`, `${tag}:${slot}:${p.index - 1}`);
      // A sliding counter lives on as the next window's "previous"; a calendar one until its period ends.
      const ttlMs = w.calendar ? p.sizeMs - p.elapsedMs + 60_000 : 2 * p.sizeMs;
      windowArgs.push(w.limit, p.carryMs, p.sizeMs, ttlMs);
    }
    const refundKeys = keys.filter((_, i) => i % 2 === 0);
    if (request.breaker) {
      // The record's copy in the windows' slot (see breaker-record.ts), so one EVALSHA serves both.
      keys.push(breakerRecordKeyBeside(tag, request.breaker.service, this.breakerKeyPrefix));
      windowArgs.push(now, request.breaker.trickleCount);
    }
    let reply: number[];
    try {
      if (!this.isReady()) {
        // Cold start: wait for the first connection, within its own budget; afterwards never wait.
        if (!this.firstConnectionSettled) await this.firstConnection;
        if (!this.isReady()) throw new RedisNotReadyError(this.redis.status);
      }
      let sentAt: number;
      if (this.batchWrites) {
        ({ reply, sentAt } = await this.sendQueued(keys, cost, windowArgs, refundKeys));
      } else {
        sentAt = this.wallClock();
        const deadline = sentAt + this.serverOffsetMs + this.timeoutMs;
        // Twice the budget: a script that Redis started in time has answered by then on any healthy network.
        reply = await this.send(keys, deadline, cost, windowArgs, refundKeys);
      }
      this.learnServerOffset(Number(reply[1]), sentAt);
      // (An expired script says when Redis ran it: the bound above is then already corrected.)
      if (Number(reply[0]) === SCRIPT_STATUS.expired) throw new RedisTimeoutError(this.timeoutMs, 'start the script');
    } catch (cause) {
      if (!this.faultTolerant) {
        const why = cause instanceof RedisNotReadyError || cause instanceof RedisTimeoutError ? cause.message : `Redis failed (${(cause as Error).message})`;
        throw new RateLimiterUnavailableError(`rate limiter unavailable: ${why}`, { cause });
      }
      this.onDegraded?.(cause);
      return degradedDecision(request, now);
    }
    const before: WindowCounts[] = request.windows.map((_, i) => ({ current: Number(reply[2 + 2 * i]), previous: Number(reply[3 + 2 * i]) }));
    if (!request.breaker) return decide(request, before, Number(reply[0]) === SCRIPT_STATUS.admitted, now);
    const at = 2 + 2 * request.windows.length;
    const verdict = verdictFromCode(Number(reply[at]), Number(reply[at + 1]));
    if (!verdict.admitted) return shedDecision(request, before, verdict, now);
    return withVerdict(decide(request, before, Number(reply[0]) === SCRIPT_STATUS.admitted, now), verdict);
  }

  /** Queues one script call for this turn's write (batchWrites); the deadline is set when it is written. */
  private sendQueued(keys: string[], cost: number, windowArgs: number[], refundKeys: string[]): Promise<{ reply: number[]; sentAt: number }> {
    return new Promise((resolve, reject) => {
      // The check phase runs after the poll phase: every call made while this turn's I/O is
      // handled goes out in the same write.
      if (this.queued.push({ keys, cost, windowArgs, refundKeys, resolve, reject }) === 1) setImmediate(this.writeQueued);
    });
  }

  /** Writes the queued calls: one deadline (now + timeoutMs, in Redis's clock), one corked write. */
  private readonly writeQueued = (): void => {
    const calls = this.queued;
    this.queued = [];
    if (!this.isReady()) {
      const err = new RedisNotReadyError(this.redis.status);
      for (const call of calls) call.reject(err);
      return;
    }
    const socket = this.redis.stream;
    const sentAt = this.wallClock();
    const deadline = sentAt + this.serverOffsetMs + this.timeoutMs;
    socket.cork();
    try {
      for (const { keys, cost, windowArgs, refundKeys, resolve, reject } of calls) {
        try {
          // Twice the budget, from the write, as unbatched.
          this.send(keys, deadline, cost, windowArgs, refundKeys).then((reply) => resolve({ reply, sentAt }), reject);
        } catch (err) {
          reject(err);
        }
      }
    } finally {
      socket.uncork();
    }
  };

  /**
   * One script call, given up after twice the budget. Redis may have run it in time and only its
   * answer be late (a `DEBUG SLEEP` right after the script holds the reply in Redis's buffer): in
   * fault-tolerant mode that request was admitted anyway, so the count is right; when the give-up
   * refused it (fault_tolerant false), a late "admitted" answer is refunded, so Redis never keeps
   * a request it did not admit.
   */
  private send(keys: readonly string[], deadline: number, cost: number, windowArgs: readonly number[], refundKeys: readonly string[]): Promise<number[]> {
    const raw = this.run(keys.length, ...keys, deadline, cost, ...windowArgs);
    const answer = awaitReply(raw, 2 * this.timeoutMs, this.liveness, this.wallClock(), this.wallClock);
    if (!this.faultTolerant) {
      answer.catch((err: unknown) => {
        if (!(err instanceof RedisTimeoutError)) return;
        raw.then((late) => {
          // (A trickle call the late answer spent stays spent: the breaker errs towards fewer trials.)
          if (Number(late[0]) === SCRIPT_STATUS.admitted) return this.refund(refundKeys, cost);
          return undefined;
        }).catch(() => { /* Redis gone: nothing was counted that can be refunded now */ });
      });
    }
    return answer;
  }

  /** Takes back a request Redis counted but the caller refused (the current counter of each window). */
  private refund(currentKeys: readonly string[], cost: number): Promise<unknown> {
    return this.redis.eval(REFUND_SCRIPT, currentKeys.length, ...currentKeys, cost);
  }

  /**
   * Redis read its clock (`server_ms`) after we sent the command, so `server_ms - sentAt` is at
   * least the true offset; the smallest such value seen is the tightest bound. Using an upper bound
   * errs on the lenient side: a deadline is never earlier than `timeoutMs` after the send in
   * Redis's own time, however long the answer then waits in our socket or event loop (a midpoint
   * estimate would let a busy client move its deadlines earlier and expire healthy commands).
   * The bound may relax by 100 ppm of the time since it was learnt (clock drift).
   */
  private learnServerOffset(serverMs: number, sentAt: number): void {
    if (!Number.isFinite(serverMs)) return;
    const sample = serverMs - sentAt;
    const relaxed = Number.isNaN(this.offsetLearntAt) ? Number.POSITIVE_INFINITY : this.serverOffsetMs + (sentAt - this.offsetLearntAt) / 10_000;
    if (sample <= relaxed) { this.serverOffsetMs = sample; this.offsetLearntAt = sentAt; }
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

/** Redis did not start the script within `timeoutMs`, or its answer did not arrive within twice that. */
class RedisTimeoutError extends Error {
  constructor(ms: number, what = 'answer', why = '') { super(`Redis did not ${what} within ${ms} ms${why}`); this.name = 'RedisTimeoutError'; }
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

/** When the connection last received bytes from Redis (any answer): Redis is answering. */
export interface RedisLiveness { lastDataAt: number }

/**
 * The answer of `promise`, or a RedisTimeoutError once Redis has said nothing for `ms` after the
 * send. Measured on Redis, not on this process's queue:
 * - when the timer fires the answer may already sit unread in the socket (Node runs due timers
 *   before it polls for I/O), so one poll phase is let pass (setImmediate runs after it);
 * - answers on a connection come in order, so bytes received after the send mean Redis is working
 *   through the commands before this one (a busy gateway reads 500 answers in several turns): the
 *   wait goes on, `ms` at a time, up to `maxMs` in all.
 */
function awaitReply<T>(promise: Promise<T>, ms: number, liveness: RedisLiveness, sentAt: number, clock: Clock, maxMs = 10 * ms): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout;
    const settle = (fn: () => void) => { if (!settled) { settled = true; clearTimeout(timer); fn(); } };
    const check = () => setImmediate(() => {
      if (settled) return;
      const now = clock();
      if (liveness.lastDataAt > sentAt && now - liveness.lastDataAt < ms && now - sentAt < maxMs) {
        timer = setTimeout(check, ms);
        timer.unref();
        return;
      }
      settle(() => reject(new RedisTimeoutError(Math.round(now - sentAt), 'answer', ' (2 x redis_timeout_ms without a byte from Redis)')));
    });
    timer = setTimeout(check, ms);
    timer.unref();
    promise.then((value) => settle(() => resolve(value)), (err: unknown) => settle(() => reject(err)));
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
