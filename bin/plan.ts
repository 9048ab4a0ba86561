#!/usr/bin/env node
/**
 * Capacity and cost planner: `npm run plan -- [--config FILE] [--env NAME] [--json] [--markdown FILE]`.
 *   --config, -c FILE   config file (default gateway.config.yaml; GATEHOUSE_CONFIG like synth); repeatable
 *   --env, -e NAME      plan only these environments (repeatable or comma-separated)
 *   --all               plan every shipped config (gateway.config.yaml and examples/*.yaml)
 *   --json              print the plans as JSON instead of tables
 *   --markdown FILE     also write the plans as a markdown report to FILE
 * Exit codes: 0 planned, 1 invalid config (same message as synth), 2 bad command line.
 */
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../lib/config/errors';
import { loadConfigFile, selectEnvironments, type SelectedWith } from '../lib/config/load';
import { unknownGatehouseVariables } from '../lib/config/selection';
import { planConfig } from '../lib/plan/plan';
import { renderCapacityReport } from '../lib/plan/render-markdown';
import { renderTerminal } from '../lib/plan/render-terminal';
import { shippedConfigs } from '../lib/plan/shipped-configs';

const USAGE = 'usage: npm run plan -- [--config FILE]... [--env NAME]... [--all] [--json] [--markdown FILE]';
const ROOT = resolve(__dirname, '..');
const SELECTED_WITH: SelectedWith = { config: '--config FILE', env: '--env NAME' };

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c', multiple: true },
        env: { type: 'string', short: 'e', multiple: true },
        all: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        markdown: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`plan: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const typos = unknownGatehouseVariables(process.env);
  if (typos.length > 0) {
    process.stderr.write(`plan: ${typos.join('\nplan: ')}\n`);
    return 1;
  }
  if (args.all && args.config) {
    process.stderr.write(`plan: --all and --config exclude each other\n${USAGE}\n`);
    return 2;
  }
  const files = args.all
    ? shippedConfigs(ROOT).map((f) => resolve(ROOT, f))
    : args.config ?? [process.env.GATEHOUSE_CONFIG ?? 'gateway.config.yaml'];
  const synthSyntax = [...(args.config ?? []), ...(args.env ?? [])].find((v) => /^(config|env)=/.test(v));
  if (synthSyntax) {
    process.stderr.write(`plan: "${synthSyntax}" is cdk synth's syntax; plan takes --config FILE and --env NAME\n${USAGE}\n`);
    return 2;
  }
  // An empty --env (an unset variable) is refused by selectEnvironments, never read as "all".
  const only = args.env?.flatMap((e) => e.split(',')).map((e) => e.trim());
  if (args.markdown !== undefined && args.markdown.trim() === '') {
    process.stderr.write(`plan: --markdown needs a file name\n${USAGE}\n`);
    return 2;
  }

  try {
    const configs = files.map((file) => {
      const loaded = loadConfigFile(file, SELECTED_WITH);
      const shown = args.all ? relative(ROOT, file) : file;
      const plans = planConfig(loaded, selectEnvironments(loaded, only, SELECTED_WITH)).map((p) => ({ ...p, file: shown }));
      return { file: shown, loaded, plans };
    });
    const plans = configs.flatMap((c) => c.plans);
    const report = args.markdown ? renderCapacityReport(configs) : undefined;
    process.stdout.write(args.json ? `${JSON.stringify(plans, null, 2)}\n` : plans.map(renderTerminal).join('\n'));
    if (args.markdown && report !== undefined) {
      try {
        writeFileSync(args.markdown, report);
      } catch (err) {
        process.stderr.write(`plan: cannot write the markdown report to ${args.markdown}: ${writeFailure(err)}\n`);
        return 1;
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** Why a file could not be written, in words (the errno code without the stack). */
function writeFailure(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT': return 'its directory does not exist';
    case 'EISDIR': return 'it is a directory; name a file inside it';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'the file system is read-only';
    default: return (err as Error).message;
  }
}

process.exitCode = main(process.argv.slice(2));
