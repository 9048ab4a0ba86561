/**
 * One bad config of a corpus (bad-config-cases.ts, deploy-refusal-cases.ts): its text and the
 * exact problem lines the loader must print for it. Data, so that the tests that pin the messages
 * at load and the parity test (test/checks/parity.test.ts) read the same cases.
 */
import { message, rejection } from './fixtures';

export interface BadConfig {
  /** What the case shows, as a test title. */
  readonly it: string;
  readonly text: string;
  /** The problem lines, `gateway.yaml:<line> key.path: message`, of the text. */
  readonly problems: (text: string) => readonly string[];
}

export const bad = (it: string, text: string, problems: (text: string) => readonly string[]): BadConfig => ({ it, text, problems });

/** The full ConfigError message the case must be refused with. */
export const refusal = (c: BadConfig): string => message(...c.problems(c.text));

/** One test per case: parsing its text is refused with exactly its message. */
export function refusesEach(cases: readonly BadConfig[]): void {
  for (const c of cases) it(c.it, () => expect(rejection(c.text)).toBe(refusal(c)));
}

/** 1-based line of the `offset`-th line (1 = first) of `needle`'s first occurrence in `text`. */
export function lineNo(text: string, needle: string, offset: number): number {
  const index = text.indexOf(needle);
  if (index < 0 || text.indexOf(needle, index + 1) >= 0) throw new Error(`fixture: ${JSON.stringify(needle)} must occur once`);
  return text.slice(0, index).split('\n').length + offset - 1;
}
