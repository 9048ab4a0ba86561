/**
 * The three events the breaker-state function accepts, read from EventBridge's JSON into one typed
 * value, or refused with a sentence that says what was wrong and where. Pure: no clock, no I/O.
 *
 * 1. A breaker alarm's state change, as CloudWatch sends it to EventBridge:
 *    `{ "source": "aws.cloudwatch", "detail-type": "CloudWatch Alarm State Change",
 *       "detail": { "alarmName": "...", "state": { "value": "ALARM", "timestamp": "2026-12-01T10:00:00.123+0000" } } }`
 *    (composite alarms send the same shape).
 * 2. An operator's maintenance switch, put on the default bus:
 *    `aws events put-events --entries '[{"Source":"gatehouse.breaker","DetailType":"Gatehouse breaker maintenance",
 *       "Detail":"{\"action\":\"maintenance_on\",\"service\":\"payments\",\"retry_after_seconds\":600}"}]'`
 * 3. The reconcile schedule (an EventBridge rule, `rate(5 minutes)`):
 *    `{ "source": "aws.events", "detail-type": "Scheduled Event", "detail": {} }`: every service's
 *    record is made to match its alarm again (a change whose writes failed, or that arrived late).
 */
import type { AlarmState } from '../../lib/resilience/breaker-alarm';
import { MAINTENANCE_RETRY_AFTER_SECONDS } from '../../lib/resilience/resilience-plan';
import { serviceOfAlarm, type BreakerStateConfig } from './config';

export const ALARM_EVENT_SOURCE = 'aws.cloudwatch';
export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';
/** Source and detail-type of EventBridge's scheduled events (the reconcile rule). */
export const SCHEDULE_SOURCE = 'aws.events';
export const SCHEDULED_EVENT = 'Scheduled Event';
/** Source of the operators' maintenance events (not `aws.*`, which only AWS services may put). */
export const MAINTENANCE_SOURCE = 'gatehouse.breaker';
export const MAINTENANCE_ACTIONS = ['maintenance_on', 'maintenance_off'] as const;
export type MaintenanceAction = (typeof MAINTENANCE_ACTIONS)[number];
/** As `services[].maintenance.retry_after_seconds`. */
const RETRY_AFTER_RANGE = MAINTENANCE_RETRY_AFTER_SECONDS;

const ALARM_STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export type BreakerEvent =
  | { readonly kind: 'alarm'; readonly service: string; readonly alarmName: string; readonly alarmState: AlarmState; readonly atMs: number }
  | { readonly kind: 'maintenance_on'; readonly service: string; readonly atMs: number; readonly retryAfterMs?: number }
  | { readonly kind: 'maintenance_off'; readonly service: string; readonly atMs: number }
  /** Every service: its record brought back to what its alarm says now (maintenance stays). */
  | { readonly kind: 'reconcile'; readonly atMs: number };

