import { maskPii } from '../../lambdas/audit-transformer/mask';
import { NEGATIVES, POSITIVES, type Negative, type Positive } from './masking-corpus';

/** The positives whose secrets survive masking, by id. */
const leaksOf = (cases: readonly Positive[], override?: { pii: boolean }) => cases
  .filter((c) => {
    const out = JSON.stringify(maskPii(c.input, { ...c.options, ...override }).value);
    return c.secrets.some((secret) => out.includes(secret.replace(/["\\]/g, (ch) => `\\${ch}`)) || out.includes(secret));
  })
  .map((c) => c.id);

/** The negatives that do not come out byte for byte, with what came out. */
const overMasksOf = (cases: readonly Negative[]) => cases
  .map((c) => ({ id: c.id, out: JSON.stringify(maskPii(c.input, c.options).value), expected: JSON.stringify(c.input) }))
  .filter((r) => r.out !== r.expected)
  .map((r) => `${r.id}: ${r.out}`);

describe('the masking corpus (test/audit/masking-corpus.ts)', () => {
  it('is large enough to mean something: at least 300 positives and 200 negatives', () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(300);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(200);
    expect(new Set(POSITIVES.map((c) => c.id)).size).toBe(POSITIVES.length);
    expect(new Set(NEGATIVES.map((c) => c.id)).size).toBe(NEGATIVES.length);
  });

  it('leaks nothing: no positive keeps a secret', () => {
    expect({ positives: POSITIVES.length, leaks: leaksOf(POSITIVES) }).toEqual({ positives: POSITIVES.length, leaks: [] });
  });

  it('masks every credential with personal-data masking off too (audit.pii_masking: false)', () => {
    const credentials = POSITIVES.filter((c) => c.credential);
    expect(credentials.length).toBeGreaterThanOrEqual(150);
    expect(leaksOf(credentials, { pii: false })).toEqual([]);
  });

  it('over-masks nothing: every negative comes out byte for byte', () => {
    expect({ negatives: NEGATIVES.length, overMasks: overMasksOf(NEGATIVES) }).toEqual({ negatives: NEGATIVES.length, overMasks: [] });
  });
});
