/**
 * What a circuit breaker says to its caller: its states, a permission, a call's result and the
 * transition events the twin logs and counts. Apart from the state machine so that a logger or a
 * metrics module can name them without importing the machine.
 */
import type { ThresholdVerdict } from './call-window';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN' | 'FORCED_OPEN' | 'DISABLED';

export type BreakerPermission = { readonly permitted: true } | { readonly permitted: false; readonly retryAfterMs: number };

export interface CallResult {
  readonly durationMs: number;
  readonly failed: boolean;
}

export type TransitionReason =
  | 'thresholds_exceeded' | 'thresholds_below' | 'wait_elapsed' | 'half_open_max_wait'
  | 'forced_open' | 'disabled' | 'closed_by_operator';

export interface BreakerTransition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** When the rule fired (for a lazily applied max wait: its deadline, not the access that noticed it). */
  readonly atMs: number;
  readonly reason: TransitionReason;
  /** The rates that decided, for `thresholds_*`. */
  readonly verdict?: ThresholdVerdict;
}
