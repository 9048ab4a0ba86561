import { maskPii } from '../../lambdas/audit-transformer/mask';
import { MAX_NESTING, TOO_DEEP } from '../../lambdas/audit-transformer/nesting';

/**
 * maskPii on the shape of a record: what passes through untouched, how deep structure is kept
 * (objects, arrays, JSON inside strings), `__proto__` as data, and JSON text written back as JSON.
 */
const nestObjects = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : { a: nestObjects(depth - 1, leaf) });
const nestArrays = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : [nestArrays(depth - 1, leaf)]);
/** The leaf `depth` levels down a value built by nestObjects / nestArrays. */
const leafOf = (value: unknown, depth: number): unknown => {
  let v = value;
  for (let i = 0; i < depth; i++) v = Array.isArray(v) ? v[0] : (v as { a: unknown }).a;
  return v;
};

describe('values that hold nothing pass through', () => {
  it('keeps null, booleans and undefined, also under a credential name, and counts nothing', () => {
    const record = { password: undefined, token: null, secret: true, apiKey: false, note: undefined, ok: true, gone: null };
    const { value, counts } = maskPii(record);
    expect(value).toStrictEqual(record);
    expect(counts).toEqual({});
  });

  it('keeps null, booleans and undefined below the nesting limit too: only structures and values are cut', () => {
    // The innermost object is at depth MAX_NESTING, its field one level below.
    for (const leaf of [null, true, false, undefined]) {
      expect(leafOf(maskPii(nestObjects(MAX_NESTING + 1, leaf)).value, MAX_NESTING + 1)).toBe(leaf);
    }
    expect(leafOf(maskPii(nestObjects(MAX_NESTING + 1, 7)).value, MAX_NESTING + 1)).toBe(TOO_DEEP);
  });

  it('returns a value that is not JSON data (a BigInt) as it is', () => {
    expect(maskPii({ big: 4111111111111111n, note: 12n }).value).toEqual({ big: 4111111111111111n, note: 12n });
  });
});

describe('the nesting limit', () => {
  it(`keeps ${MAX_NESTING} levels of arrays and replaces what is deeper`, () => {
    const masked = maskPii(nestArrays(MAX_NESTING + 5, 'kim@example.io')).value;
    expect(leafOf(masked, MAX_NESTING)).toEqual([TOO_DEEP]);
    expect(JSON.stringify(masked)).not.toContain('kim@example.io');
    expect(maskPii(nestArrays(MAX_NESTING, 'kim@example.io')).value).toEqual(nestArrays(MAX_NESTING, '[REDACTED:email]'));
  });

  it('counts a string nested in JSON text as deep as the text plus its own levels', () => {
    // The text at depth d holds 3 levels: its object (d+1), `a` (d+2), the email (d+3).
    const text = '{"a":{"email":"kim@example.io"}}';
    const at = (depth: number) => leafOf(maskPii(nestObjects(depth, text)).value, depth);
    expect(at(MAX_NESTING - 3)).toBe('{"a":{"email":"[REDACTED:email]"}}');
    expect(at(MAX_NESTING - 2)).toBe(`{"a":{"email":"${TOO_DEEP}"}}`);
    expect(at(MAX_NESTING - 1)).toBe(`{"a":"${TOO_DEEP}"}`);
  });

  it('counts an object found inside text as deep as the text plus its own levels', () => {
    const text = 'rejected {"a":{"email":"kim@example.io"}}';
    const at = (depth: number) => leafOf(maskPii(nestObjects(depth, text)).value, depth);
    expect(at(MAX_NESTING - 3)).toBe('rejected {"a":{"email":"[REDACTED:email]"}}');
    expect(at(MAX_NESTING - 1)).toBe(`rejected {"a":"${TOO_DEEP}"}`);
  });

  it('never returns JSON text as it was when part of it was cut: the secret below the cut is not logged', () => {
    const text = '{"a":{"password":"hunter2","email":"kim@example.io"}}';
    for (let depth = 0; depth <= MAX_NESTING + 2; depth++) {
      const out = JSON.stringify(maskPii(nestObjects(depth, text)).value);
      expect({ depth, leaks: out.includes('hunter2') || out.includes('kim@example.io') }).toEqual({ depth, leaks: false });
    }
    expect(leafOf(maskPii(nestObjects(MAX_NESTING - 2, text)).value, MAX_NESTING - 2)).toBe(`{"a":{"password":"${TOO_DEEP}","email":"${TOO_DEEP}"}}`);
  });

  it('writes back JSON text in which one value was masked and another cut', () => {
    const text = '{"email":"kim@example.io","a":{"b":"deep"}}';
    const { value, counts } = maskPii(nestObjects(MAX_NESTING - 2, text));
    expect(leafOf(value, MAX_NESTING - 2)).toBe(`{"email":"[REDACTED:email]","a":{"b":"${TOO_DEEP}"}}`);
    expect(counts).toEqual({ email: 1 });
  });
});

describe('a `__proto__` key', () => {
  it('stays an ordinary own data field of the copy and never sets its prototype', () => {
    const record = JSON.parse('{"__proto__":{"password":"hunter2","isAdmin":true},"user":"kim"}') as Record<string, unknown>;
    const out = maskPii(record).value;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')).toEqual({
      value: { password: '[REDACTED:secret]', isAdmin: true }, enumerable: true, writable: true, configurable: true,
    });
    expect(JSON.stringify(out)).toBe('{"__proto__":{"password":"[REDACTED:secret]","isAdmin":true},"user":"kim"}');
  });
});

describe('JSON inside a string', () => {
  it('masks a logged JSON body by structure and writes it back as compact JSON', () => {
    expect(maskPii({ body: '\n  { "password": "hunter2", "n": 1 }\n' }).value).toEqual({ body: '{"password":"[REDACTED:secret]","n":1}' });
  });

  it('keeps JSON text with nothing to mask byte for byte, whitespace included', () => {
    const body = '{ "user": "kim",  "items": [1, 2] }';
    expect(maskPii({ body }).value).toEqual({ body });
    expect(maskPii({ body: '[ {"a": 1} ]' }).value).toEqual({ body: '[ {"a": 1} ]' });
  });

  it('keeps a JSON array valid JSON: a card logged as a number becomes a string element', () => {
    const out = maskPii({ body: '[4111111111111111, 87]' }).value.body;
    expect(out).toBe('["[REDACTED:card]",87]');
    expect(JSON.parse(out)).toEqual(['[REDACTED:card]', 87]);
    expect(maskPii({ body: '  [{"token":"abc123"}, "x"]' }).value.body).toBe('[{"token":"[REDACTED:secret]"},"x"]');
  });

  it('masks text that starts like JSON but is not JSON with the text rules', () => {
    expect(maskPii({ path: '{proxy+} kim@example.io' }).value).toEqual({ path: '{proxy+} [REDACTED:email]' });
    expect(maskPii({ m: '[warn] mail kim@example.io' }).value).toEqual({ m: '[warn] mail [REDACTED:email]' });
    expect(maskPii({ m: '{"a": 1} then kim@example.io' }).value).toEqual({ m: '{"a": 1} then [REDACTED:email]' });
  });

  it('masks the shortest maskable string (6 characters)', () => {
    expect(maskPii({ to: 'a@b.io' }).value).toEqual({ to: '[REDACTED:email]' });
  });
});
