import { parseDocument } from 'yaml';
import { hasDuplicateKeys } from '../../lambdas/authorizer/jwt-hygiene';
import { seededRandom as random } from '../support/seeded-random';

/**
 * The duplicate-member scan of jwt-hygiene.ts against an independent parser on generated JSON:
 * nesting, arrays, every JSON whitespace character before and after `:` and `,`, escaped and
 * unicode names. The reference is the `yaml` library with unique keys (JSON is YAML 1.2), which
 * compares names after unescaping, as JSON.parse would see them.
 */
function referenceHasDuplicates(json: string): boolean {
  const doc = parseDocument(json, { uniqueKeys: true });
  return doc.errors.some((e) => e.code === 'DUPLICATE_KEY');
}


/** The spellings of a few names: plain, with escapes that decode to the same name, unicode. */
const NAMES: readonly string[][] = [
  ['"a"', '"\\u0061"'],
  ['"iss"', '"\\u0069ss"', '"i\\u0073s"'],
  ['"aud"'],
  ['"q\\"x"', '"q\\u0022x"'],
  ['"b\\\\"', '"b\\u005c"'],
  ['"é"', '"\\u00e9"'],
  ['"😀"', '"\\ud83d\\ude00"'],
  ['"__proto__"'],
];
const WHITESPACE = ['', ' ', '\t', '\n', '\r\n', '  '];

function generate(next: () => number, depth: number, object = false): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const ws = () => pick(WHITESPACE);
  const r = object ? 1 : next();
  if (depth > 4 || r < 0.35) return pick(['1', '-2.5e3', 'true', 'null', '"x"', '"a\\"b"', '"{\\"a\\":1,\\"a\\":2}"', '"[\\"]"']);
  if (r < 0.55) {
    const items = Array.from({ length: Math.floor(next() * 4) }, () => `${ws()}${generate(next, depth + 1)}${ws()}`);
    return `[${items.join(',') || ws()}]`;
  }
  const members = Array.from({ length: Math.floor(next() * 5) }, () => `${ws()}${pick(pick(NAMES))}${ws()}:${ws()}${generate(next, depth + 1)}${ws()}`);
  return `{${members.join(',') || ws()}}`;
}

describe('the duplicate-member scan agrees with an independent parser', () => {
  it('on 4,000 generated JSON objects (nesting, arrays, whitespace around ":", escaped and unicode names)', () => {
    const next = random(19);
    let duplicates = 0;
    for (let i = 0; i < 4000; i++) {
      const text = generate(next, 0, true);
      expect(() => JSON.parse(text)).not.toThrow();
      const expected = referenceHasDuplicates(text);
      if (expected) duplicates++;
      expect({ text, duplicate: hasDuplicateKeys(text) }).toEqual({ text, duplicate: expected });
    }
    // Both outcomes occur often enough for the comparison to mean something.
    expect(duplicates).toBeGreaterThan(500);
    expect(duplicates).toBeLessThan(3500);
  });

  it.each([
    ['{"aud":["x"],"iss":"a","iss":"b"}', true],
    ['{"iss" :"a","iss"\t:"b"}', true],
    ['{"iss"\r\n:\r\n"a",\n"\\u0069ss":"b"}', true],
    ['{"a":[{"b":1},{"b":2}],"b":3}', false],
    ['{"a":{"a":{"a":1}}}', false],
    ['{"x":"\\"iss\\":1,\\"iss\\":2"}', false],
  ])('%s: duplicate %s', (json, duplicate) => {
    expect(hasDuplicateKeys(json)).toBe(duplicate);
    expect(referenceHasDuplicates(json)).toBe(duplicate);
  });
});
