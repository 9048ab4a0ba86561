/**
 * What the twin writes to the limiter's store when its circuit breaker (circuit-breaker.ts)
 * changes state: the record the authorizer reads (breaker-record.ts). Pure, beside the alarm
 * mapping of the deployed state Lambda (breaker-alarm.ts), so both routes into the one record are
 * read side by side.
 *
 * The record has no HALF_OPEN: an OPEN record counts as half-open once its wait is over, and the
 * limiter's trickle then lets the trial calls through. So entering HALF_OPEN writes nothing: the
 * OPEN record stands, with the trickle counters the limiter has already spent in it (rewriting
 * it would reset them and let a second batch of trial calls through).
 */
import type { BreakerTransition } from './breaker-events';
import type { BreakerRecord } from './breaker-record';
import { CLOSED_RECORD } from './breaker-alarm';

export interface TransitionRecordSettings {
  /** The breaker's wait in OPEN (`waitDurationInOpenStateMs`): the record's `waitMs`. */
  readonly openWaitMs: number;
  /** Retry-After of a FORCED_OPEN record. @default openWaitMs */
  readonly forcedOpenRetryAfterMs?: number;
}

/**
 * The record to write after `transition`; undefined when the stored one stands (HALF_OPEN).
 * OPEN and FORCED_OPEN are dated at the transition (`atMs`), so the limiter's wait ends exactly
 * when the state machine's does; CLOSED and DISABLED both admit everything.
 */
export function breakerRecordOfTransition(transition: Pick<BreakerTransition, 'to' | 'atMs'>, settings: TransitionRecordSettings): BreakerRecord | undefined {
  switch (transition.to) {
    case 'OPEN': return { state: 'OPEN', openedAtMs: transition.atMs, waitMs: settings.openWaitMs, halfOpenPeriod: -1, halfOpenCalls: 0 };
    case 'HALF_OPEN': return undefined;
    case 'CLOSED': case 'DISABLED': return CLOSED_RECORD;
    case 'FORCED_OPEN': return { state: 'FORCED_OPEN', openedAtMs: transition.atMs, waitMs: settings.forcedOpenRetryAfterMs ?? settings.openWaitMs, halfOpenPeriod: -1, halfOpenCalls: 0 };
  }
}
