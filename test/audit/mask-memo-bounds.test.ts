import { maskPii, type MaskOptions, type MaskType } from '../../lambdas/audit-transformer/mask';
import { isInertText } from '../../lambdas/audit-transformer/inert-text';

/**
 * What maskPii remembers between calls (mask.ts, "Masker"), and its bounds: each option set keeps
 * a memo of key names and one of masked plain texts, 10,000 entries each, texts of at most 512
 * characters; JSON text is never remembered (its masking depends on the nesting depth). These pin
 * the memos themselves: mask-memo.test.ts pins that a remembered answer is the right one.
 */
interface TextMemo { out: string; types: readonly MaskType[] }
interface KeyMemo extends TextMemo { rule: unknown; text: string | undefined }
interface Masker { keys: Map<string, KeyMemo>; texts: Map<string, TextMemo> }

const MEMO_LIMIT = 10_000;
const MEMO_TEXT_CHARS = 512;

let optionSets = 0;
/** A new option set (an API key header no other test uses), and the memos maskPii builds for it. */
function freshMasker(extra: MaskOptions = {}): { options: MaskOptions; masker: Masker } {
  const options = { ...extra, apiKeyHeader: `x-memo-test-${++optionSets}` };
  return { options, masker: maskerOf(options) };
}
/** The memos of an option set: the Masker maskPii files away (Map.set) when it first meets the set. */
function maskerOf(options: MaskOptions): Masker {
  const set = jest.spyOn(Map.prototype, 'set');
  try {
    maskPii({}, options);
    const masker = set.mock.calls.map((c) => c[1] as unknown).find((v): v is Masker => typeof v === 'object' && v !== null && 'texts' in v && 'keys' in v);
    if (!masker) throw new Error('no new Masker: the option set was seen before');
    return masker;
  } finally {
    set.mockRestore();
  }
}
/** A plain text (spaces make it non-inert) of exactly `length` characters, holding an email. */
const plainText = (length: number, tag = '') => `mail kim@example.io ${tag} `.padEnd(length, 'x');

describe('the text memo', () => {
  it('masks a plain text once and replays its counts wherever it repeats', () => {
    const { options, masker } = freshMasker();
    const text = 'agent curl/8.5 mail kim@example.io';
    expect(maskPii({ a: text }, options).counts).toEqual({ email: 1 });
    expect(masker.texts.get(text)).toEqual({ out: 'agent curl/8.5 mail [REDACTED:email]', types: ['email'] });
    const set = jest.spyOn(masker.texts, 'set');
    expect(maskPii({ b: text, c: [text, text] }, options)).toEqual({
      value: { b: 'agent curl/8.5 mail [REDACTED:email]', c: ['agent curl/8.5 mail [REDACTED:email]', 'agent curl/8.5 mail [REDACTED:email]'] },
      counts: { email: 3 },
    });
    expect(set).not.toHaveBeenCalled();
  });

  it(`remembers plain texts of up to ${MEMO_TEXT_CHARS} characters, and no longer one`, () => {
    const { options, masker } = freshMasker();
    const [fits, tooLong] = [plainText(MEMO_TEXT_CHARS), plainText(MEMO_TEXT_CHARS + 1)];
    maskPii({ a: fits, b: tooLong }, options);
    expect([masker.texts.has(fits), masker.texts.has(tooLong)]).toEqual([true, false]);
  });

  it('never remembers JSON text, text that starts like JSON, or text that holds a JSON object', () => {
    const { options, masker } = freshMasker();
    const texts = ['{"email":"kim@example.io"}', '["kim@example.io"]', ' ["kim@example.io", 1]', '{proxy+} kim@example.io', '[warn] kim@example.io', 'rejected {"email":"kim@example.io"}', 'rejected { "n": 1 } kim@example.io'];
    maskPii({ texts }, options);
    expect(texts.filter((t) => masker.texts.has(t))).toEqual([]);
    maskPii({ plain: 'rejected {proxy+} kim@example.io' }, options);
    expect(masker.texts.has('rejected {proxy+} kim@example.io')).toBe(true);
  });

  it('keeps neither unmaskable values (ids, times, paths: new in every line) nor strings under 6 characters', () => {
    const { options, masker } = freshMasker();
    const inert = '/v1/orders/c6af9ac6-7b61-11e6-9a41-93e8deadbeef';
    expect(isInertText(inert)).toBe(true);
    maskPii({ path: inert, short: 'a b c', other: 'x y' }, options);
    expect([...masker.texts.keys()]).toEqual([]);
  });

  it('replays only what its own text counted, not what the values after it counted', () => {
    const { options } = freshMasker();
    const text = 'mail kim@example.io please';
    expect(maskPii({ a: text, b: '{"password":"hunter2"}', c: 'card 4111 1111 1111 1111 x' }, options).counts).toEqual({ email: 1, secret: 1, card: 1 });
    expect(maskPii({ d: text }, options).counts).toEqual({ email: 1 });
  });

  it(`holds at most ${MEMO_LIMIT} texts: when full, it starts over`, () => {
    const { options, masker } = freshMasker();
    const texts = Array.from({ length: MEMO_LIMIT }, (_, i) => `note ${i} ok`);
    maskPii({ notes: texts }, options);
    expect(masker.texts.size).toBe(MEMO_LIMIT);
    maskPii({ notes: ['note last ok'] }, options);
    expect([...masker.texts.keys()]).toEqual(['note last ok']);
  });
});