export type ParsedBreakerEvent =
  | { readonly ok: true; readonly event: BreakerEvent }
  | { readonly ok: false; readonly problem: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const refuse = (problem: string): ParsedBreakerEvent => ({ ok: false, problem });

/**
 * CloudWatch writes `+0000` offsets, which ISO 8601 parsers outside V8 may refuse: normalise to
 * `+00:00` before parsing. NaN when the text is no time at all.
 */
export function parseEventTime(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** Reads one EventBridge event; `nowMs` dates an operator's event that carries no valid `time`. */
export function parseBreakerEvent(raw: unknown, config: BreakerStateConfig, nowMs: number): ParsedBreakerEvent {
  if (!isObject(raw)) return refuse('the event is not a JSON object');
  const source = raw.source;
  const detail = raw.detail;
  if (!isObject(detail)) return refuse(`event from ${JSON.stringify(source)}: detail is not an object`);
  if (source === ALARM_EVENT_SOURCE) return parseAlarmEvent(raw['detail-type'], detail, raw.time, config);
  if (source === SCHEDULE_SOURCE) {
    if (raw['detail-type'] !== SCHEDULED_EVENT) return refuse(`detail-type ${JSON.stringify(raw['detail-type'])} from ${SCHEDULE_SOURCE} is not "${SCHEDULED_EVENT}"`);
    const time = parseEventTime(raw.time);
    return { ok: true, event: { kind: 'reconcile', atMs: Number.isFinite(time) ? time : nowMs } };
  }
  if (source === MAINTENANCE_SOURCE) {
    const time = parseEventTime(raw.time);
    return parseMaintenance(detail, config, Number.isFinite(time) ? time : nowMs);
  }
  return refuse(`source ${JSON.stringify(source)} is none of ${ALARM_EVENT_SOURCE}, ${MAINTENANCE_SOURCE}, ${SCHEDULE_SOURCE}`);
}

function parseAlarmEvent(detailType: unknown, detail: Json, eventTime: unknown, config: BreakerStateConfig): ParsedBreakerEvent {
  if (detailType !== ALARM_STATE_CHANGE) return refuse(`detail-type ${JSON.stringify(detailType)} from ${ALARM_EVENT_SOURCE} is not "${ALARM_STATE_CHANGE}"`);
  const alarmName = detail.alarmName;
  if (typeof alarmName !== 'string') return refuse('detail.alarmName is missing');
  const service = serviceOfAlarm(config, alarmName);
  if (!service) return refuse(`alarm ${alarmName} is no breaker alarm of this gateway (known: ${Object.values(config.services).map((s) => s.alarm).join(', ') || 'none'})`);
  const state = isObject(detail.state) ? detail.state : undefined;
  const value = state?.value;
  if (!ALARM_STATES.includes(value as AlarmState)) return refuse(`alarm ${alarmName}: detail.state.value ${JSON.stringify(value)} is not one of ${ALARM_STATES.join(', ')}`);
  // When the state changed, else when EventBridge saw the change.
  const atMs = [parseEventTime(state?.timestamp), parseEventTime(eventTime)].find(Number.isFinite);
  if (atMs === undefined) return refuse(`alarm ${alarmName}: neither detail.state.timestamp nor time is a valid time`);
  return { ok: true, event: { kind: 'alarm', service, alarmName, alarmState: value as AlarmState, atMs } };
}

function parseMaintenance(detail: Json, config: BreakerStateConfig, atMs: number): ParsedBreakerEvent {
  const { action, service } = detail;
  if (!MAINTENANCE_ACTIONS.includes(action as MaintenanceAction)) return refuse(`detail.action ${JSON.stringify(action)} is not one of ${MAINTENANCE_ACTIONS.join(', ')}`);
  if (typeof service !== 'string' || !Object.hasOwn(config.services, service)) {
    return refuse(`detail.service ${JSON.stringify(service)} is no service with a circuit breaker (known: ${Object.keys(config.services).join(', ') || 'none'})`);
  }
  if (action === 'maintenance_off') {
    if (detail.retry_after_seconds !== undefined) return refuse('detail.retry_after_seconds applies to maintenance_on only');
    return { ok: true, event: { kind: 'maintenance_off', service, atMs } };
  }
  const seconds = detail.retry_after_seconds;
  if (seconds === undefined) return { ok: true, event: { kind: 'maintenance_on', service, atMs } };
  if (!Number.isInteger(seconds) || (seconds as number) < RETRY_AFTER_RANGE.min || (seconds as number) > RETRY_AFTER_RANGE.max) {
    return refuse(`detail.retry_after_seconds ${JSON.stringify(seconds)} is not a whole number of seconds from ${RETRY_AFTER_RANGE.min} to ${RETRY_AFTER_RANGE.max}`);
  }
  return { ok: true, event: { kind: 'maintenance_on', service, atMs, retryAfterMs: (seconds as number) * 1000 } };
}
