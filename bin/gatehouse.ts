#!/usr/bin/env node
/**
 * CDK entry point: the only place that reads process env and CDK context.
 *   GATEHOUSE_CONFIG or `-c config=FILE`  the config file (default gateway.config.yaml)
 *   `-c env=dev,prod`                      synthesize only these environments
 */
import { App } from 'aws-cdk-lib';
import { addGatewayStages } from '../lib/app';
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
