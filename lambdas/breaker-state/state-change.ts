/**
 * The breaker-state function's one job, as a list of small steps: read the event, learn the
 * alarm's state where the event does not carry it, read the record the authorizer sees, compute
 * the next one (lib/resilience/breaker-alarm.ts) and write its 16,384 copies only when it
 * changed. The handler wires this to Redis and CloudWatch; the tests hand in the same seams.
 */
import { nextBreakerRecord, type BreakerSignal } from '../../lib/resilience/breaker-alarm';
import { BREAKER_KEY_PREFIX, type BreakerRecord, type BreakerRecordState } from '../../lib/resilience/breaker-record';
import { readBreakerRecord, writeBreakerRecord, type BreakerRedis } from '../../lib/resilience/breaker-writer';
import { breakerStateOf, type AlarmStateReader } from './alarm-states';
import type { BreakerStateConfig } from './config';
import { parseBreakerEvent, type BreakerEvent } from './events';

export interface BreakerStateDeps {
  readonly config: BreakerStateConfig;
  readonly redis: BreakerRedis;
  readonly alarms: AlarmStateReader;
  /** Prefix of the record keys (tests isolate themselves with their own). @default BREAKER_KEY_PREFIX */
  readonly keyPrefix?: string;
  /** Dates operator events without a valid `time`. @default Date.now */
  readonly clock?: () => number;
}

/** `NONE`: no record written yet (the authorizer reads that as CLOSED). */
export type RecordState = BreakerRecordState | 'NONE';

export type BreakerStateOutcome =
  /** Malformed, or about no breaker this gateway has: logged, never retried (a retry would fail the same way). */
  | { readonly status: 'refused'; readonly problem: string }
  | { readonly status: 'unchanged'; readonly service: string; readonly signal: BreakerSignal['kind']; readonly state: RecordState }
  | { readonly status: 'written'; readonly service: string; readonly signal: BreakerSignal['kind']; readonly from: RecordState; readonly record: BreakerRecord; readonly copies: number };

/**
 * The state function's core. Redis and CloudWatch failures reject (Lambda retries the event);
 * everything wrong with the event itself resolves as `refused`.
 * @example
 * const apply = createBreakerStateChange({ config, redis, alarms: new CloudWatchAlarmStates() });
 * const outcome = await apply(eventBridgeEvent);
 */
export function createBreakerStateChange(deps: BreakerStateDeps): (raw: unknown) => Promise<BreakerStateOutcome> {
  const prefix = deps.keyPrefix ?? BREAKER_KEY_PREFIX;
  const clock = deps.clock ?? Date.now;
  return async (raw) => {
    const parsed = parseBreakerEvent(raw, deps.config, clock());
    if (!parsed.ok) return { status: 'refused', problem: parsed.problem };
    const { event } = parsed;
    const previous = await readBreakerRecord(deps.redis, event.service, prefix);
    const signal = await signalOf(event, deps);
    const next = nextBreakerRecord(previous, signal, { waitMs: deps.config.services[event.service].waitMs });
    const from = previous?.state ?? 'NONE';
    if (!next || sameState(previous, next)) return { status: 'unchanged', service: event.service, signal: signal.kind, state: from };
    const copies = await writeBreakerRecord(deps.redis, event.service, next, prefix);
    return { status: 'written', service: event.service, signal: signal.kind, from, record: next, copies };
  };
}

/** The event as nextBreakerRecord's signal; maintenance_off asks CloudWatch what the alarm says now. */
async function signalOf(event: BreakerEvent, deps: BreakerStateDeps): Promise<BreakerSignal> {
  switch (event.kind) {
    case 'alarm':
      return { kind: 'alarm', alarmState: event.alarmState, atMs: event.atMs };
    case 'maintenance_on':
      return { kind: 'maintenance_on', atMs: event.atMs, retryAfterMs: event.retryAfterMs };
    case 'maintenance_off': {
      const states = await deps.alarms.states(deps.config.services[event.service].metricAlarms);
      return { kind: 'maintenance_off', atMs: event.atMs, alarmState: breakerStateOf(states.values()) };
    }
  }
}

/**
 * Same state, same opening and wait: nothing to write. The trickle counters are left out on
 * purpose: the limiter keeps them per copy, and only a new state resets them all.
 */
function sameState(previous: BreakerRecord | undefined, next: BreakerRecord): boolean {
  return previous !== undefined && previous.state === next.state && previous.openedAtMs === next.openedAtMs && previous.waitMs === next.waitMs;
}
