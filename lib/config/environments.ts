/**
 * What a loaded config is: the file as written and one resolved environment per entry of
 * `environments` (overrides applied, profile derived), and how a command selects among them.
 * These types sit in lib/config so that every layer (the contract, the Lambdas' config, the
 * planner, CDK, the twin) can name them; the loader that builds them, with every check, is
 * lib/checks/load.ts.
 */
import { ConfigError } from './errors';
import type { Profile } from './profile';
import type { EnvironmentConfig, GatewayConfig } from './schema';

/** One deployable environment: the config with its overrides applied, and what it implies. */
export interface GatewayEnvironment {
  readonly name: string;
  /** The file it came from, for messages. */
  readonly file: string;
  readonly config: GatewayConfig;
  readonly env: EnvironmentConfig;
  readonly profile: Profile;
  /**
   * Where a key of this environment's config is written: the override that sets it, else the
   * key as written (or its nearest written parent); for messages after loading, e.g. the gate's.
   */
  readonly locate: (path: readonly PropertyKey[]) => { readonly path: string; readonly line?: number };
}

export interface LoadedConfig {
  readonly file: string;
  /** The file as written, defaults applied, without environment overrides. */
  readonly base: GatewayConfig;
  readonly environments: Readonly<Record<string, GatewayEnvironment>>;
}

/** How the user named the config file and the environments, for hints in messages. */
export interface SelectedWith {
  /** e.g. `-c config=FILE` (synth) or `--config FILE` (plan). */
  readonly config: string;
  /** e.g. `-c env=NAME` (synth) or `--env NAME` (plan). */
  readonly env: string;
}

/**
 * The environments to deploy, in the order asked for (all of them when `names` is undefined).
 * Throws {@link ConfigError} naming the defined environments when one does not exist, or when
 * the selection is empty or has an empty name (an unset variable must not select everything,
 * production included).
 */
export function selectEnvironments(config: LoadedConfig, names?: readonly string[], selectedWith?: SelectedWith): GatewayEnvironment[] {
  const defined = Object.keys(config.environments);
  const flag = selectedWith ? ` (selected with ${selectedWith.env})` : '';
  if (names && (names.length === 0 || names.some((n) => n.trim() === ''))) {
    const what = selectedWith?.env ?? 'the environment selection';
    const written = names.join(',');
    throw new ConfigError(config.file, [{
      path: 'environments',
      message: `${what} ${written.trim() === '' ? 'is empty' : `has an empty name ("${written}")`} (an unset variable?); name one or more of: ${defined.join(', ')}`,
    }]);
  }
  const wanted = names ?? defined;
  const unknown = wanted.filter((n) => !Object.hasOwn(config.environments, n));
  if (unknown.length > 0) {
    throw new ConfigError(config.file, unknown.map((n) => ({
      path: 'environments',
      message: `no environment "${n}"${flag}; defined environments: ${defined.join(', ')}`,
    })));
  }
  return wanted.map((n) => config.environments[n]);
}
