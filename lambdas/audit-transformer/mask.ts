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
 */
import { joinedName, classifyName, type NameOptions, type NameRule } from './mask-names';
import { redacted, type MaskCounts, type MaskType } from './mask-types';
import { isCardNumber } from './card';
import { truncateIps } from './ip';
import { maskJsonFragments } from './json-fragments';
import { MAX_NESTING, TOO_DEEP } from './nesting';
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

/**
 * Masks personal data and credentials anywhere in `value` (objects, arrays, strings, JSON inside
 * strings). Returns a new value; the input is not changed. Structures nested deeper than
 * {@link MAX_NESTING} levels are replaced by `[TRUNCATED:nesting]`. Never throws on JSON data.
 * @example
 * maskPii({ headers: { Authorization: 'Bearer abc.def.ghi' }, email: 'a@b.example' })
 * // value: { headers: { Authorization: '[REDACTED:authorization]' }, email: '[REDACTED:email]' }
 */
export function maskPii<T>(value: T, options: MaskOptions = {}): MaskResult<T> {
  const counts: MaskCounts = {};
  let total = 0;
  const count = (type: MaskType) => {
    counts[type] = (counts[type] ?? 0) + 1;
    total++;
  };
  const names: NameOptions = {
    pii: options.pii ?? true,
    truncateClientIp: options.truncateClientIp ?? false,
    apiKeyHeader: joinedName(options.apiKeyHeader ?? 'x-api-key'),
  };
  const ctx: Context = {
    names, count, maskedSoFar: () => total, rules: nameRules(names),
    truncateIps: (text) => truncateIps(text, () => count('ip')),
  };
  return { value: maskValue(value, undefined, ctx, 0) as T, counts };
}

interface Context extends TextRuleContext {
  /** How many values were masked so far: JSON re-serialised only when something inside changed. */
  maskedSoFar(): number;
  /** Name -> rule, memoised per option set (a batch repeats the same few dozen keys). */
  readonly rules: (key: string) => NameRule | undefined;
}

function maskValue(value: unknown, key: string | undefined, ctx: Context, depth: number): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  if (depth > MAX_NESTING) return TOO_DEEP;
  const rule = key === undefined ? undefined : ctx.rules(key);
  if (rule !== undefined && rule !== 'ip') return maskWhole(value, rule, ctx);
  if (Array.isArray(value)) return value.map((v) => maskValue(v, key, ctx, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v, k, ctx, depth + 1)]));
  }
  if (rule === 'ip') return typeof value === 'string' ? ctx.truncateIps(value) : value;
  if (typeof value === 'number') {
    // A card number logged as a JSON number; other numbers are never personal data by value.
    if (ctx.names.pii && Number.isSafeInteger(value) && isCardNumber(String(value))) {
      ctx.count('card');
      return redacted('card');
    }
    return value;
  }
  return typeof value === 'string' ? maskText(value, ctx, depth) : value;
}

/** A value whose name is a credential or personal data: replaced whole, keeping a multi-value header's shape. */
function maskWhole(value: unknown, type: MaskType, ctx: Context): unknown {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.map((v) => maskWhole(v, type, ctx));
  if (value === '' || value === '-' || value === null || typeof value === 'boolean') return value;
  ctx.count(type);
  return redacted(type);
}

function maskText(text: string, ctx: Context, depth: number): string {
  if (text.length < MIN_TEXT_LENGTH) return text;
  const first = text.trimStart()[0];
  // JSON inside a string (a logged body or message): mask its structure, keep it JSON.
  if (first === '{' || first === '[') {
    const parsed = parseJson(text);
    if (parsed !== undefined) {
      const before = ctx.maskedSoFar();
      const masked = maskValue(parsed, undefined, ctx, depth + 1);
      return ctx.maskedSoFar() === before ? text : JSON.stringify(masked);
    }
  }
  let out = text.includes('{') ? maskJsonFragments(text, (v) => maskValue(v, undefined, ctx, depth + 1), ctx.maskedSoFar) : text;
  for (const rule of TEXT_RULES) {
    if (rule.pii && !ctx.names.pii) continue;
    if (rule.mayMatch(out)) out = rule.apply(out, ctx);
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

const MEMO_LIMIT = 10_000;
const memoByOptions = new Map<string, Map<string, NameRule | null>>();

function nameRules(names: NameOptions): (key: string) => NameRule | undefined {
  const id = `${names.pii}|${names.truncateClientIp}|${names.apiKeyHeader}`;
  let memo = memoByOptions.get(id);
  if (!memo) memoByOptions.set(id, (memo = new Map()));
  const cache = memo;
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    // Hostile input can bring endless distinct keys: start over rather than grow without bound.
    if (cache.size >= MEMO_LIMIT) cache.clear();
    const rule = classifyName(key, names);
    cache.set(key, rule ?? null);
    return rule;
  };
}
