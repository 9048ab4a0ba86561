/**
 * What the planner tells the user besides numbers. A `warning` means the config, as written,
 * will miss a target or hit a limit; a `note` explains an assumption or a limit of the model.
 */
export interface Finding {
  readonly severity: 'warning' | 'note';
  /** Stable id, e.g. `account-throttle`, for scripts reading --json. */
  readonly code: string;
  readonly message: string;
}

export const warning = (code: string, message: string): Finding => ({ severity: 'warning', code, message });
export const note = (code: string, message: string): Finding => ({ severity: 'note', code, message });
