#!/usr/bin/env node
/**
 * CDK entry point: the only place that reads process env and CDK context.
 *   GATEHOUSE_CONFIG or `-c config=FILE`  the config file (default gateway.config.yaml)
 *   `-c env=dev,prod`                      synthesize only these environments (an empty value is an error)
 * Every failure ends in a message on stderr and exit code 1, without a stack trace
 * (GATEHOUSE_DEBUG=1 adds the stack of an unexpected error).
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../lib/config/errors';
import { loadConfigFile } from '../lib/checks/load';
import { selectEnvironments, type SelectedWith } from '../lib/config/environments';
import { unknownContextKeys, unknownGatehouseVariables } from '../lib/config/selection';
import { complianceGateMessage, synthesizeGateway, SynthError } from '../lib/synth';

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
  // Synthesized here, and the validation report read, so that the compliance gate fails `cdk synth`
  // on every unacknowledged finding, warnings included: the CLI alone only stops on errors.
  const { findings } = synthesizeGateway(app, config, environments);
  if (findings.length > 0) {
    process.stderr.write(`${complianceGateMessage(findings)}\n`);
    process.exit(1);
  }
} catch (err) {
  // A ConfigError is the user's to fix; a SynthError means AWS CDK refused what a valid config
  // produced. process.exit also keeps the CDK CLI's automatic synth from running a second time.
  const unexpected = !(err instanceof ConfigError || err instanceof SynthError);
  process.stderr.write(`${(err as Error).message}\n${unexpected || process.env.GATEHOUSE_DEBUG ? `${(err as Error).stack ?? ''}\n` : ''}`);
  process.exit(1);
}
