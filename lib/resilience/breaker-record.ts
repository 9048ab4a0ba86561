/**
 * The breaker record of a service as the authorizer reads it from Redis: its key, its value and
 * the one decision taken from it. The same decision runs in Lua (lib/rate-limit/redis-script.ts)
 * and in the twin's in-memory limiter; this is the reference both are tested against.
 *
 * Why a copy per cluster slot. ElastiCache Serverless runs in cluster mode: every key of one EVAL
 * must hash to one slot. The limiter's keys carry the consumer's hash tag (`gh:rl:{<bucket>}:...`),
 * so a single per-service key lives in another slot, and reading it would take a second command
 * (two round trips, and a shed request would already have been counted). Putting the service in
 * the limiter's tag instead would split every consumer's budget per service. So the state Lambda
 * writes the record once per slot, under a tag that lands in that slot (slot-anchors.ts):
 * `gh:br:{<anchor of slot s>}:<service>`; the limiter reads the copy of its own slot. Cost: 16,384
 * HSETs per state change (pipelined; alarms change rarely) and ~2 MB per service.
 * Consequence: the half-open trickle is counted per copy, so up to `trickleCount` calls per
 * period pass in EACH slot that sees traffic for the service, not in all of them together.
 */
import { CLUSTER_SLOTS, keySlot, slotAnchor } from './slot-anchors';

export const BREAKER_KEY_PREFIX = 'gh:br:';

/** What the state Lambda writes. HALF_OPEN is not stored: an OPEN record is half-open once its wait is over. */
export type BreakerRecordState = 'CLOSED' | 'OPEN' | 'FORCED_OPEN';

export interface BreakerRecord {
  readonly state: BreakerRecordState;
  /** When it opened (ms since the epoch); 0 when CLOSED. */
  readonly openedAtMs: number;
  /** OPEN: how long it refuses before trickling; FORCED_OPEN: the Retry-After hint. */
  readonly waitMs: number;
  /** Half-open period the trickle count below belongs to (-1: none yet); written by the limiter's script. */
  readonly halfOpenPeriod: number;
  /** Trickle calls let through in `halfOpenPeriod`. */
  readonly halfOpenCalls: number;
}

/** The breaker input of a limiter check: whose record to read and how many trial calls a half-open period lets through. */
export interface BreakerCheck {
  readonly service: string;
  readonly trickleCount: number;
}

/** What the breaker says about one request. Only `admitted: false` sheds it (503 + Retry-After). */
export type BreakerVerdict =
  | { readonly state: 'closed' | 'half_open'; readonly admitted: true }
  | { readonly state: 'half_open' | 'open' | 'forced_open'; readonly admitted: false; readonly retryAfterMs: number };

/** The verdict codes the Lua script returns (reply element after the window counts). */
export const BREAKER_VERDICT_CODE = { closed: 0, half_open_admitted: 1, half_open_refused: 2, open: 3, forced_open: 4 } as const;

/** The verdict for a request at `nowMs`, and the record to store if the request then goes ahead (a trickle call spent). */
export function breakerAdmits(record: BreakerRecord | undefined, nowMs: number, trickleCount: number): { verdict: BreakerVerdict; consumed?: BreakerRecord } {
  if (!record || record.state === 'CLOSED') return { verdict: { state: 'closed', admitted: true } };
  if (record.state === 'FORCED_OPEN') return { verdict: { state: 'forced_open', admitted: false, retryAfterMs: record.waitMs } };
  const waitEnds = record.openedAtMs + record.waitMs;
  if (nowMs < waitEnds) return { verdict: { state: 'open', admitted: false, retryAfterMs: waitEnds - nowMs } };
  // Each wait period after the first is a half-open period with a fresh trickle budget: periods
  // derived from opened_at give the twin, Lua and this function the same boundaries and an exact
  // Retry-After, where a counter with a TTL would start its period at the first trickle call.
  const period = Math.floor((nowMs - waitEnds) / record.waitMs);
  const calls = record.halfOpenPeriod === period ? record.halfOpenCalls : 0;
  if (calls < trickleCount) {
    return { verdict: { state: 'half_open', admitted: true }, consumed: { ...record, halfOpenPeriod: period, halfOpenCalls: calls + 1 } };
  }
  return { verdict: { state: 'half_open', admitted: false, retryAfterMs: waitEnds + (period + 1) * record.waitMs - nowMs } };
}

/** The verdict a script reply encodes. */
export function verdictFromCode(code: number, retryAfterMs: number): BreakerVerdict {
  switch (code) {
    case BREAKER_VERDICT_CODE.closed: return { state: 'closed', admitted: true };
    case BREAKER_VERDICT_CODE.half_open_admitted: return { state: 'half_open', admitted: true };
    case BREAKER_VERDICT_CODE.half_open_refused: return { state: 'half_open', admitted: false, retryAfterMs };
    case BREAKER_VERDICT_CODE.open: return { state: 'open', admitted: false, retryAfterMs };
    case BREAKER_VERDICT_CODE.forced_open: return { state: 'forced_open', admitted: false, retryAfterMs };
    default: throw new RangeError(`unknown breaker verdict code ${code}`);
  }
}

/** The key of `service`'s record copy in `slot`. Braces in the name are escaped as the limiter escapes its bucket. */
export function breakerRecordKey(service: string, slot: number, prefix = BREAKER_KEY_PREFIX): string {
  return `${prefix}{${slotAnchor(slot)}}:${service.replace(/[{}%]/g, encodeURIComponent)}`;
}

/** The copy of `service`'s record that one EVAL can read together with `limiterKey` (same slot). */
export function breakerRecordKeyBeside(limiterKey: string, service: string, prefix = BREAKER_KEY_PREFIX): string {
  return breakerRecordKey(service, keySlot(limiterKey), prefix);
}

/** Every copy's key, index = slot: what the state Lambda writes. */
export function allBreakerRecordKeys(service: string, prefix = BREAKER_KEY_PREFIX): string[] {
  return Array.from({ length: CLUSTER_SLOTS }, (_, slot) => breakerRecordKey(service, slot, prefix));
}

/** Field names of the Redis hash, in the order the script reads them with HMGET. */
export const BREAKER_RECORD_FIELDS = ['state', 'opened_at', 'wait_ms', 'half_open_period', 'half_open_calls'] as const;

/** The HSET fields of a record. Writing all of them resets the trickle (a new OPEN starts afresh). */
export function toRedisHash(record: BreakerRecord): Record<(typeof BREAKER_RECORD_FIELDS)[number], string> {
  return {
    state: record.state,
    opened_at: String(record.openedAtMs),
    wait_ms: String(record.waitMs),
    half_open_period: String(record.halfOpenPeriod),
    half_open_calls: String(record.halfOpenCalls),
  };
}

/** A record from HGETALL fields; undefined when absent (no record: CLOSED). */
export function fromRedisHash(fields: Readonly<Record<string, string>>): BreakerRecord | undefined {
  if (!fields.state) return undefined;
  const state = fields.state;
  if (state !== 'CLOSED' && state !== 'OPEN' && state !== 'FORCED_OPEN') throw new RangeError(`unknown breaker record state ${state}`);
  const int = (name: string, fallback: number) => (fields[name] === undefined ? fallback : Number(fields[name]));
  return { state, openedAtMs: int('opened_at', 0), waitMs: int('wait_ms', 0), halfOpenPeriod: int('half_open_period', -1), halfOpenCalls: int('half_open_calls', 0) };
}
