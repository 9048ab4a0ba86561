import { Command, CommanderError } from 'commander';
import { unknownGatehouseVariables } from '../lib/config/selection';
import { consumersCommand } from './consumers';
import { EXIT, InputError, ReportedFailure } from './errors';
import { openapiCommand } from './openapi';
import { planCommand } from './plan';
import { startCommand } from './start';
import { synthCommand } from './synth';
import { validateCommand } from './validate';
import { verifyCommand } from './verify';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION = (require('../package.json') as { version: string }).version;

/**
 * `gatehouse`: one command line for the gateway (docs/cli.md). Each command lives in its own
 * file and loads what it runs (CDK, the twin, the AWS SDK) only when it runs, so `validate` and
 * `--help` stay fast.
 */
export function gatehouseProgram(): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse: an API gateway on AWS from one config file, and its local twin.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', '\nExit codes: 0 ok, 1 invalid input, 2 usage. Docs: docs/cli.md')
    // A typo in GATEHOUSE_CONFIG must not silently select the sample config (start reports it with the other variables).
    .hook('preAction', (_program, action) => {
      if (action.name() === 'start') return;
      const typos = unknownGatehouseVariables(process.env);
      if (typos.length > 0) throw new InputError(typos.join('\n'));
    });
  // Subcommands created with .command() inherit the settings above (suggestions, exitOverride, output).
  for (const add of [startCommand, planCommand, validateCommand, synthCommand, consumersCommand, openapiCommand, verifyCommand]) add(program);
  withVersionAndHelp(program.commands);
  return program;
}

/** Every command, nested ones included, answers --version and --help. */
function withVersionAndHelp(commands: readonly Command[]): void {
  for (const command of commands) {
    if (command.name() === 'help') continue;
    command.version(VERSION, '-V, --version', 'print the version').helpOption('-h, --help', 'show help');
    withVersionAndHelp(command.commands);
  }
}

/** Runs one command line (without `node` and the script); resolves with the exit code, never throws. */
export async function runGatehouse(argv: readonly string[]): Promise<number> {
  try {
    await gatehouseProgram().parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    return report(err);
  }
}

/** Runs the command line, then exits with its code once stdout and stderr are written. */
export async function runAndExit(argv: readonly string[]): Promise<never> {
  const code = await runGatehouse(argv);
  await new Promise((r) => process.stdout.write('', r));
  await new Promise((r) => process.stderr.write('', r));
  process.exit(code);
}

/** Prints why a command failed (never a stack trace for bad input) and picks its exit code. */
function report(err: unknown): number {
  // commander has printed its message (unknown command or option, with the closest one) and the hint.
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof ReportedFailure) return EXIT.invalid;
  const error = err instanceof Error ? err : new Error(String(err));
  // Every error the commands raise for bad input carries the message to show; GATEHOUSE_DEBUG=1 adds the stack.
  process.stderr.write(`${error.message}\n${process.env.GATEHOUSE_DEBUG ? `${error.stack ?? ''}\n` : ''}`);
  return EXIT.invalid;
}
