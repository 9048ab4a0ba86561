import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { announceConfig, configOption, envOption, environmentNames, SELECTED_WITH } from './config-option';
import { ReportedFailure } from './errors';

const ROOT = resolve(__dirname, '..');

interface SynthOptions { config: string; env?: string[]; output?: string; bundle: boolean; json?: boolean }

/** What `gatehouse synth` reports: what was synthesized from which file, and what the compliance gate found. */
export interface SynthSummary {
  readonly config: string;
  readonly environments: readonly { readonly name: string; readonly account: string; readonly region: string; readonly nagPacks: readonly string[] }[];
  readonly stacks: readonly { readonly id: string; readonly stackName: string; readonly region: string; readonly resources: number }[];
  readonly findings: readonly { readonly severity: string; readonly rule: string; readonly path: string; readonly message: string }[];
  /** The cloud assembly, when kept (--output). */
  readonly assembly?: string;
}

/** `gatehouse synth`: the CDK app in this process, offline, with a summary instead of templates. */
export function synthCommand(program: Command): Command {
  return program.command('synth')
    .description('synthesize the CDK app in-process (offline) and summarize: environments, stacks, nag packs, findings')
    .addOption(configOption())
    .addOption(envOption('synthesize only these environments (repeatable or comma-separated; default: all)'))
    .option('-o, --output <dir>', 'keep the cloud assembly in DIR (default: a temporary directory, removed)')
    .option('--no-bundle', 'skip bundling the Lambda code (faster; the assembly is for review, not for deploying)')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', '\nExit 1 when the config is invalid, CDK refuses it, or the compliance gate has unacknowledged findings.\n`npm run synth` is `cdk synth` (same app: bin/gatehouse.ts).')
    .action((opts: SynthOptions, command: Command) => {
      announceConfig(command, opts.config);
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
      const { loadConfigFile } = require('../lib/checks/load') as typeof import('../lib/checks/load');
      const { selectEnvironments } = require('../lib/config/environments') as typeof import('../lib/config/environments');
      const { complianceGateMessage, synthesizeGateway } = require('../lib/synth') as typeof import('../lib/synth');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const config = loadConfigFile(opts.config, SELECTED_WITH);
      const names = environmentNames(opts.env);
      const selected = selectEnvironments(config, names, SELECTED_WITH);
      const outdir = opts.output ?? mkdtempSync(join(tmpdir(), 'gatehouse-synth-'));
      try {
        const app = new App({ outdir, context: { ...cdkJsonContext(), ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) } });
        const { stages, findings } = synthesizeGateway(app, config, names);
        const summary: SynthSummary = {
          config: opts.config,
          environments: selected.map((e) => ({ name: e.name, account: e.env.account, region: e.env.region, nagPacks: [...e.profile.nagPacks, 'Gatehouse'] })),
          stacks: stages.flatMap((stage) => stage.synth().stacks.map((s) => ({
            id: s.hierarchicalId, stackName: s.stackName, region: s.environment.region, resources: Object.keys((s.template as { Resources?: object }).Resources ?? {}).length,
          }))),
          findings: findings.map((f) => ({ severity: f.severity, rule: f.rule, path: f.path, message: f.message })),
          ...(opts.output ? { assembly: opts.output } : {}),
        };
        process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary));
        if (findings.length > 0) {
          process.stderr.write(`${complianceGateMessage(findings)}\n`);
          throw new ReportedFailure();
        }
      } finally {
        if (!opts.output) rmSync(outdir, { recursive: true, force: true });
      }
    });
}

/** The feature flags of cdk.json: `gatehouse synth` produces what `cdk synth` would. */
function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}

function renderSummary(s: SynthSummary): string {
  const width = (values: readonly string[]) => Math.max(...values.map((v) => v.length));
  const envWidth = width(s.environments.map((e) => e.name));
  const idWidth = width(s.stacks.map((x) => x.id));
  const nameWidth = width(s.stacks.map((x) => x.stackName));
  return [
    `Config ${s.config}`,
    '',
    'Environments',
    ...s.environments.map((e) => `  ${e.name.padEnd(envWidth)}  account ${e.account}  ${e.region}  nag packs: ${e.nagPacks.join(', ')}`),
    '',
    `Stacks (${s.stacks.length})`,
    ...s.stacks.map((x) => `  ${x.id.padEnd(idWidth)}  ${x.stackName.padEnd(nameWidth)}  ${x.region.padEnd(14)}${String(x.resources).padStart(4)} resources`),
    '',
    s.findings.length === 0 ? 'Findings: none (compliance gate passed)' : `Findings (${s.findings.length}, unacknowledged)`,
    ...s.findings.map((f) => `  ${f.severity.toUpperCase()} ${f.rule} at ${f.path}: ${f.message}`),
    ...(s.assembly ? ['', `Cloud assembly: ${s.assembly}`] : []),
    '',
  ].join('\n');
}
