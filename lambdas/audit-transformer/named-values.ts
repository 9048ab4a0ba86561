/**
 * `name: value` and `name=value` inside text: header lines (`X-Auth-Token: …`), query and form
 * parameters (`?api-key=…&`), logfmt (`password="…"`), JSON that did not parse (`"token":"…"`,
 * `\"token\":\"…\"` one escaping level down) and their URL-encoded forms (`%22token%22%3A…`).
 * The name decides (see mask-names.ts); the value is masked whatever it looks like.
 *
 * A scanner rather than one regex: the value's extent depends on the name (an Authorization
 * value runs to the end of the line, quotes included; a token stops at `&`), and scanning
 * resumes after each value, so `a=1&token=x&password=y` masks both.
 */
import { classifyName, type NameOptions } from './mask-names';
import { redacted, type MaskType } from './mask-types';

export interface NamedValueContext {
  readonly names: NameOptions;
  count(type: MaskType): void;
  truncateIps(text: string): string;
}

// Start of a name: after a non-name character (not `:`: `arn:aws:…:secret:name` is an ARN), or
// right after a %XX escape (URL-encoded JSON).
const NAME_THEN_SEPARATOR = /(?:(?<=%[0-9A-Fa-f]{2})|(?<![\w$@.%:-]))(\\*["']|%22)?([A-Za-z_][\w.-]{0,63})(\\*["']|%22)?([ \t]*(?::|=|%3[AaDd])[ \t]*(?:%20|\+)*)/g;

/** Values that say there is no value: a logged placeholder is not a credential. */
const PLACEHOLDER = /^(?:|-|\?|null|nil|none|undefined|true|false|value|\*+|x{3,}|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|\[REDACTED:\w+\])$/i;

/** Masks the value after every credential, personal-data or (GDPR) IP name in `text`. */
export function maskNamedValues(text: string, ctx: NamedValueContext): string {
  let out = '';
  let copied = 0;
  // One scanner for every call (its lastIndex is reset here): nothing below masks text again.
  const scanner = NAME_THEN_SEPARATOR;
  scanner.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = scanner.exec(text)) !== null) {
    const [whole, openQuote = '', name, closeQuote = '', separator] = m;
    // `"name": ` must close the quote it opened; a lone closing quote belongs to something else.
    if (openQuote !== closeQuote && !(openQuote === '' && closeQuote === '')) continue;
    const urlEncoded = /%3[AaDd]/.test(separator) || openQuote === '%22';
    const rule = classifyCached(name, ctx.names, separator.includes('=') || /%3[Dd]/.test(separator) ? 'param' : 'field');
    if (!rule) continue;
    const start = m.index + whole.length;
    // IP values run to the end of the line too (`Forwarded: for="[2001:db8::1]:443";proto=https`):
    // only the addresses in them change.
    const value = valueExtent(text, start, rule === 'authorization' || rule === 'cookie' || rule === 'ip' ? 'line' : 'token', urlEncoded);
    if (!value) continue;
    const content = text.slice(value.start, value.end);
    if (PLACEHOLDER.test(content)) continue;
    if (looksLikeProse(name, separator, openQuote, content, value.quoted, text.slice(value.end, value.end + 32))) continue;
    let replacement: string;
    if (rule === 'ip') {
      replacement = ctx.truncateIps(content);
    } else {
      ctx.count(rule);
      replacement = redacted(rule);
    }
    out += text.slice(copied, value.start) + replacement;
    copied = value.end;
    scanner.lastIndex = Math.max(value.end, scanner.lastIndex);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const classified = new Map<string, ReturnType<typeof classifyName> | null>();

/** classifyName, remembered (bounded): text repeats the same header and parameter names. */
function classifyCached(name: string, names: NameOptions, where: 'field' | 'param') {
  const key = `${names.pii}|${names.truncateClientIp}|${names.apiKeyHeader}|${where}|${name}`;
  const hit = classified.get(key);
  if (hit !== undefined) return hit ?? undefined;
  if (classified.size >= 10_000) classified.clear();
  const rule = classifyName(name, names, where);
  classified.set(key, rule ?? null);
  return rule;
}

interface Extent { readonly start: number; readonly end: number; readonly quoted: boolean }

/**
 * Where the value starting at `from` ends. Quoted values (`"…"`, `\"…\"`, `'…'`, `%22…%22`) end
 * at their closing quote. Unquoted: `line` runs to the end of the line (Authorization and
 * Cookie values have spaces and `key="quoted"` parts), `token` to the next delimiter.
 */
function valueExtent(text: string, from: number, kind: 'line' | 'token', urlEncoded: boolean): Extent | undefined {
  const quote = /^(\\*["']|%22)/.exec(text.slice(from, from + 16));
  if (quote) {
    const start = from + quote[1].length;
    const close = quote[1] === '"' ? closingQuote(text, start) : text.indexOf(quote[1], start);
    const lineEnd = endOfLine(text, start);
    const end = close < 0 || close > lineEnd ? lineEnd : close;
    return end > start ? { start, end, quoted: true } : undefined;
  }
  const end = kind === 'line' ? lineValueEnd(text, from, urlEncoded) : scanWhile(text, from, TOKEN_CHAR);
  return end > from ? { start: from, end, quoted: false } : undefined;
}

/** What an unquoted token value may hold: it stops at the usual delimiters. */
const TOKEN_CHAR = /[^\s&#"'\\,;<>(){}[\]]/;

function scanWhile(text: string, from: number, allowed: RegExp): number {
  let i = from;
  while (i < text.length && allowed.test(text[i])) i++;
  return i;
}

/** Index of the `"` closing a JSON-style string that starts at `start` (backslash escapes skipped). */
function closingQuote(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '"') return i;
    else if (ch === '\n' || ch === '\r') return -1;
  }
  return -1;
}

function endOfLine(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r') return i;
    if (ch === '\\' && (text[i + 1] === 'n' || text[i + 1] === 'r')) return i;
  }
  return text.length;
}

/**
 * An Authorization / Cookie value: to the end of the line (also an escaped `\n`), through
 * `key="quoted"` parts (Digest, cookies), stopping at a quote that closes the surrounding
 * string and, when URL-encoded, at the next parameter.
 */
function lineValueEnd(text: string, from: number, urlEncoded: boolean): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r' || (urlEncoded && (ch === '&' || ch === '#'))) return i;
    if (ch === '\\') {
      if (text[i + 1] === 'n' || text[i + 1] === 'r') return i;
      const opensQuoted = text[i - 1] === '=' && text[i + 1] === '"';
      if (!opensQuoted && text[i + 1] === '"') return i;
      if (opensQuoted) {
        const close = text.indexOf('\\"', i + 2);
        if (close < 0) return endOfLine(text, i);
        i = close + 1;
        continue;
      }
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      if (text[i - 1] !== '=') return i;
      const close = ch === '"' ? closingQuote(text, i + 1) : text.indexOf("'", i + 1);
      if (close < 0) return endOfLine(text, i);
      i = close;
    }
  }
  return text.length;
}

/** Words that end a sentence like "token: expired": a state, not a credential. */
const STATE_WORDS = new Set(['expired', 'invalid', 'missing', 'required', 'revoked', 'malformed', 'empty', 'unknown', 'denied', 'rejected', 'incorrect', 'wrong', 'mismatch', 'disabled', 'rotated', 'absent', 'ok']);

/**
 * `token: expired` and `password: must be at least 12 characters` are sentences, not headers: a
 * lower-case one-word name, a plain `:`, a lower-case word as value, and either a state word or
 * more words after it. Anything else with a credential name is masked: a header name has
 * capitals or dashes, and `password: hunter` on a line of its own is a value.
 */
function looksLikeProse(name: string, separator: string, openQuote: string, value: string, quoted: boolean, after: string): boolean {
  if (quoted || openQuote !== '' || !separator.includes(':') || !/^[a-z]+$/.test(name)) return false;
  if (!/^[a-z]+$/.test(value)) return false;
  return STATE_WORDS.has(value) || /^ [a-z]+\b/.test(after);
}
