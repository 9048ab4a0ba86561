/**
 * JSON objects embedded in text (`validation failed for {"email":"…"}`), also one escaping level
 * down (`body="{\"password\":\"…\"}"`): each is parsed, masked by structure (so key rules apply,
 * whatever the nesting) and written back in the same escaping. Fragments that do not parse are
 * left to the text rules.
 */

/** How a JSON object (or one escaping level down) starts: `{`, then `"`, `\\"` or `}`. */
const FRAGMENT_START = /^\{\s*(?:\\*"|\})/;
const OBJECT_START = /\{\s*(?:\\*"|\})/;

/**
 * False when no fragment of `text` is even tried: {@link maskJsonFragments} then returns it as
 * it is, whatever the nesting depth (so its masked form can be remembered).
 */
export const mayHoldJsonObject = (text: string): boolean => OBJECT_START.test(text);

/** Longest fragment tried, and fragments tried per string: bounds the work on hostile `{{{{…`. */
const MAX_FRAGMENT_CHARS = 65_536;
const MAX_ATTEMPTS = 32;

/**
 * Replaces each JSON object found in `text` by `maskObject(parsed)` re-serialised, when
 * `maskedSoFar` says something inside was masked (otherwise the text stays byte for byte).
 */
export function maskJsonFragments(text: string, maskObject: (value: unknown) => unknown, maskedSoFar: () => number): string {
  let out = '';
  let copied = 0;
  let attempts = 0;
  for (let open = text.indexOf('{'); open >= 0 && attempts < MAX_ATTEMPTS; open = text.indexOf('{', open + 1)) {
    attempts++;
    const close = matchingBrace(text, open);
    if (close < 0) continue;
    const fragment = text.slice(open, close + 1);
    // Only what can be a JSON object is parsed: `{proxy+}` and `${var}` would cost a thrown error each.
    if (!FRAGMENT_START.test(fragment)) continue;
    const before = maskedSoFar();
    const masked = maskFragment(fragment, maskObject);
    if (masked === undefined || maskedSoFar() === before) continue;
    out += text.slice(copied, open) + masked;
    copied = close + 1;
    open = close;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function maskFragment(fragment: string, maskObject: (value: unknown) => unknown): string | undefined {
  const direct = parseObject(fragment);
  if (direct !== undefined) return JSON.stringify(maskObject(direct));
  if (!fragment.includes('\\"')) return undefined;
  // One level down: the fragment is the inside of a JSON string. Unescape, mask, escape again.
  let unescaped: unknown;
  try {
    unescaped = JSON.parse(`"${fragment}"`);
  } catch {
    return undefined;
  }
  const inner = typeof unescaped === 'string' ? parseObject(unescaped) : undefined;
  return inner === undefined ? undefined : JSON.stringify(JSON.stringify(maskObject(inner))).slice(1, -1);
}

function parseObject(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the `}` closing the `{` at `open`, counting braces only (strings may unbalance it: then parsing fails). */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  const end = Math.min(text.length, open + MAX_FRAGMENT_CHARS);
  for (let i = open; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 123) depth++;
    else if (ch === 125 && --depth === 0) return i;
  }
  return -1;
}
