import type { Command } from 'commander';
import { ConfigError } from '../lib/config/errors';
import { announceConfig, configOption, envOption, environmentNames, SELECTED_WITH } from './config-option';
import { ReportedFailure } from './errors';

interface ValidateOptions { config: string; env?: string[]; json?: boolean }

/** One problem as `validate --json` reports it, for CI annotations. */
export interface ValidationProblem {
  readonly file: string;
  /** 1-based; absent when the problem has no line (a file that cannot be read, an unknown environment). */
  readonly line?: number;
  /** Key path in the file, e.g. `routes[3].service`; empty for the document itself. */
  readonly path: string;
  readonly message: string;
}

/** `gatehouse validate`: the config loader's checks alone, the same messages as synth, in a second. */
export function validateCommand(program: Command): Command {
  return program.command('validate')
    .description('check the config without synthesizing (the same checks and messages as synth before CDK runs)')
    .addOption(configOption())
    .addOption(envOption('check that these environments exist (repeatable or comma-separated; default: all)'))
    .option('--json', 'print the result as JSON: { valid, file, environments, problems: [{ file, line, path, message }] }')
    .addHelpText('after', '\nExit 0 valid, 1 invalid. What only synth finds (cdk-nag findings, CDK construct errors) needs `gatehouse synth`.')
    .action((opts: ValidateOptions, command: Command) => {
      announceConfig(command, opts.config);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { loadConfigFile } = require('../lib/checks/load') as typeof import('../lib/checks/load');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { selectEnvironments } = require('../lib/config/environments') as typeof import('../lib/config/environments');
      let environments: string[];
      let warnings: ValidationProblem[] = [];
      try {
        const loaded = loadConfigFile(opts.config, SELECTED_WITH);
        environments = selectEnvironments(loaded, environmentNames(opts.env), SELECTED_WITH).map((e) => e.name);
        warnings = driftWarnings(loaded, opts.config);
      } catch (err) {
        if (!(err instanceof ConfigError) || !opts.json) throw err;
        const problems: ValidationProblem[] = err.problems.map((p) => ({ file: err.file, ...(p.line ? { line: p.line } : {}), path: p.path, message: p.message }));
        process.stdout.write(`${JSON.stringify({ valid: false, file: opts.config, problems }, null, 2)}\n`);
        throw new ReportedFailure();
      }
      if (!opts.json) for (const w of warnings) process.stderr.write(`warning: ${w.file}${w.line ? `:${w.line}` : ''} ${w.path}: ${w.message}\n`);
      process.stdout.write(opts.json
        ? `${JSON.stringify({ valid: true, file: opts.config, environments, problems: [], warnings }, null, 2)}\n`
        : `${opts.config}: valid (environments ${environments.join(', ')})${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}\n`);
    });
}

/** Drift from services' OpenAPI documents whose config says `drift: warning` (lib/checks/openapi-rules.ts). */
function driftWarnings(loaded: import('../lib/config/environments').LoadedConfig, file: string): ValidationProblem[] {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { openApiWarnings } = require('../lib/checks/openapi-rules') as typeof import('../lib/checks/openapi-rules');
  const { dirname } = require('node:path') as typeof import('node:path');
  const { formatPath } = require('../lib/config/errors') as typeof import('../lib/config/errors');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const locate = Object.values(loaded.environments)[0]?.locate;
  return openApiWarnings(loaded.base, dirname(file)).map((d) => {
    const place = locate?.(d.key);
    // The key as written in the file: drift is of the file's services and routes, not of one environment.
    return { file, ...(place?.line ? { line: place.line } : {}), path: formatPath(d.key), message: d.message };
  });
}
