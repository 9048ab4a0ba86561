import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { closestKey, describeIssue, knownKeysAt } from './describe-issue';
import { ConfigError, formatPath, parsePath, type ConfigProblem } from './errors';
import { locateOverride, mergeOverrides, unknownOverrideNames } from './merge';
import { withOrganizationPreset } from './organization-presets';
import { deriveProfile, type Profile } from './profile';
import { checkReferences } from './references';
import { GatewayConfigSchema, type EnvironmentConfig, type GatewayConfig } from './schema';
import { readYaml } from './yaml-source';

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

/** Where a problem is reported: its key path as printed, and its line. */
type Place = (path: readonly PropertyKey[]) => { path: string; line?: number };
/** The text of the scalar at a key path as written in the file, if it is one. */
type Source = (path: readonly PropertyKey[]) => string | undefined;


/** How the user named the config file and the environments, for hints in messages. */
export interface SelectedWith {
  /** e.g. `-c config=FILE` (synth) or `--config FILE` (plan). */
  readonly config: string;
  /** e.g. `-c env=NAME` (synth) or `--env NAME` (plan). */
  readonly env: string;
}

/** Keys an environment override may not change (they select or name the environments). */
const NOT_OVERRIDABLE = ['environments', 'name', '$schema'];

/** Reads, parses and validates a config file; throws {@link ConfigError} with every problem. */
export function loadConfigFile(file: string, selectedWith?: SelectedWith): LoadedConfig {
  const how = selectedWith ? `${selectedWith.config} or GATEHOUSE_CONFIG=FILE` : 'GATEHOUSE_CONFIG=FILE';
  if (file.trim() === '') {
    throw new ConfigError('', [{ path: '', message: `the config file name is empty (an unset variable?); name the file with ${how}` }]);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT'
      ? `file not found; check the path, or pass the config file with ${how}`
      : code === 'EISDIR' ? 'is a directory, not a config file'
        : `cannot read file (${(err as Error).message})`;
    throw new ConfigError(file, [{ path: '', message: reason }], { cause: err });
  }
  return parseConfig(text, file);
}

/** Parses and validates config text; `file` is only used in messages. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const read = readYaml(text);
  if ('problems' in read) throw new ConfigError(file, read.problems, { cause: read.cause });
  const { data: raw, locate, source: sourceAt } = read.yaml;
  if (raw === null || raw === undefined) {
    throw new ConfigError(file, [{ path: '', message: 'the file is empty; it must hold the gateway config as a YAML mapping (name:, organization:, traffic:, ...)' }]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    const found = Array.isArray(raw) ? 'a list' : `a single ${typeof raw} value`;
    throw new ConfigError(file, [{ path: '', message: `the document is ${found}; the gateway config must be a YAML mapping (key: value pairs)`, line: read.yaml.firstLine }]);
  }
  const asWritten: Place = (path) => ({ path: formatPath(path), line: locate(path) });

  const base = validate(GatewayConfigSchema, withOrganizationPreset(raw as Record<string, unknown>), asWritten, file, sourceAt);
  fail(file, checkReferences(base).map((p) => ({ ...p, ...asWritten(parsePath(p.path)) })));

  const environments: Record<string, GatewayEnvironment> = {};
  const problems: ConfigProblem[] = [];
  const rawRecord = raw as Record<string, unknown>;
  const rawEnvironments = rawRecord.environments as Record<string, { overrides?: unknown }>;
  for (const [name, env] of Object.entries(base.environments)) {
    const overridesAt = ['environments', name, 'overrides'];
    const rawOverrides = rawEnvironments[name].overrides ?? {};
    const inEnvironment: Place = (path) => {
      if (path[0] === 'environments') return asWritten(path);
      const fromOverride = locateOverride(rawRecord, rawOverrides, path);
      return fromOverride ? asWritten([...overridesAt, ...fromOverride]) : { path: `${formatPath(path)} (in environment ${name})`, line: locate(path) };
    };
    const sourceInEnvironment: Source = (path) => {
      const fromOverride = path[0] === 'environments' ? undefined : locateOverride(rawRecord, rawOverrides, path);
      return sourceAt(fromOverride ? [...overridesAt, ...fromOverride] : path);
    };
    const blocked = NOT_OVERRIDABLE.filter((key) => key in env.overrides);
    if (blocked.length > 0) {
      problems.push(...blocked.map((key) => ({ ...asWritten([...overridesAt, key]), message: 'cannot be overridden per environment; set it at the top level' })));
      continue;
    }
    const strays = unknownOverrideNames(rawRecord, env.overrides);
    if (strays.length > 0) {
      problems.push(...strays.map(({ path, name: stray, known }) => {
        const list = formatPath(path.slice(0, -2));
        const suggestion = closestKey(stray, known);
        return {
          ...asWritten([...overridesAt, ...path]),
          message: `no entry named "${stray}" in ${list} to override${suggestion ? `; did you mean "${suggestion}"?` : `; names in ${list}: ${known.join(', ')}`} (an override changes existing entries; add new ones to ${list} itself)`,
        };
      }));
      continue;
    }
    problems.push(...vpcContradictions(rawEnvironments[name], ['environments', name], asWritten));
    let config: GatewayConfig;
    try {
      config = validate(GatewayConfigSchema, withOrganizationPreset(mergeOverrides({ ...rawRecord }, env.overrides) as Record<string, unknown>), inEnvironment, file, sourceInEnvironment);
    } catch (err) {
      if (err instanceof ConfigError) { problems.push(...err.problems); continue; }
      throw err;
    }
    problems.push(...checkReferences(config, name, env).map((p) => ({ ...p, ...inEnvironment(parsePath(p.path)) })));
    environments[name] = { name, file, config, env, profile: deriveProfile(config), locate: inEnvironment };
  }
  fail(file, problems);
  return { file, base, environments };
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

/** max_azs and availability_zones both written, with a different number of zones. */
function vpcContradictions(rawEnv: unknown, at: PropertyKey[], place: Place): ConfigProblem[] {
  const vpc = (rawEnv as { vpc?: { max_azs?: unknown; availability_zones?: unknown } } | undefined)?.vpc;
  if (!vpc || typeof vpc.max_azs !== 'number' || !Array.isArray(vpc.availability_zones)) return [];
  if (vpc.max_azs === vpc.availability_zones.length) return [];
  return [{
    ...place([...at, 'vpc', 'max_azs']),
    message: `${vpc.max_azs} contradicts availability_zones, which names ${vpc.availability_zones.length} zones; the VPC uses the listed zones: remove max_azs or make it ${vpc.availability_zones.length}`,
  }];
}

function validate<S extends z.ZodType>(schema: S, input: unknown, place: Place, file: string, source: Source): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code !== 'unrecognized_keys') return [{ ...place(issue.path), message: describeIssue(issue, source(issue.path)) }];
    const known = knownKeysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const suggestion = closestKey(key, known);
      const hint = suggestion ? `did you mean "${suggestion}"?` : `allowed keys: ${known.join(', ')}`;
      return { ...place([...issue.path, key]), message: `unknown key; ${hint}` };
    });
  });
  throw new ConfigError(file, problems);
}

function fail(file: string, problems: ConfigProblem[]): void {
  if (problems.length > 0) throw new ConfigError(file, problems);
}
