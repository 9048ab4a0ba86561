import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatPath, type ConfigProblem } from './errors';
import { mergeOverrides } from './merge';
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

/** Reads, parses and validates a config file; throws {@link ConfigError} with every problem. */
export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read file (${(err as Error).message})`;
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
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(file, [{ path: '', message: 'the file must contain a YAML mapping (key: value pairs)' }]);
  }
  const locate = (path: readonly PropertyKey[]) => lineOf(doc, lineCounter, path);

  const base = validate(GatewayConfigSchema, raw, [], locate, file);
  fail(file, checkReferences(base).map((p) => ({ ...p, line: locate(splitPath(p.path)) })));

  const environments: Record<string, GatewayEnvironment> = {};
  const problems: ConfigProblem[] = [];
  const rawRecord = raw as Record<string, unknown>;
  for (const [name, env] of Object.entries(base.environments)) {
    const overridesAt = ['environments', name, 'overrides'];
    const merged = mergeOverrides({ ...rawRecord }, env.overrides);
    for (const key of ['environments', 'name']) {
      if (key in env.overrides) problems.push({ path: `${formatPath(overridesAt)}.${key}`, message: 'cannot be overridden per environment', line: locate([...overridesAt, key]) });
    }
    let config: GatewayConfig;
    try {
      config = validate(GatewayConfigSchema, merged, overridesAt, locate, file);
    } catch (err) {
      if (err instanceof ConfigError) { problems.push(...err.problems); continue; }
      throw err;
    }
    const envProblems = checkReferences(config, name, env).map((p) => ({
      ...p,
      path: p.path.startsWith('environments.') || Object.keys(env.overrides).length === 0 ? p.path : `${p.path} (in environment ${name})`,
      line: locate(splitPath(p.path)),
    }));
    problems.push(...envProblems);
    environments[name] = { name, file, config, env, profile: deriveProfile(config) };
  }
  fail(file, problems);
  return { file, base, environments };
}

function validate<S extends z.ZodType>(
  schema: S, input: unknown, prefix: PropertyKey[], locate: (p: readonly PropertyKey[]) => number | undefined, file: string,
): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue): ConfigProblem[] => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => {
      const path = key === undefined ? issue.path : [...issue.path, key];
      const message = key === undefined ? describeIssue(issue) : 'unknown key (not part of the gateway config schema)';
      const prefixed = prefix.length && locate([...prefix, ...path]) !== undefined ? [...prefix, ...path] : path;
      const where = formatPath(prefixed) + (prefix.length && prefixed === path ? ` (in ${formatPath(prefix)})` : '');
      return { path: where, message, line: locate(prefixed) ?? locate(path) };
    });
  });
  throw new ConfigError(file, problems);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return `required (${issue.expected})`;
  if (issue.code === 'invalid_value') return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

function fail(file: string, problems: ConfigProblem[]): void {
  if (problems.length > 0) throw new ConfigError(file, problems);
}

/** 1-based line of the node at `path`, or of its nearest existing ancestor. */
function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    const parent = n > 0 ? doc.getIn(path.slice(0, n - 1) as unknown[], true) : undefined;
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === String(path[n - 1]));
      const keyRange = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
      if (keyRange) return counter.linePos(keyRange[0]).line;
    }
    if (node && node.range && (n === 0 || isSeq(parent) || node)) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Inverse of formatPath for the simple paths references.ts produces. */
function splitPath(path: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}
