import { isInertText, RULES_COVERED } from '../../lambdas/audit-transformer/inert-text';
import { truncateIps } from '../../lambdas/audit-transformer/ip';
import { mayHoldJsonObject } from '../../lambdas/audit-transformer/json-fragments';
import { joinedName } from '../../lambdas/audit-transformer/mask-names';
import type { MaskType } from '../../lambdas/audit-transformer/mask-types';
import { TEXT_RULES, type TextRuleContext } from '../../lambdas/audit-transformer/text-rules';
import { NEGATIVES, POSITIVES } from './masking-corpus';

/**
 * Whether the text rules (or JSON inside) would change `text` or count anything, found by running
 * them, without the pre-check: maskPii skips them for inert text, so it cannot be the judge.
 */
function rulesTouch(text: string, pii: boolean, truncateClientIp: boolean): boolean {
  if (/^\s*[{[]/.test(text) || mayHoldJsonObject(text)) return true;
  let counted = 0;
  const ctx: TextRuleContext = {
    names: { pii, truncateClientIp, apiKeyHeader: joinedName('x-api-key') },
    count: (_type: MaskType) => { counted++; },
    truncateIps: (t) => truncateIps(t, () => counted++),
  };
  let out = text;
  for (const rule of TEXT_RULES) {
    if (rule.pii && !pii) continue;
    if (rule.mayMatch(out)) out = rule.apply(out, ctx);
  }
  return out !== text || counted > 0;
}

const touchedUnderAnyOptions = (text: string) => rulesTouch(text, true, true) || rulesTouch(text, true, false) || rulesTouch(text, false, false);

/** Every string of the masking corpus, keys included, and the strings inside JSON strings. */
function corpusStrings(): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      found.add(v);
      try {
        visit(JSON.parse(v));
      } catch {
        // not JSON
      }
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        found.add(k);
        visit(x);
      }
    }
  };
  for (const c of [...POSITIVES, ...NEGATIVES]) visit(c.input);
  return [...found];
}

/** Values each rule masks, bare and glued to neighbours: they probe every condition of the pre-check. */
const PIECES = [
  '4111111111111111', '4111-1111-1111-1111', '.4111111111111111', '123-45-6789', '.123-45-6789', '415-555-2671', '415.555.2671', '1.415.555.2671',
  '(415)555-2671', 'DE89370400440532013000', '_DE89370400440532013000', 'eyJhbGciOi.eyJzdWIiOi.c2ln', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'xoxb-123456789012-abcdefghij', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123',
  'AKIAIOSFODNN7EXAMPLE', 'AKIAI0XF0DNN7EXQMPLE', 'SG.BbCdEfGhIjKlMnOp.BbCdEfGhIjKlMnOp', 'AIzaSyA-1234567890abcdefghijklmnopqrstu',
  'glpat-Xy9zAbCdEfGhIjKlMnOp', 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'whsec_abcdefghijklmnopqrstuvwxyz', 'github_pat_11ABCDEFG0123456789_abcdefghij',
  'IQoJb3JpZ2luX2VjEHEaCXVzLWVhc3QtMSJHMEUCIQDk3Fh2p8x0Qm9aZ0xYbW5vcHFyc3R1dnd4eXo0NTY3ODkw', 'AQoDYXdz1234567890123456789012345678901234567890-x',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'password:', 'token:x', '_csrf:abc', 'cvv:737', 'cvv#737', '[4111111111111111]', '{}', '{proxy+}',
  'jane\\u0040example.org', 'a%40b.io', 'kim@example.io', '+14155552671', '4111+1111+1111+1111', 'Bearer+abcdefgh12345', 'x=1', 'Bearer\u00a0abcdefgh12345', 'arn:aws:iam::501812345678:role/x', '2024-11-28T10:00:00.010Z',
  'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', '-', '.', ':', '/', '_', '$', '|', '~', 'a', 'A', 'J', 'y', 'e', '1', '12', '123', '1234',
];
const GLUE = ['', '.', ':', '/', '-', '_', '{', '}', '$', '|', ';', ',', '~', '!', '&'];
const LETTERS = '0123456789-.0123456789-.aAbBcCdDeEfFjJkKsSyYxXoOpPtTuUrRmMhHgGwWiIzZvVnN_:/{}$|~;,[]()#\'"=+@% ';

/** Deterministic strings (a linear congruential generator): the same every run. */
function* generated(count: number): Generator<string> {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let i = 0; i < count; i++) {
    let s = '';
    for (let parts = 1 + Math.floor(next() * 8); parts > 0; parts--) {
      if (next() < 0.35) s += PIECES[Math.floor(next() * PIECES.length)];
      else for (let n = 1 + Math.floor(next() * 12); n > 0; n--) s += LETTERS[Math.floor(next() * LETTERS.length)];
    }
    yield s;
  }
}

describe('isInertText (the pre-check that lets masking skip the text rules)', () => {
  it('accounts for every text rule: a new rule must add its condition', () => {
    expect([...RULES_COVERED].sort()).toEqual(TEXT_RULES.map((r) => r.name).sort());
  });

  it('proves the values that differ in every access line inert: times, ids, paths, addresses', () => {
    const values = [
      '2024-11-28T10:00:00.010Z', '38195664234923481293481293481239481293481293481230012', 'c6af9ac6-7b61-11e6-9a41-000000000123',
      '1-67484a80-0123456789abcdef01234567', '/v1/users/123/orders', '198.51.100.23', '2001:db8:85a3::8a2e:370:7334',
      'gatehouse-dev-Api-LogsAccessLogs1A2B3C4D-abcdEFGH1234', 'TLS_AES_128_GCM_SHA256', 'api.example.com', 'HTTP/1.1',
    ];
    expect(values.filter((v) => !isInertText(v))).toEqual([]);
  });

  it('leaves to the rules every value a rule would change: each corpus value, each probe, glued to each other', () => {
    const wrong: string[] = [];
    const check = (s: string) => {
      if (isInertText(s) && touchedUnderAnyOptions(s)) wrong.push(s);
    };
    for (const s of corpusStrings()) check(s);
    for (const a of PIECES) for (const glue of GLUE) for (const b of PIECES) check(a + glue + b);
    expect(wrong).toEqual([]);
  });

  it('leaves to the rules every generated string a rule would change (20,000 of them, some thousands inert)', () => {
    const wrong: string[] = [];
    let inert = 0;
    for (const s of generated(20_000)) {
      if (!isInertText(s)) continue;
      inert++;
      if (touchedUnderAnyOptions(s)) wrong.push(s);
    }
    expect(wrong).toEqual([]);
    expect(inert).toBeGreaterThan(2_000);
  });
});
