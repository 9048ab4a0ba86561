import { Option, type Command } from 'commander';
import type { SelectedWith } from '../lib/config/environments';

/** The default config file, at the repository root. */
export const DEFAULT_CONFIG = 'gateway.config.yaml';
/** How the CLI's messages tell the user to pick the config and the environments. */
export const SELECTED_WITH: SelectedWith = { config: '--config FILE', env: '--env NAME' };

/** `-c, --config FILE`, from the command line, else GATEHOUSE_CONFIG, else gateway.config.yaml. */
export function configOption(description = 'gateway config file'): Option {
  return new Option('-c, --config <file>', description).env('GATEHOUSE_CONFIG').default(DEFAULT_CONFIG);
}

/** Where the config file came from, as a user would set it: `--config`, `GATEHOUSE_CONFIG` or `default`. */
export function configSource(command: Command): string {
  switch (command.getOptionValueSource('config')) {
    case 'cli': return '--config';
    case 'env': return 'GATEHOUSE_CONFIG';
    default: return 'default';
  }
}

/**
 * Names the config file a command uses, on stderr (stdout stays the command's output): a typo in
 * a variable must not go unseen behind the sample config.
 */
export function announceConfig(command: Command, file: string, from = configSource(command)): void {
  process.stderr.write(`${commandPath(command)}: config ${file} (${from})\n`);
}

/** `-e, --env NAME`, repeatable and comma-separated; undefined selects every environment. */
export function envOption(description = 'only these environments (repeatable or comma-separated; default: all)'): Option {
  return new Option('-e, --env <name>', description).argParser(collect);
}

/** `--env a,b --env c` -> ['a', 'b', 'c']; an empty value stays an empty name, which selectEnvironments refuses. */
export function environmentNames(values: readonly string[] | undefined): string[] | undefined {
  return values?.flatMap((e) => e.split(',')).map((e) => e.trim());
}

/** Collects a repeatable option's values (commander hands over the default or the previous values). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `gatehouse consumers create`: the command as typed, for messages. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
