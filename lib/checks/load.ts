/**
 * The config loader: read the file, parse it into the model (lib/config/parse.ts: schema,
 * organization preset, environments with their overrides and profile), and run every check
 * (lib/checks/check-config.ts). `cdk synth`, `gatehouse plan`/`validate`/`synth`, the local twin
 * and the tools all load through here, so they accept and refuse exactly the same configs.
 */
import type { LoadedConfig, SelectedWith } from '../config/environments';
import { parseCheckedConfig, readConfigText } from '../config/parse';
import { checkConfig } from './check-config';

/** Reads, parses and checks a config file; throws {@link ConfigError} with every problem. */
export function loadConfigFile(file: string, selectedWith?: SelectedWith): LoadedConfig {
  return parseConfig(readConfigText(file, selectedWith), file);
}

/** Parses and checks config text; `file` names it in messages, and the files it names (gRPC protos) are read relative to its directory. Throws {@link ConfigError} with every problem. */
export function parseConfig(text: string, file: string): LoadedConfig {
  return parseCheckedConfig(text, file, checkConfig);
}
