#!/usr/bin/env node
/**
 * CDK entry point: the only place that reads process env and CDK context.
 *   GATEHOUSE_CONFIG or `-c config=FILE`  the config file (default gateway.config.yaml)
 *   `-c env=dev,prod`                      synthesize only these environments
 */
import { App } from 'aws-cdk-lib';
import { addGatewayStages } from '../lib/app';
import { formatFindings, readValidationFindings } from '../lib/compliance/report';
import { ConfigError } from '../lib/config/errors';
import { loadConfigFile } from '../lib/config/load';

const app = new App();
const file = String(app.node.tryGetContext('config') ?? process.env.GATEHOUSE_CONFIG ?? 'gateway.config.yaml');
const only = app.node.tryGetContext('env') as string | undefined;

try {
  const config = loadConfigFile(file);
  addGatewayStages(app, config, { environments: only ? only.split(',').map((e) => e.trim()) : undefined });
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

// Synthesize here and read the validation report, so that the compliance gate fails `cdk synth`
// on every unacknowledged finding, warnings included: the CLI alone only stops on errors.
try {
  app.synth();
} catch (err) {
  // Outside the CLI, CDK throws on a failed validation; the report is written either way.
  if (!/ValidationFailed|Validation failed/.test(`${(err as Error).name} ${(err as Error).message}`)) throw err;
}
const findings = readValidationFindings(app.outdir);
if (findings.length > 0) {
  process.stderr.write(`Compliance gate: ${findings.length} unacknowledged finding(s); fix the resource or acknowledge it with a reason (lib/compliance/nag.ts)\n${formatFindings(findings)}\n`);
  process.exit(1);
}
