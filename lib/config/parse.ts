/**
 * The parse of a config file: YAML with lines, the schema with defaults, the organization
 * preset, then the model (one merged, validated config per environment, with its profile). The
 * checks that need the contract (route table, transformations, edge plans) live above it in
 * lib/checks and are handed in as `check`, so this layer imports nothing from the contract;
 * lib/checks/load.ts is the loader everyone calls. Every problem is placed as `file:line key`,
 * at the key as written or at the environment override that sets it.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { closestKey, describeIssue, knownKeysAt } from './describe-issue';
import type { GatewayEnvironment, LoadedConfig, SelectedWith } from './environments';
import { ConfigError, formatPath, type ConfigProblem, type KeyProblem } from './errors';
import { locateOverride, mergeOverrides, unknownOverrideNames } from './merge';
import { withOrganizationPreset } from './organization-presets';
import { deriveProfile } from './profile';
import { GatewayConfigSchema, type EnvironmentConfig, type GatewayConfig } from './schema';
import { readYaml } from './yaml-source';

/**
 * The rules beyond the schema, for the file as written (no `environment`) and for each
 * environment's merged config; returns every problem, key paths as arrays.
 */
export type ConfigCheck = (config: GatewayConfig, environment?: { readonly name: string; readonly env: EnvironmentConfig }, source?: ConfigSource) => readonly KeyProblem[];

/** The file a config was read from: files it names (a gRPC service's protos) are relative to its directory. */
export interface ConfigSource {
  readonly file: string;
}

/** Where a problem is reported: its key path as printed, and its line. */
type Place = (path: readonly PropertyKey[]) => { path: string; line?: number };
/** The text of the scalar at a key path as written in the file, if it is one. */
type Source = (path: readonly PropertyKey[]) => string | undefined;

/** The text of a config file; throws {@link ConfigError} for an empty name or a file it cannot read. */
export function readConfigText(file: string, selectedWith?: SelectedWith): string {
  const how = selectedWith ? `${selectedWith.config} or GATEHOUSE_CONFIG=FILE` : 'GATEHOUSE_CONFIG=FILE';
  if (file.trim() === '') {
    throw new ConfigError('', [{ path: '', message: `the config file name is empty (an unset variable?); name the file with ${how}` }]);
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT'
      ? `file not found; check the path, or pass the config file with ${how}`
      : code === 'EISDIR' ? 'is a directory, not a config file'
        : `cannot read file (${(err as Error).message})`;
    throw new ConfigError(file, [{ path: '', message: reason }], { cause: err });
  }
}

/** Keys an environment override may not change (they select or name the environments). */
const NOT_OVERRIDABLE = ['environments', 'name', '$schema'];

/** Parses config text into the model, running `check` on it; `file` names it in messages, and files it names are relative to its directory. Throws {@link ConfigError} with every problem. */
export function parseCheckedConfig(text: string, file: string, check: ConfigCheck): LoadedConfig {
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
  fail(file, check(base, undefined, { file }).map((p) => ({ ...asWritten(p.key), message: p.message })));

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
    problems.push(...check(config, { name, env }, { file }).map((p) => ({ ...inEnvironment(p.key), message: p.message })));
    environments[name] = { name, file, config, env, profile: deriveProfile(config), locate: inEnvironment };
  }
  fail(file, problems);
  return { file, base, environments };
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
