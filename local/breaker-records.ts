import type Redis from 'ioredis';
import type { BreakerRecordStore } from '../lib/rate-limit/memory-limiter';
import { CLOSED_RECORD } from '../lib/resilience/breaker-alarm';
import type { BreakerRecord } from '../lib/resilience/breaker-record';
import { readBreakerRecord, writeBreakerRecord } from '../lib/resilience/breaker-writer';

/**
 * Where the twin's circuit breakers put the record the authorizer's limiter reads: the in-memory
 * limiter's map, or Redis through the state Lambda's own writer (every cluster-slot copy), so the
 * authorizer sees the same keys locally as deployed. The twin plays the state Lambda here; its
 * signal is the breaker's own transitions instead of a CloudWatch alarm.
 */
export interface BreakerRecordSink {
  /** Resolves once the limiter reads `record`; rejects when it could not be written in time. */
  write(service: string, record: BreakerRecord): Promise<void>;
  /**
   * Writes CLOSED over a record left OPEN or FORCED_OPEN by an earlier run (Redis outlives the
   * twin): a fresh breaker starts CLOSED and, never seeing the calls the stale record sheds, would
   * never write over it. Resolves with the services it reset.
   */
  resetStale(services: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

export function memoryBreakerRecords(store: BreakerRecordStore): BreakerRecordSink {
  return {
    write: async (service, record) => { store.set(service, record); },
    // A new in-memory limiter starts empty: nothing can be stale.
    resetStale: async () => [],
    close: async () => undefined,
  };
}

/**
 * Longest wait for one record's 16,384 copies. A local redis-server writes them in ~150 ms
 * (16 pipelines of 1,024 SETs); the budget leaves room for a loaded laptop, and the request
 * that caused the transition is answered at the latest then.
 */
export const REDIS_RECORD_BUDGET_MS = 5000;

/**
 * Writes on `redis`, a connection of its own (the limiter's `redis.duplicate()`), which it closes:
 * deployed the state Lambda has its own connection too, and 16,384 SETs on the limiter's
 * connection would hold the authorizer's script calls behind them past their deadline.
 */
export function redisBreakerRecords(redis: Redis, budgetMs = REDIS_RECORD_BUDGET_MS): BreakerRecordSink {
  redis.on('error', () => { /* reconnects by itself; a failed write is told by the caller */ });
  const bounded = <T>(what: string, work: () => Promise<T>): Promise<T> => {
    // Not connected: fail at once rather than queue behind the reconnects.
    if (redis.status !== 'ready') return Promise.reject(new Error(`${what}: Redis is not connected (${redis.status})`));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${budgetMs} ms`)), budgetMs); });
    return Promise.race([work(), late]).finally(() => clearTimeout(timer));
  };
  // The writes themselves run one after another, even past a budget that gave up on one: a late
  // write of an older transition must never land over a newer one's copies.
  let lastWrite: Promise<unknown> = Promise.resolve();
  return {
    write: (service, record) => bounded(`breaker record of ${service}`, () => {
      const write = lastWrite.then(() => writeBreakerRecord(redis, service, record));
      lastWrite = write.catch(() => undefined);
      return write;
    }).then(() => undefined),
    // At startup the connection may still be opening: wait for it within the budget first.
    resetStale: async (services) => untilReady(redis, budgetMs).then(() => bounded('stale breaker records', async () => {
      const reset: string[] = [];
      for (const service of services) {
        const stored = await readBreakerRecord(redis, service);
        if (!stored || stored.state === 'CLOSED') continue;
        await writeBreakerRecord(redis, service, CLOSED_RECORD);
        reset.push(service);
      }
      return reset;
    })),
    // As RedisRateLimiter.close: a QUIT would wait in the offline queue while reconnecting.
    close: async () => {
      if (redis.status !== 'ready') { redis.disconnect(); return; }
      await bounded('QUIT', () => redis.quit()).catch(() => redis.disconnect());
    },
  };
}

function untilReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); redis.off('ready', done); resolve(); };
    const timer = setTimeout(done, ms);
    redis.once('ready', done);
  });
}

/**
 * At startup: resets the records an earlier run left open (see {@link BreakerRecordSink.resetStale}),
 * telling `notice` which; resolves with a startup warning when they could not be checked.
 * (Skip it when Redis was already warned about: the same cause would be told twice.)
 */
export async function resetStaleRecords(sink: BreakerRecordSink, services: readonly string[], notice?: (line: string) => void): Promise<string | undefined> {
  try {
    const reset = await sink.resetStale(services);
    if (reset.length > 0) notice?.(`circuit breaker records left open by an earlier run reset to CLOSED: ${reset.join(', ')}`);
    return undefined;
  } catch (err) {
    return `WARNING circuit breaker records not checked (${(err as Error).message}): a record an earlier run left open may shed requests until its breaker's next transition`;
  }
}
