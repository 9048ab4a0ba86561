/**
 * `maskPii`: removes personal data and credentials from a log record before it reaches the
 * audit trail. Two kinds of rules (docs/compliance.md lists every category):
 * - by name (mask-names.ts), for JSON keys at any depth and for header / parameter names in
 *   text: credentials and personal-data fields are replaced whole, client IP fields truncated
 *   under GDPR;
 * - by value (text-rules.ts), in every string, also inside JSON strings, URLs, query strings
 *   and paths, URL-encoded or JSON-escaped.
 *
 * Precision matters as much as recall: request ids, UUIDs, trace ids, timestamps, versions,
 * ARNs and other technical values are never masked.
 *
 * It runs once per log line, so nothing is built per call: what an option set needs is kept
 * (`Masker`), a repeated value is replayed with its counts (the last value of each field, and a
 * bounded map of texts), and a value no rule can touch is proven so in one pass (inert-text.ts).
 */
import { joinedName, classifyName, type NameOptions, type NameRule } from './mask-names';
import { redacted, type MaskCounts, type MaskType } from './mask-types';
import { isCardNumber } from './card';
import { truncateIps } from './ip';
import { maskJsonFragments, mayHoldJsonObject } from './json-fragments';
import { MAX_NESTING, TOO_DEEP } from './nesting';
import { isInertText } from './inert-text';
import { TEXT_RULES, type TextRuleContext } from './text-rules';

export { isCardNumber, luhnValid } from './card';
export { truncateIp } from './ip';
export { MASK_TYPES, redacted, type MaskCounts, type MaskType } from './mask-types';

export interface MaskOptions {
  /**
   * Mask personal data (email, card, IBAN, SSN, phone). Credentials are masked regardless.
   * @default true
   */
  readonly pii?: boolean;
  /**
   * GDPR: keep only the network part of client IPs (IPv4 /24, IPv6 /48).
   * @default false
   */
  readonly truncateClientIp?: boolean;
  /**
   * The gateway's API key header (`identity.api_keys.header`), masked like `x-api-key`.
   * @default 'x-api-key'
   */
  readonly apiKeyHeader?: string;
}

export interface MaskResult<T> {
  readonly value: T;
  readonly counts: MaskCounts;
}

/** Strings shorter than this hold no maskable value (the shortest, an email like `a@b.io`, has 6). */
const MIN_TEXT_LENGTH = 6;
/** The smallest integer with the 12 digits of the shortest card number. */
const SMALLEST_CARD_NUMBER = 1e11;

/**
 * Masks personal data and credentials anywhere in `value` (objects, arrays, strings, JSON inside
 * strings). Returns a new value; the input is not changed. Structures nested deeper than
 * {@link MAX_NESTING} levels are replaced by `[TRUNCATED:nesting]`. Never throws on JSON data.
 * @example
 * maskPii({ headers: { Authorization: 'Bearer abc.def.ghi' }, email: 'a@b.example' })
 * // value: { headers: { Authorization: '[REDACTED:authorization]' }, email: '[REDACTED:email]' }
 */
export function maskPii<T>(value: T, options: MaskOptions = {}): MaskResult<T> {
  const run = new MaskRun(maskerFor(options));
  return { value: maskValue(value, undefined, run, 0) as T, counts: run.counts };
}

/** What masking a string gave: the text and the types it counted. */
interface MaskedText { readonly out: string; readonly types: readonly MaskType[] }

/**
 * What one option set needs, built once and kept: the name options and the memos. maskPii runs
 * once per log line, so none of this may be rebuilt per call.
 */
interface Masker {
  readonly names: NameOptions;
  /** What is known about each key (a batch repeats the same few dozen). */
  readonly keys: Map<string, KeyMemo>;
  /** Masked strings (user agents, domains, ARNs, ciphers repeat in every line). */
  readonly texts: Map<string, MaskedText>;
}

/**
 * One key: its rule, and the last plain string masked under it. A field often has the same
 * value line after line (log group, domain, cipher); comparing it with the last one is cheaper
 * than looking it up or proving it inert again.
 */
interface KeyMemo {
  readonly rule: NameRule | undefined;
  text: string | undefined;
  out: string;
  types: readonly MaskType[];
}

const NO_TYPES: readonly MaskType[] = [];

/**
 * One maskPii call: its counts, and the memos of its option set. A class, not closures: its
 * methods are created once, not once per log line.
 */
class MaskRun implements TextRuleContext {
  readonly counts: MaskCounts = {};
  /** How many values were masked or cut (nesting) so far: JSON re-serialised only when something inside changed. */
  total = 0;
  /** The types counted while one memoable string is masked (plain text never nests). */
  recording: MaskType[] | undefined = undefined;
  readonly names: NameOptions;
  private countIp: (() => void) | undefined = undefined;

  constructor(readonly masker: Masker) {
    this.names = masker.names;
  }

  count(type: MaskType): void {
    this.counts[type] = (this.counts[type] ?? 0) + 1;
    this.total++;
    this.recording?.push(type);
  }

  truncateIps(text: string): string {
    return truncateIps(text, (this.countIp ??= () => this.count('ip')));
  }

  key(key: string): KeyMemo {
    const keys = this.masker.keys;
    let memo = keys.get(key);
    if (memo === undefined) {
      // Hostile input can bring endless distinct keys: start over rather than grow without bound.
      if (keys.size >= MEMO_LIMIT) keys.clear();
      memo = { rule: classifyName(key, this.names), text: undefined, out: '', types: NO_TYPES };
      keys.set(key, memo);
    }
    return memo;
  }

