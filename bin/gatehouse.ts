#!/usr/bin/env node
/**
 * CDK entry point: the only place that reads process env and CDK context.
 *   GATEHOUSE_CONFIG or `-c config=FILE`  the config file (default gateway.config.yaml)
 *   `-c env=dev,prod`                      synthesize only these environments (an empty value is an error)
 * Every failure ends in a message on stderr and exit code 1, without a stack trace
 * (GATEHOUSE_DEBUG=1 adds the stack of an unexpected error).
 */
import { App } from 'aws-cdk-lib';
import { addGatewayStages } from '../lib/app';
import { formatFindings, readValidationFindings } from '../lib/compliance/report';
import { ConfigError } from '../lib/config/errors';
import { loadConfigFile, selectEnvironments, type SelectedWith } from '../lib/config/load';
import { unknownContextKeys, unknownGatehouseVariables } from '../lib/config/selection';

const SELECTED_WITH: SelectedWith = { config: '-c config=FILE', env: '-c env=NAME' };

const app = new App();
// A typo in a variable or context key must not silently synthesize the sample config.
const typos = [...unknownGatehouseVariables(process.env), ...unknownContextKeys(app.node.getAllContext())];
if (typos.length > 0) {
  process.stderr.write(`${typos.join('\n')}\n`);
  process.exit(1);
}
const file = String(app.node.tryGetContext('config') ?? process.env.GATEHOUSE_CONFIG ?? 'gateway.config.yaml');
const only = app.node.tryGetContext('env') as unknown;

try {
  const config = loadConfigFile(file, SELECTED_WITH);
  const environments = only === undefined ? undefined : String(only).split(',').map((e) => e.trim());
  const selected = selectEnvironments(config, environments, SELECTED_WITH);
  process.stderr.write(`Gatehouse: ${file}, environments ${selected.map((e) => e.name).join(', ')}\n`);
  addGatewayStages(app, config, { environments });
} catch (err) {
  stop(err);
}

// Synthesize here and read the validation report, so that the compliance gate fails `cdk synth`
// on every unacknowledged finding, warnings included: the CLI alone only stops on errors.
try {
  app.synth();
} catch (err) {
  // Outside the CLI, CDK throws on a failed policy validation (cdk-nag); the report is written
  // either way and read below. Anything else, construct validation included, stops here.
  if ((err as Error).name !== 'ValidationFailed') stop(err);
}
const findings = readValidationFindings(app.outdir);
if (findings.length > 0) {
  process.stderr.write(`Compliance gate: ${findings.length} unacknowledged finding(s); fix the resource or acknowledge it with a reason (lib/compliance/nag.ts)\n${formatFindings(findings)}\n`);
  process.exit(1);
}

/**
 * Prints why synth cannot go on and exits 1. A ConfigError is the user's to fix; any other error
 * means AWS CDK refused what a valid config produced, which config validation should have caught.
 * process.exit also keeps the CDK CLI's automatic synth from running (and throwing) a second time.
 */
function stop(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const error = err instanceof Error ? err : new Error(String(err));
  const where = (error as { constructPath?: string }).constructPath;
  const lines = error.message.split('\n').map((l) => l.trim()).filter(Boolean);
  process.stderr.write([
    `Synth failed${where ? ` at ${where}` : ''}: ${lines[0] ?? error.name}`,
    ...lines.slice(1).map((l) => `  ${l}`),
    `  ${file} passed config validation, so this is a check lib/config does not make yet; change the setting the message names, and please report it.`,
    ...(process.env.GATEHOUSE_DEBUG ? [error.stack ?? ''] : []),
    '',
  ].join('\n'));
  process.exit(1);
}
