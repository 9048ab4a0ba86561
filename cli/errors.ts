import type { Command } from 'commander';

/**
 * The CLI's exit codes (docs/cli.md): 0 done, 1 invalid input (config, seed, variables, a record
 * that is not there, a service that refuses), 2 usage (unknown command or option, a missing or
 * malformed argument).
 */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** Refuses a command line that cannot be run as given: commander prints the message and the help hint, exit 2. */
export function usageError(command: Command, message: string): never {
  return command.error(`error: ${message}`, { exitCode: EXIT.usage, code: 'gatehouse.usage' });
}

/** Input that is wrong, or a state that stops the command (exit 1); the message says what and where. */
export class InputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

/** The command has already reported why it failed (e.g. `validate --json`); exit 1 without another word. */
export class ReportedFailure extends Error {
  constructor() {
    super('reported');
    this.name = 'ReportedFailure';
  }
}
