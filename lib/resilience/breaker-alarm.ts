/**
 * What the breaker-state Lambda computes: the next record of a service from a CloudWatch alarm
 * state change or a maintenance switch. Pure, so the Lambda is one line of wiring around it (read
 * the event, call this, write the copies of breaker-record.ts) and the rules are tested here.
 */
import type { BreakerRecord } from './breaker-record';

/** CloudWatch alarm states, as in the EventBridge "CloudWatch Alarm State Change" event. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export type BreakerSignal =
  /** The service's alarm changed state (detail.state.value, detail.state.timestamp). */
  | { readonly kind: 'alarm'; readonly alarmState: AlarmState; readonly atMs: number }
  /** Maintenance on: refuse everything, whatever the alarm says. */
  | { readonly kind: 'maintenance_on'; readonly atMs: number; readonly retryAfterMs?: number }
  /** Maintenance off: back to what the alarm says now. */
  | { readonly kind: 'maintenance_off'; readonly atMs: number; readonly alarmState: AlarmState };

export interface BreakerRecordSettings {
  /** The service's wait in OPEN (config), also the length of each half-open trickle period. */
  readonly waitMs: number;
}

export const CLOSED_RECORD: BreakerRecord = { state: 'CLOSED', openedAtMs: 0, waitMs: 0, halfOpenPeriod: -1, halfOpenCalls: 0 };

/**
 * The record to write after `signal`, given the current one (undefined: none written yet).
 * Returns `previous` itself when nothing changes, so the Lambda can skip the 16,384 writes.
 *
 * - ALARM opens; an ALARM while already OPEN keeps its opened_at (the half-open periods go on).
 * - OK closes: on AWS the alarm's recovery is what ends half-open, not trial results, which the
 *   authorizer never sees.
 * - INSUFFICIENT_DATA changes nothing: while OPEN the shed traffic produces no datapoints, and
 *   reading that silence as recovery would close a breaker nobody tested.
 * - Maintenance (FORCED_OPEN) ignores alarms until it is switched off.
 */
export function nextBreakerRecord(previous: BreakerRecord | undefined, signal: BreakerSignal, settings: BreakerRecordSettings): BreakerRecord | undefined {
  if (!(Number.isInteger(settings.waitMs) && settings.waitMs > 0)) throw new RangeError(`waitMs must be a positive integer, got ${settings.waitMs}`);
  const current = previous ?? CLOSED_RECORD;
  const fromAlarm = (alarmState: AlarmState, atMs: number): BreakerRecord | undefined => {
    if (alarmState === 'ALARM') return current.state === 'OPEN' ? previous : { state: 'OPEN', openedAtMs: atMs, waitMs: settings.waitMs, halfOpenPeriod: -1, halfOpenCalls: 0 };
    if (alarmState === 'OK') return current.state === 'CLOSED' ? previous : CLOSED_RECORD;
    return current.state === 'FORCED_OPEN' ? CLOSED_RECORD : previous;
  };
  switch (signal.kind) {
    case 'maintenance_on':
      return { state: 'FORCED_OPEN', openedAtMs: current.state === 'FORCED_OPEN' ? current.openedAtMs : signal.atMs, waitMs: signal.retryAfterMs ?? settings.waitMs, halfOpenPeriod: -1, halfOpenCalls: 0 };
    case 'maintenance_off':
      if (current.state !== 'FORCED_OPEN') return previous;
      return fromAlarm(signal.alarmState, signal.atMs);
    case 'alarm':
      if (current.state === 'FORCED_OPEN') return previous;
      return fromAlarm(signal.alarmState, signal.atMs);
  }
}
