/**
 * The breaker-state function's one job, as a list of small steps: read the event, learn the
 * alarm's state where the event does not carry it, read the record the authorizer sees, compute
 * the next one (lib/resilience/breaker-alarm.ts) and write its 16,384 copies only when it
 * changed. The handler wires this to Redis and CloudWatch; the tests hand in the same seams.
 */
import { CLOSED_RECORD, nextBreakerRecord, type BreakerSignal } from '../../lib/resilience/breaker-alarm';
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

/** `NONE`: no record written yet (the authorizer reads that as CLOSED); `MALFORMED`: unparseable, rewritten. */
export type RecordState = BreakerRecordState | 'NONE' | 'MALFORMED';

/** Slot 0's record, or that it could not be parsed (RangeError of fromRedisValue). */
async function readStored(redis: BreakerRedis, service: string, prefix: string): Promise<{ record?: BreakerRecord; malformed: boolean }> {
  try {
    return { record: await readBreakerRecord(redis, service, prefix), malformed: false };
  } catch (err) {
    if (err instanceof RangeError) return { malformed: true };
    throw err;
  }
}

export type BreakerStateOutcome =
  /** Malformed, or about no breaker this gateway has: logged, never retried (a retry would fail the same way). */
  | { readonly status: 'refused'; readonly problem: string }
  | { readonly status: 'unchanged'; readonly service: string; readonly signal: BreakerSignal['kind']; readonly state: RecordState }
  | { readonly status: 'written'; readonly service: string; readonly signal: BreakerSignal['kind']; readonly from: RecordState; readonly record: BreakerRecord; readonly copies: number }
  /** The reconcile schedule: one outcome per service, in config order. */
  | { readonly status: 'reconciled'; readonly outcomes: readonly ServiceOutcome[] };

/** What happened to one service's record. */
export type ServiceOutcome = Extract<BreakerStateOutcome, { status: 'unchanged' | 'written' }>;

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
    if (event.kind === 'reconcile') return reconcile(event.atMs, deps, prefix);
    if (event.kind === 'maintenance_on') {
      const stale = await staleMaintenanceOn(event.service, event.atMs, deps.redis, prefix);
      if (stale) return { status: 'refused', problem: stale };
    }
    const outcome = await apply(event.service, await signalOf(event, deps), deps, prefix);
    if (event.kind === 'maintenance_off') await rememberMaintenanceOff(event.service, event.atMs, deps.redis, prefix);
    return outcome;
  };
}

/**
 * Where the time of a service's last applied maintenance_off is kept. Lambda's asynchronous
 * retries can deliver a `maintenance_on` after the `maintenance_off` sent later; applied then, it
 * would hold the service in maintenance, which nothing reconciles.
 */
export const maintenanceOffKey = (service: string, prefix = BREAKER_KEY_PREFIX) => `${prefix}maintenance-off:${service}`;

/** Why a `maintenance_on` of `atMs` comes too late, if it does: a maintenance_off of a later time was applied already. */
async function staleMaintenanceOn(service: string, atMs: number, redis: BreakerRedis, prefix: string): Promise<string | undefined> {
  const off = Number(await redis.get(maintenanceOffKey(service, prefix)));
  // Strictly older only: EventBridge times have whole seconds, and a switch on in the same second as an off may be new.
  if (!Number.isFinite(off) || off <= 0 || atMs >= off) return undefined;
  return `maintenance_on of ${service} at ${new Date(atMs).toISOString()} arrived after the maintenance_off of ${new Date(off).toISOString()} was applied; send maintenance_on again to start a new maintenance`;
}

async function rememberMaintenanceOff(service: string, atMs: number, redis: BreakerRedis, prefix: string): Promise<void> {
  const pipeline = redis.pipeline();
  pipeline.set(maintenanceOffKey(service, prefix), String(atMs));
  const [[err] = [null]] = (await pipeline.exec()) ?? [];
  if (err) throw err;
}

/** The record of `service` after `signal`, written when it changed. */
async function apply(service: string, signal: BreakerSignal, deps: BreakerStateDeps, prefix: string): Promise<ServiceOutcome> {
  const stored = await readStored(deps.redis, service, prefix);
  const previous = stored.record;
  // A malformed record (which the limiter's script reads as closed) is rewritten from the signal as if none existed.
  const next = nextBreakerRecord(previous, signal, { waitMs: deps.config.services[service].waitMs }) ?? (stored.malformed ? CLOSED_RECORD : undefined);
  const from = stored.malformed ? 'MALFORMED' : previous?.state ?? 'NONE';
  if (!next || (!stored.malformed && sameState(previous, next))) return { status: 'unchanged', service, signal: signal.kind, state: from };
  const copies = await writeBreakerRecord(deps.redis, service, next, prefix);
  return { status: 'written', service, signal: signal.kind, from, record: next, copies };
}

/**
 * Every service's alarm state now, applied as an alarm signal: a state change whose writes
 * failed (Lambda gave up after its retries) or that an older retried event overwrote is repaired
 * within RECONCILE_MINUTES. An unchanged record is not rewritten; maintenance (FORCED_OPEN)
 * ignores alarms, as for a real alarm event. One DescribeAlarms pass for all services.
 */
async function reconcile(atMs: number, deps: BreakerStateDeps, prefix: string): Promise<BreakerStateOutcome> {
  const services = Object.entries(deps.config.services);
  const states = await deps.alarms.states(services.flatMap(([, s]) => s.metricAlarms));
  const outcomes: ServiceOutcome[] = [];
  for (const [service, settings] of services) {
    const alarmState = breakerStateOf(settings.metricAlarms.map((name) => states.get(name)!));
    outcomes.push(await apply(service, { kind: 'alarm', alarmState, atMs }, deps, prefix));
  }
  return { status: 'reconciled', outcomes };
}

/** The event as nextBreakerRecord's signal; maintenance_off asks CloudWatch what the alarm says now. */
async function signalOf(event: Exclude<BreakerEvent, { kind: 'reconcile' }>, deps: BreakerStateDeps): Promise<BreakerSignal> {
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
