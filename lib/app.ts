import type { App } from 'aws-cdk-lib';
import { selectEnvironments, type LoadedConfig } from './config/environments';
import { GatewayStage } from './stage';

export interface AddGatewayOptions {
  /** Only these environments (default: all in the config). */
  readonly environments?: readonly string[];
}

/** Adds one {@link GatewayStage} per selected environment of the config to the app. */
export function addGatewayStages(app: App, config: LoadedConfig, options: AddGatewayOptions = {}): GatewayStage[] {
  return selectEnvironments(config, options.environments).map((gateway) => new GatewayStage(app, gateway.name, { gateway }));
}
