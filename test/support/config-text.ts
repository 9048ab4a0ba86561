import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { mergeOverrides } from '../../lib/config/merge';

/**
 * Config text for tests, so no test copies YAML: the smallest config that loads
 * ({@link minimalConfig}), each test stating only what it adds, and guarded edits of shipped
 * configs ({@link guardedEdit}) that fail loudly when the text they expect has moved.
 */

const ROOT = join(__dirname, '../..');

/** The smallest config that loads: one environment, one public service, one anonymous route, one tier. */
const MINIMAL = {
  name: 'acme',
  organization: { name: 'Acme', type: 'other' },
  traffic: { steady_rps: 10, peak_rps: 20 },
  compliance: [],
  targets: { p99_latency_ms: 300, availability: 99.9 },
  environments: { dev: { account: '111111111111', region: 'eu-west-1' } },
  services: [{ name: 'echo', url: 'https://echo.example.com' }],
  routes: [{ name: 'echo', paths: ['/echo'], service: 'echo' }],
  tiers: [{ name: 'free', minute: 60, hour: 1000 }],
} as const;

/**
 * {@link MINIMAL} with `extra` deep-merged over it, as YAML text. Objects merge key by key and
 * lists of named items by name (the config's own override rules, lib/config/merge.ts); a key
 * set to `null` is removed (e.g. `{ environments: { dev: null, live: {...} } }`).
 */
export function minimalConfig(extra: Record<string, unknown> = {}): string {
  return stringify(withoutNulls(mergeOverrides(MINIMAL, extra)));
}

/** `text` with each `find` replaced; throws unless every `find` occurs exactly once. */
export function guardedEdit(text: string, ...changes: ReadonlyArray<readonly [find: string, replace: string]>): string {
  let out = text;
  for (const [find, replace] of changes) {
    const count = out.split(find).length - 1;
    if (count !== 1) throw new Error(`config edit: ${JSON.stringify(find)} occurs ${count} times (expected once)`);
    out = out.replace(find, () => replace);
  }
  return out;
}

/** The text of a shipped config (path relative to the repository root). */
export function shippedConfig(file = 'gateway.config.yaml'): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

/** A shipped config with guarded edits. */
export function editShipped(file: string, ...changes: ReadonlyArray<readonly [find: string, replace: string]>): string {
  return guardedEdit(shippedConfig(file), ...changes);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}
