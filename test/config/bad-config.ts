/**
 * One bad config of a corpus (bad-config-cases.ts, deploy-refusal-cases.ts): its text and the
 * exact problem lines the loader must print for it. Data, so that the tests that pin the messages
 * at load and the parity test (test/checks/parity.test.ts) read the same cases.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfigFile } from '../../lib/checks/load';
import { ConfigError } from '../../lib/config/errors';
import { FILE, message, rejection } from './fixtures';

export interface BadConfig {
  /** What the case shows, as a test title. */
  readonly it: string;
  readonly text: string;
  /** The problem lines, `gateway.yaml:<line> key.path: message`, of the text. */
  readonly problems: (text: string) => readonly string[];
  /** Files the config names (gRPC protos), by path relative to it: written beside it where the case is run. */
  readonly files?: Readonly<Record<string, string>>;
}

export const bad = (it: string, text: string, problems: (text: string) => readonly string[], files?: Readonly<Record<string, string>>): BadConfig => ({ it, text, problems, ...(files ? { files } : {}) });

/** The full ConfigError message the case must be refused with. */
export const refusal = (c: BadConfig): string => message(...c.problems(c.text));

/** One test per case: parsing its text is refused with exactly its message. */
export function refusesEach(cases: readonly BadConfig[]): void {
  for (const c of cases) it(c.it, () => expect(c.files ? writtenRejection(c) : rejection(c.text)).toBe(refusal(c)));
}

/** The case written to `gateway.yaml` in a directory of its own with its files, and loaded from there (the message as the corpus pins it). */
function writtenRejection(c: BadConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-case-'));
  try {
    const file = writeCase(dir, c);
    try {
      loadConfigFile(file);
    } catch (err) {
      if (err instanceof ConfigError) return err.message.replaceAll(file, FILE);
      throw err;
    }
    throw new Error('expected the config to be rejected, but it loaded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the case's text as `dir/gateway.yaml` and its files beside it; returns the config's path. */
export function writeCase(dir: string, c: Pick<BadConfig, 'text' | 'files'>): string {
  const file = join(dir, FILE);
  writeFileSync(file, c.text);
  for (const [path, text] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return file;
}

/** 1-based line of the `offset`-th line (1 = first) of `needle`'s first occurrence in `text`. */
export function lineNo(text: string, needle: string, offset: number): number {
  const index = text.indexOf(needle);
  if (index < 0 || text.indexOf(needle, index + 1) >= 0) throw new Error(`fixture: ${JSON.stringify(needle)} must occur once`);
  return text.slice(0, index).split('\n').length + offset - 1;
}