  /** Replays what masking a remembered string counted. */
  replay(types: readonly MaskType[]): void {
    for (const type of types) this.count(type);
  }
}

function maskValue(value: unknown, key: string | undefined, run: MaskRun, depth: number): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  if (depth > MAX_NESTING) {
    // A cut is a change: JSON text holding it must be written back cut, never returned as it was.
    run.total++;
    return TOO_DEEP;
  }
  const memo = key === undefined ? undefined : run.key(key);
  const rule = memo?.rule;
  if (rule !== undefined && rule !== 'ip') return maskWhole(value, rule, run);
  if (Array.isArray(value)) return value.map((v) => maskValue(v, key, run, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = maskValue((value as Record<string, unknown>)[k], k, run, depth + 1);
      // Assigning `__proto__` would set the prototype: define it as the plain field it was.
      if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      else out[k] = v;
    }
    return out;
  }
  if (rule === 'ip') return typeof value === 'string' ? run.truncateIps(value) : value;
  if (typeof value === 'number') {
    // A card number logged as a JSON number; other numbers are never personal data by value.
    // Below 12 digits no number is a card: latencies, statuses and sizes skip the string.
    if (run.names.pii && value >= SMALLEST_CARD_NUMBER && Number.isSafeInteger(value) && isCardNumber(String(value))) {
      run.count('card');
      return redacted('card');
    }
    return value;
  }
  return typeof value === 'string' ? maskText(value, run, depth, memo) : value;
}

/** A value whose name is a credential or personal data: replaced whole, keeping a multi-value header's shape. */
function maskWhole(value: unknown, type: MaskType, run: MaskRun): unknown {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.map((v) => maskWhole(v, type, run));
  if (value === '' || value === '-' || value === null || typeof value === 'boolean') return value;
  run.count(type);
  return redacted(type);
}

function maskText(text: string, run: MaskRun, depth: number, field?: KeyMemo): string {
  if (text.length < MIN_TEXT_LENGTH) return text;
  if (field !== undefined && field.text === text) {
    run.replay(field.types);
    return field.out;
  }
  // Ids, times, paths and addresses are new in every line (no memo hit) and hold nothing: proven
  // in one pass, without the rules.
  if (isInertText(text)) return remember(field, text, text, NO_TYPES);
  const first = text.trimStart()[0];
  // Most other values of a batch repeat (user agents, domains, ARNs, ciphers): masked once,
  // replayed with their counts. Only plain text is remembered: JSON inside depends on the nesting
  // depth. A `{` that no JSON object can start at (`/v1/users/{proxy+}`) is plain text.
  const memoable = text.length <= MEMO_TEXT_CHARS && first !== '{' && first !== '[' && !mayHoldJsonObject(text);
  if (!memoable) return maskPlainText(text, first, run, depth);
  const texts = run.masker.texts;
  const hit = texts.get(text);
  if (hit) {
    run.replay(hit.types);
    return remember(field, text, hit.out, hit.types);
  }
  const types: MaskType[] = [];
  run.recording = types;
  let out: string;
  try {
    out = maskPlainText(text, first, run, depth);
  } finally {
    run.recording = undefined;
  }
  if (texts.size >= MEMO_LIMIT) texts.clear();
  texts.set(text, { out, types });
  return remember(field, text, out, types);
}

/** Keeps a plain string's masked form as its field's last value; answers that form. */
function remember(field: KeyMemo | undefined, text: string, out: string, types: readonly MaskType[]): string {
  if (field !== undefined && text.length <= MEMO_TEXT_CHARS) {
    field.text = text;
    field.out = out;
    field.types = types;
  }
  return out;
}

function maskPlainText(text: string, first: string | undefined, run: MaskRun, depth: number): string {
  // JSON inside a string (a logged body or message): mask its structure, keep it JSON.
  if (first === '{' || first === '[') {
    const parsed = parseJson(text);
    if (parsed !== undefined) {
      const before = run.total;
      const masked = maskValue(parsed, undefined, run, depth + 1);
      return run.total === before ? text : JSON.stringify(masked);
    }
  }
  let out = text.includes('{') ? maskJsonFragments(text, (v) => maskValue(v, undefined, run, depth + 1), () => run.total) : text;
  for (const rule of TEXT_RULES) {
    if (rule.pii && !run.names.pii) continue;
    if (rule.mayMatch(out)) out = rule.apply(out, run);
  }
  return out;
}

function parseJson(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Entries per memo, and the longest string remembered: bounds memory whatever the input. */
const MEMO_LIMIT = 10_000;
const MEMO_TEXT_CHARS = 512;
const maskers = new Map<string, Masker>();
// The option set of the last call, as given: a Lambda masks every line with the same one.
let lastOptions: { pii: unknown; truncateClientIp: unknown; apiKeyHeader: unknown; masker: Masker } | undefined;

function maskerFor(options: MaskOptions): Masker {
  const { pii, truncateClientIp, apiKeyHeader } = options;
  if (lastOptions && lastOptions.pii === pii && lastOptions.truncateClientIp === truncateClientIp && lastOptions.apiKeyHeader === apiKeyHeader) {
    return lastOptions.masker;
  }
  const names: NameOptions = { pii: pii ?? true, truncateClientIp: truncateClientIp ?? false, apiKeyHeader: joinedName(apiKeyHeader ?? 'x-api-key') };
  const id = `${names.pii}|${names.truncateClientIp}|${names.apiKeyHeader}`;
  let masker = maskers.get(id);
  if (!masker) maskers.set(id, (masker = { names, keys: new Map(), texts: new Map() }));
  lastOptions = { pii, truncateClientIp, apiKeyHeader, masker };
  return masker;
}
