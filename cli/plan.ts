import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, usageError } from './errors';
import { announceConfig, collect, DEFAULT_CONFIG, envOption, environmentNames, SELECTED_WITH } from './config-option';

const ROOT = resolve(__dirname, '..');

interface PlanOptions { config?: string[]; env?: string[]; all?: boolean; json?: boolean; markdown?: string }

/** `gatehouse plan`: capacity and cost per environment (lib/plan; docs/capacity.md). */
export function planCommand(program: Command): Command {
  return program.command('plan')
    .description('capacity and cost plan of each environment (docs/capacity.md)')
    .addOption(new Option('-c, --config <file>', `config file, repeatable (default: ${DEFAULT_CONFIG}, or GATEHOUSE_CONFIG)`).argParser(collect).conflicts('all'))
    .addOption(envOption('plan only these environments (repeatable or comma-separated; default: all)'))
    .option('--all', 'plan every shipped config (gateway.config.yaml and examples/*.yaml)')
    .option('--json', 'print the plans as JSON instead of tables')
    .option('--markdown <file>', 'also write the plans as a markdown report to FILE')
    .action((opts: PlanOptions, command: Command) => {
      const synthSyntax = [...(opts.config ?? []), ...(opts.env ?? [])].find((v) => /^(config|env)=/.test(v));
      if (synthSyntax) usageError(command, `"${synthSyntax}" is cdk synth's syntax; plan takes --config FILE and --env NAME`);
      if (opts.markdown !== undefined && opts.markdown.trim() === '') usageError(command, '--markdown needs a file name');
      // Loaded here: --help and the other commands do not pay for the planner.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { loadConfigFile } = require('../lib/checks/load') as typeof import('../lib/checks/load');
      const { selectEnvironments } = require('../lib/config/environments') as typeof import('../lib/config/environments');
      const { planConfig } = require('../lib/plan/plan') as typeof import('../lib/plan/plan');
      const { renderCapacityReport } = require('../lib/plan/render-markdown') as typeof import('../lib/plan/render-markdown');
      const { renderTerminal } = require('../lib/plan/render-terminal') as typeof import('../lib/plan/render-terminal');
      const { shippedConfigs } = require('../lib/plan/shipped-configs') as typeof import('../lib/plan/shipped-configs');
      /* eslint-enable @typescript-eslint/no-require-imports */

      const files = opts.all
        ? shippedConfigs(ROOT).map((f) => resolve(ROOT, f))
        : opts.config ?? [process.env.GATEHOUSE_CONFIG ?? DEFAULT_CONFIG];
      const only = environmentNames(opts.env);
      const from = opts.all ? '--all' : opts.config ? '--config' : process.env.GATEHOUSE_CONFIG !== undefined ? 'GATEHOUSE_CONFIG' : 'default';
      const configs = files.map((file) => {
        const shown = opts.all ? relative(ROOT, file) : file;
        announceConfig(command, shown, from);
        const loaded = loadConfigFile(file, SELECTED_WITH);
        const plans = planConfig(loaded, selectEnvironments(loaded, only, SELECTED_WITH)).map((p) => ({ ...p, file: shown }));
        return { file: shown, loaded, plans };
      });
      const plans = configs.flatMap((c) => c.plans);
      const report = opts.markdown ? renderCapacityReport(configs) : undefined;
      process.stdout.write(opts.json ? `${JSON.stringify(plans, null, 2)}\n` : plans.map(renderTerminal).join('\n'));
      if (opts.markdown && report !== undefined) {
        try {
          writeFileSync(opts.markdown, report);
        } catch (err) {
          throw new InputError(`plan: cannot write the markdown report to ${opts.markdown}: ${writeFailure(err)}`);
        }
      }
    });
}

/** Why a file could not be written, in words (the errno code without the stack). */
export function writeFailure(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT': return 'its directory does not exist';
    case 'EISDIR': return 'it is a directory; name a file inside it';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'the file system is read-only';
    default: return (err as Error).message;
  }
}
