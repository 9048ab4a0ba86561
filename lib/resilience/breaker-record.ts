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
 * SETs per state change (pipelined; alarms change rarely) and ~1.5 MB per service.
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

/** The verdict of almost every request, shared: the check runs on every request and allocates nothing for it. */
export const CLOSED_VERDICT: BreakerVerdict = Object.freeze({ state: 'closed', admitted: true });
const CLOSED_ADMITS = Object.freeze({ verdict: CLOSED_VERDICT });
const HALF_OPEN_ADMITTED: BreakerVerdict = Object.freeze({ state: 'half_open', admitted: true });

/** The verdict codes the Lua script returns (reply element after the window counts). */
export const BREAKER_VERDICT_CODE = { closed: 0, half_open_admitted: 1, half_open_refused: 2, open: 3, forced_open: 4 } as const;

/** The verdict for a request at `nowMs`, and the record to store if the request then goes ahead (a trickle call spent). */
export function breakerAdmits(record: BreakerRecord | undefined, nowMs: number, trickleCount: number): { verdict: BreakerVerdict; consumed?: BreakerRecord } {
  if (!record || record.state === 'CLOSED') return CLOSED_ADMITS;
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
    case BREAKER_VERDICT_CODE.closed: return CLOSED_VERDICT;
    case BREAKER_VERDICT_CODE.half_open_admitted: return HALF_OPEN_ADMITTED;
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

/** Record keys already built, per prefix and service, index = slot: the limiter asks on every request. */
const builtKeys = new Map<string, string[]>();

/** The copy of `service`'s record that one EVAL can read together with `limiterKey` (same slot). */
export function breakerRecordKeyBeside(limiterKey: string, service: string, prefix = BREAKER_KEY_PREFIX): string {
  const slot = keySlot(limiterKey);
  const id = `${prefix}\u0000${service}`;
  let keys = builtKeys.get(id);
  if (!keys) { keys = []; builtKeys.set(id, keys); }
  return (keys[slot] ??= breakerRecordKey(service, slot, prefix));
}

/** Every copy's key, index = slot: what the state Lambda writes. */
export function allBreakerRecordKeys(service: string, prefix = BREAKER_KEY_PREFIX): string[] {
  return Array.from({ length: CLUSTER_SLOTS }, (_, slot) => breakerRecordKey(service, slot, prefix));
}

/**
 * The record as one Redis string, `<state letter>:<opened_at>:<wait_ms>:<half_open_period>:<half_open_calls>`
 * (`C:0:0:-1:0` for CLOSED). A string, not a hash, so the limiter's script reads it in the same MGET
 * as the window counters: the breaker adds one key to a call every request makes anyway, not a
 * command of its own (measured in bench/breaker.ts). Writing it whole resets the trickle.
 */
export function toRedisValue(record: BreakerRecord): string {
  return `${RECORD_STATE_LETTER[record.state]}:${record.openedAtMs}:${record.waitMs}:${record.halfOpenPeriod}:${record.halfOpenCalls}`;
}

/** The letter of each state in the stored string (the script compares the first character). */
export const RECORD_STATE_LETTER: Readonly<Record<BreakerRecordState, string>> = { CLOSED: 'C', OPEN: 'O', FORCED_OPEN: 'F' };

const STATE_OF_LETTER: Readonly<Record<string, BreakerRecordState>> = { C: 'CLOSED', O: 'OPEN', F: 'FORCED_OPEN' };

/** A record from its stored string; undefined when absent (no record: CLOSED). */
export function fromRedisValue(value: string | null | undefined): BreakerRecord | undefined {
  if (value === null || value === undefined) return undefined;
  const match = /^([COF]):(-?\d+):(-?\d+):(-?\d+):(-?\d+)$/.exec(value);
  if (!match) throw new RangeError(`malformed breaker record ${JSON.stringify(value.slice(0, 80))}`);
  return { state: STATE_OF_LETTER[match[1]], openedAtMs: Number(match[2]), waitMs: Number(match[3]), halfOpenPeriod: Number(match[4]), halfOpenCalls: Number(match[5]) };
}
