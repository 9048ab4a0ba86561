import type { App } from 'aws-cdk-lib';
import { ConfigError } from './config/errors';
import type { LoadedConfig } from './config/load';
import { GatewayStage } from './stage';

export interface AddGatewayOptions {
  /** Only these environments (default: all in the config). */
  readonly environments?: readonly string[];
}

/** Adds one {@link GatewayStage} per environment of the config to the app. */
export function addGatewayStages(app: App, config: LoadedConfig, options: AddGatewayOptions = {}): GatewayStage[] {
  const names = options.environments?.length ? options.environments : Object.keys(config.environments);
  return names.map((name) => {
    const gateway = config.environments[name];
    if (!gateway) {
      throw new ConfigError(config.file, [{ path: 'environments', message: `no environment "${name}"; defined: ${Object.keys(config.environments).join(', ')}` }]);
    }
    return new GatewayStage(app, name, { gateway });
  });
}