describe('the key memo', () => {
  it('classifies each key name once and keeps its memo', () => {
    const { options, masker } = freshMasker();
    maskPii({ userAgent: 'curl/8.5', status: 200 }, options);
    const memo = masker.keys.get('userAgent');
    const set = jest.spyOn(masker.keys, 'set');
    maskPii({ userAgent: 'curl/8.6', status: 201 }, options);
    expect(set).not.toHaveBeenCalled();
    expect(masker.keys.get('userAgent')).toBe(memo);
  });

  it(`remembers the last plain value of a field, up to ${MEMO_TEXT_CHARS} characters`, () => {
    const { options, masker } = freshMasker();
    const fits = `/v1/${'a'.repeat(MEMO_TEXT_CHARS - 4)}`;
    const tooLong = `/v1/${'b'.repeat(MEMO_TEXT_CHARS - 3)}`;
    expect([isInertText(fits), isInertText(tooLong), fits.length, tooLong.length]).toEqual([true, true, MEMO_TEXT_CHARS, MEMO_TEXT_CHARS + 1]);
    maskPii({ path: fits }, options);
    expect(masker.keys.get('path')).toMatchObject({ text: fits, out: fits, types: [] });
    maskPii({ path: tooLong }, options);
    expect(masker.keys.get('path')!.text).toBe(fits);
    maskPii({ path: plainText(MEMO_TEXT_CHARS) }, options);
    expect(masker.keys.get('path')).toMatchObject({ text: plainText(MEMO_TEXT_CHARS), types: ['email'] });
  });

  it("answers a field's repeated value from the field, with its counts, without the text memo", () => {
    const { options, masker } = freshMasker();
    const text = 'mail kim@example.io please';
    maskPii({ note: text }, options);
    masker.texts.clear();
    expect(maskPii({ note: text }, options)).toEqual({ value: { note: 'mail [REDACTED:email] please' }, counts: { email: 1 } });
    expect(masker.texts.has(text)).toBe(false);
  });

  it('counts nothing for an unmaskable value repeated in its field', () => {
    const { options } = freshMasker();
    const requestId = 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef';
    expect([maskPii({ requestId }, options).counts, maskPii({ requestId }, options).counts]).toEqual([{}, {}]);
  });

  it(`holds at most ${MEMO_LIMIT} key names: when full, it starts over`, () => {
    const { options, masker } = freshMasker();
    maskPii(Object.fromEntries(Array.from({ length: MEMO_LIMIT }, (_, i) => [`k${i}`, 1])), options);
    expect(masker.keys.size).toBe(MEMO_LIMIT);
    maskPii({ another: 1 }, options);
    expect([...masker.keys.keys()]).toEqual(['another']);
  });
});

describe('the memos of each option set', () => {
  it('are kept while calls alternate between option sets', () => {
    const a = freshMasker();
    const b = freshMasker();
    maskPii({ note: 'mail kim@example.io first' }, a.options);
    maskPii({ note: 'mail kim@example.io second' }, b.options);
    maskPii({ note: 'mail kim@example.io third' }, a.options);
    expect([...a.masker.texts.keys()]).toEqual(['mail kim@example.io first', 'mail kim@example.io third']);
    expect([...b.masker.texts.keys()]).toEqual(['mail kim@example.io second']);
  });

  it('mask the API key header that each call names, even right after a call that named another', () => {
    expect(maskPii({ headers: { 'x-partner': 'pk-123456', 'x-tenant': 'tk-123456' } }, { apiKeyHeader: 'X-Partner' }).value)
      .toEqual({ headers: { 'x-partner': '[REDACTED:apiKey]', 'x-tenant': 'tk-123456' } });
    expect(maskPii({ headers: { 'x-partner': 'pk-123456', 'x-tenant': 'tk-123456' } }, { apiKeyHeader: 'X-Tenant' }).value)
      .toEqual({ headers: { 'x-partner': 'pk-123456', 'x-tenant': '[REDACTED:apiKey]' } });
  });

  it('take x-api-key as the API key header by default, and never a field without a name', () => {
    expect(maskPii({ headers: { 'X-Api-Key': 'gk_live_9a8b7c6d' }, '': 'unnamed value', '-': 'dashed value' }).value)
      .toEqual({ headers: { 'X-Api-Key': '[REDACTED:apiKey]' }, '': 'unnamed value', '-': 'dashed value' });
  });
});
