/**
 * Writes a service's breaker record where the limiter reads it: every cluster-slot copy
 * (breaker-record.ts), pipelined in batches. The breaker-state Lambda and the twin (with Redis)
 * both write through this, so the authorizer sees the same keys from either.
 */
import { allBreakerRecordKeys, BREAKER_KEY_PREFIX, breakerRecordKey, fromRedisValue, toRedisValue, type BreakerRecord } from './breaker-record';

/** The commands used, as ioredis (and ioredis Cluster) offer them. */
export interface BreakerRedis {
  pipeline(): { set(key: string, value: string): unknown; exec(): Promise<Array<[Error | null, unknown]> | null> };
  get(key: string): Promise<string | null>;
}

/** Copies per pipeline: 16,384 SETs in 16 round trips keeps each reply small. */
export const WRITE_BATCH = 1024;

/**
 * Writes `record` to every copy; resolves with the number written, rejects on the first failed
 * command. Slot 0's copy, the one {@link readBreakerRecord} reads, is written last: it is the
 * commit marker, so a write that fails part-way still reads as the old record and the retry (or
 * the reconcile) writes every copy again instead of finding "nothing changed".
 */
export async function writeBreakerRecord(redis: BreakerRedis, service: string, record: BreakerRecord, prefix = BREAKER_KEY_PREFIX): Promise<number> {
  const value = toRedisValue(record);
  const all = allBreakerRecordKeys(service, prefix);
  const keys = [...all.slice(1), all[0]];
  for (let start = 0; start < keys.length; start += WRITE_BATCH) {
    const pipeline = redis.pipeline();
    for (const key of keys.slice(start, start + WRITE_BATCH)) pipeline.set(key, value);
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
  }
  return keys.length;
}

/**
 * The record as last completely written: slot 0's copy, written after every other one. The state
 * fields are the same in every copy; only the trickle counters differ per slot, and a new state
 * resets them all.
 */
export async function readBreakerRecord(redis: BreakerRedis, service: string, prefix = BREAKER_KEY_PREFIX): Promise<BreakerRecord | undefined> {
  return fromRedisValue(await redis.get(breakerRecordKey(service, 0, prefix)));
}

