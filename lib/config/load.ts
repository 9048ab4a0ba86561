import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { closestKey, describeIssue, knownKeysAt } from './describe-issue';
import { ConfigError, formatPath, type ConfigProblem } from './errors';
import { locateOverride, mergeOverrides } from './merge';
import { withOrganizationPreset } from './organization-presets';
import { deriveProfile, type Profile } from './profile';
import { checkReferences } from './references';
import { GatewayConfigSchema, type EnvironmentConfig, type GatewayConfig } from './schema';

/** One deployable environment: the config with its overrides applied, and what it implies. */
export interface GatewayEnvironment {
  readonly name: string;
  /** The file it came from, for messages. */
  readonly file: string;
  readonly config: GatewayConfig;
  readonly env: EnvironmentConfig;
  readonly profile: Profile;
}

export interface LoadedConfig {
  readonly file: string;
  /** The file as written, defaults applied, without environment overrides. */
  readonly base: GatewayConfig;
  readonly environments: Readonly<Record<string, GatewayEnvironment>>;
}

/** Where a problem is reported: its key path as printed, and its line. */
type Place = (path: readonly PropertyKey[]) => { path: string; line?: number };

/** Keys an environment override may not change (they select or name the environments). */
const NOT_OVERRIDABLE = ['environments', 'name', '$schema'];

/** Reads, parses and validates a config file; throws {@link ConfigError} with every problem. */
export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'file not found; pass the config file with -c config=FILE or GATEHOUSE_CONFIG=FILE'
      : `cannot read file (${(err as Error).message})`;
    throw new ConfigError(file, [{ path: '', message: reason }], { cause: err });
  }
  return parseConfig(text, file);
}

/** Parses and validates config text; `file` is only used in messages. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => ({
      path: '',
      message: `YAML syntax: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      line: e.linePos?.[0]?.line,
    })));
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || raw === undefined) {
    throw new ConfigError(file, [{ path: '', message: 'the file is empty; it must hold the gateway config as a YAML mapping (name:, organization:, traffic:, ...)' }]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    const found = Array.isArray(raw) ? 'a list' : `a single ${typeof raw} value`;
    const line = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]).line : undefined;
    throw new ConfigError(file, [{ path: '', message: `the document is ${found}; the gateway config must be a YAML mapping (key: value pairs)`, line }]);
  }
  const locate = (path: readonly PropertyKey[]) => lineOf(doc, lineCounter, path);
  const asWritten: Place = (path) => ({ path: formatPath(path), line: locate(path) });

  const base = validate(GatewayConfigSchema, withOrganizationPreset(raw as Record<string, unknown>), asWritten, file);
  fail(file, checkReferences(base).map((p) => ({ ...p, ...asWritten(splitPath(p.path)) })));

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
    const blocked = NOT_OVERRIDABLE.filter((key) => key in env.overrides);
    if (blocked.length > 0) {
      problems.push(...blocked.map((key) => ({ ...asWritten([...overridesAt, key]), message: 'cannot be overridden per environment; set it at the top level' })));
      continue;
    }
    let config: GatewayConfig;
    try {
      config = validate(GatewayConfigSchema, withOrganizationPreset(mergeOverrides({ ...rawRecord }, env.overrides) as Record<string, unknown>), inEnvironment, file);
    } catch (err) {
      if (err instanceof ConfigError) { problems.push(...err.problems); continue; }
      throw err;
    }
    problems.push(...checkReferences(config, name, env).map((p) => ({ ...p, ...inEnvironment(splitPath(p.path)) })));
    environments[name] = { name, file, config, env, profile: deriveProfile(config) };
  }
  fail(file, problems);
  return { file, base, environments };
}

/**
 * The environments to deploy, in the order asked for (all of them when `names` is empty).
 * Throws {@link ConfigError} naming the defined environments when one does not exist.
 */
export function selectEnvironments(config: LoadedConfig, names?: readonly string[]): GatewayEnvironment[] {
  const defined = Object.keys(config.environments);
  const wanted = names?.length ? names : defined;
  const unknown = wanted.filter((n) => !config.environments[n]);
  if (unknown.length > 0) {
    throw new ConfigError(config.file, unknown.map((n) => ({
      path: 'environments',
      message: `no environment "${n}" (selected with -c env=...); defined environments: ${defined.join(', ')}`,
    })));
  }
  return wanted.map((n) => config.environments[n]);
}

function validate<S extends z.ZodType>(schema: S, input: unknown, place: Place, file: string): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code !== 'unrecognized_keys') return [{ ...place(issue.path), message: describeIssue(issue) }];
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

/** 1-based line of the key (or list item) at `path`, or of its nearest existing ancestor. */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const parent = doc.getIn(path.slice(0, n - 1) as unknown[], true);
    const key = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
      const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (range) return counter.linePos(range[0]).line;
    } else if (isSeq(parent) && typeof key === 'number') {
      const range = (parent.items[key] as { range?: [number, number, number] } | undefined)?.range;
      if (range) return counter.linePos(range[0]).line;
    }
  }
  return doc.contents?.range ? counter.linePos(doc.contents.range[0]).line : undefined;
}

/** Inverse of formatPath for the simple paths references.ts produces. */
function splitPath(path: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const m of path.matchAll(/([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? JSON.parse(`"${m[3]}"`) as string : m[1]);
  }
  return out;
}
