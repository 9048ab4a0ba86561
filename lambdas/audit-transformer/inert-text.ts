/**
 * A cheap proof that masking leaves a string as it is. Most values of an audit record are
 * request ids, event ids, trace ids, times, paths and addresses: different in every line (so
 * no memo in mask.ts hits) and unmaskable. One pass over their characters shows that no pattern
 * of text-rules.ts can match, instead of a dozen regex scans per value.
 *
 * The answer is conservative: `false` means "run the rules", never "something is there". Each
 * condition below is a necessary condition of one rule's regex, read off the regex itself:
 * - whitespace, `%`, `@`, `+`, `\`, `"`, `'`, `=`, `(`, `)`, `[`, `#`, a control or a non-ASCII
 *   character: run the rules. From here on nothing needs a space, a URL escape, an `@`, a quote,
 *   a `=` or `[REDACTED:…]`: that rules out private key blocks, URL credentials, Digest, SigV4,
 *   authorization schemes, e-mail, card expiry / CVV after a card, the `+…` and `(415)` phones,
 *   and JSON inside text (its `{` is followed by `"`, or it is `{}`);
 * - a named value needs a `:` and a name that starts after none of `\w $ . : -`; a labelled CVV
 *   a `:`, a word start and its label;
 * - a JWT needs `eyJ`; an IBAN two capitals after no letter or digit, then two digits; an AWS
 *   secret key, and the 40 characters after a session token's prefix, a run of 40 base64
 *   characters (with a capital);
 * - a known API key format starts, after none of `[A-Za-z0-9_-]`, with `A` or `S` (`AKIA`,
 *   `AIza`, `SG.`) or with `s p r w g x n` and has a `_` or `-` (`sk_live_`, `ghp_`, `xoxb-`,
 *   `sk-`); then its own hint decides;
 * - a card number is a run of digit groups joined by `-` that starts after none of `\w . -`,
 *   whose first group has at most 19 digits, with 12 digits or more; an SSN such a run (after
 *   none of `\w -`) with a `-` and 9 digits; a North American phone digit groups of exactly 3,
 *   3 and 4 joined by `.` or `-`.
 * A rule added to text-rules.ts must add its condition here (test/audit/inert-text.test.ts
 * fails until it does, and runs the rules themselves against this proof).
 */
import { CVV_LABEL_HINT, KNOWN_TOKEN_HINT } from './text-rules';

/** The rules of text-rules.ts whose conditions are above, by name. */
export const RULES_COVERED = [
  'private key block', 'named value', 'URL credentials', 'Digest credentials', 'SigV4 credentials', 'authorization scheme',
  'JWT', 'API key format', 'AWS session token', 'AWS secret access key', 'email', 'IBAN', 'card number',
  'card expiry and CVV', 'labelled CVV', 'SSN', 'phone',
] as const;

// Character kinds, one switch per character.
const STOP = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const DASH = 4;
const DOT = 5;
const UNDERSCORE = 6;
const SLASH = 7;
const COLON = 8;
const OPEN_BRACE = 9;
const DOLLAR = 10;
const OTHER = 11;

const KINDS = new Uint8Array(128).fill(OTHER);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (c < 33 || c === 127 || '%@+\\"\'=()[#'.includes(ch)) KINDS[c] = STOP;
  else if (ch >= 'a' && ch <= 'z') KINDS[c] = LOWER;
  else if (ch >= 'A' && ch <= 'Z') KINDS[c] = UPPER;
  else if (ch >= '0' && ch <= '9') KINDS[c] = DIGIT;
}
KINDS[45] = DASH;
KINDS[46] = DOT;
KINDS[95] = UNDERSCORE;
KINDS[47] = SLASH;
KINDS[58] = COLON;
KINDS[123] = OPEN_BRACE;
KINDS[36] = DOLLAR;

/** First letters of the known token formats (`AKIA…`, `AIza…`, `SG.…`; `sk_`, `pk_`, `rk_`, `whsec_`, `gh?_`, `glpat-`, `xox?-`, `npm_`). */
const TOKEN_INITIALS = new Uint8Array(128);
for (const ch of 'ASsprwgxn') TOKEN_INITIALS[ch.charCodeAt(0)] = 1;

const isWord = (kind: number) => kind === LOWER || kind === UPPER || kind === DIGIT || kind === UNDERSCORE;
const startsName = (previous: number) => previous !== DOLLAR && previous !== DOT && previous !== COLON && previous !== DASH;
const isDigitAt = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/**
 * True when no text rule (and no JSON inside) can change `text`; false when the rules must run.
 * Reads the text run by run (letters, capitals, digit groups), so the common id or path costs
 * about one comparison per character.
 */
export function isInertText(text: string): boolean {
  const n = text.length;
  if (n === 0) return true;
  // JSON as a whole is parsed and masked by structure.
  if (text.charCodeAt(0) === 123) return false;
  let capital = false;
  let colon = false;
  // A letter or `_` after a non-word character: where `cvv:` can start; where `name:` can,
  // unless after `$`, `.`, `:` or `-` (NAME_THEN_SEPARATOR's look-behind).
  let wordStart = false;
  let nameStart = false;
  // Where a known token format can start (not after `[A-Za-z0-9_-]`), and the `_` / `-` it needs.
  let upperTokenStart = false;
  let lowerTokenStart = false;
  let joiner = false;
  let base64Run = 0;
  let longestBase64Run = 0;
  let previous = OTHER; // the kind of the character before `i`
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c >= 128) return false;
    const kind = KINDS[c];
    let next = i + 1;
    switch (kind) {
      case STOP:
        return false;
      case LOWER: {
        if (!isWord(previous)) {
          wordStart = true;
          if (startsName(previous)) {
            if (colon) return false;
            nameStart = true;
          }
          if (previous !== DASH && TOKEN_INITIALS[c]) lowerTokenStart = true;
        }
        while (next < n && (c = text.charCodeAt(next)) >= 97 && c <= 122) next++;
        base64Run += next - i;
        break;
      }
      case UPPER: {
        capital = true;
        if (!isWord(previous)) {
          wordStart = true;
          if (startsName(previous)) {
            if (colon) return false;
            nameStart = true;
          }
          if (previous !== DASH && TOKEN_INITIALS[c]) upperTokenStart = true;
        }
        // A JWT starts `eyJ`.
        if (c === 74 && i >= 2 && text.charCodeAt(i - 1) === 121 && text.charCodeAt(i - 2) === 101) return false;
        while (next < n && (c = text.charCodeAt(next)) >= 65 && c <= 90) next++;
        // An IBAN: two capitals after no letter or digit, then two digits.
        if (next - i === 2 && previous !== LOWER && previous !== DIGIT && isDigitAt(text, next) && isDigitAt(text, next + 1)) return false;
        base64Run += next - i;
        break;
      }
      case DIGIT: {
        // Where the digit patterns may start: a card after neither `\w` nor `.`; an SSN or a
        // phone after no `\w` and no `-`. Inside a run of digits and `-` none can start again.
        const startsOk = !isWord(previous) && previous !== DASH;
        // North American phone: 3, 3 and 4 digits joined by `.` or `-`.
        if (startsOk && isPhoneShape(text, i)) return false;
        // The run of digits and `-` from here: its digits, its first group, its longest group.
        let digits = 0;
        let groupLength = 0;
        let firstGroup = -1;
        let longestGroup = 0;
        let dash = false;
        next = i;
        while (next < n) {
          c = text.charCodeAt(next);
          if (c >= 48 && c <= 57) {
            digits++;
            groupLength++;
          } else if (c === 45) {
            if (firstGroup < 0) firstGroup = groupLength;
            if (groupLength > longestGroup) longestGroup = groupLength;
            groupLength = 0;
            dash = true;
          } else {
            break;
          }
          next++;
        }
        if (firstGroup < 0) firstGroup = groupLength;
        if (groupLength > longestGroup) longestGroup = groupLength;
        if (startsOk && previous !== DOT && firstGroup <= 19 && digits >= 12) return false;
        if (startsOk && dash && digits >= 9) return false;
        // Digits are base64 characters, `-` is not.
        if (dash) {
          longestBase64Run = Math.max(longestBase64Run, base64Run + firstGroup, longestGroup);
          base64Run = groupLength;
        } else {
          base64Run += groupLength;
        }
        if (base64Run > longestBase64Run) longestBase64Run = base64Run;
        previous = text.charCodeAt(next - 1) === 45 ? DASH : DIGIT;
        i = next;
        continue;
      }
      case SLASH:
        base64Run++;
        break;
      case DASH:
      case UNDERSCORE:
        joiner = true;
        if (kind === UNDERSCORE && !isWord(previous) && startsName(previous)) {
          if (colon) return false;
          nameStart = true;
        }
        base64Run = 0;
        break;
      case COLON:
        // `name:`: a name start and a colon, in either order.
        if (nameStart) return false;
        colon = true;
        base64Run = 0;
        break;
      case OPEN_BRACE:
        // JSON inside text needs `{"` (or is `{}`).
        if (text.charCodeAt(i + 1) === 125) return false;
        base64Run = 0;
        break;
      default:
        base64Run = 0;
    }
    if (base64Run > longestBase64Run) longestBase64Run = base64Run;
    previous = kind;
    i = next;
  }
  if (colon && wordStart && CVV_LABEL_HINT.test(text)) return false;
  // An AWS secret key, or a session token (whose 40 or more base64 characters follow its prefix).
  if (capital && longestBase64Run >= 40) return false;
  return !((upperTokenStart || (lowerTokenStart && joiner)) && KNOWN_TOKEN_HINT.test(text));
}

/** `415-555-2671` / `415.555.2671` at `i`: digit groups of exactly 3, 3 and 4. */
function isPhoneShape(text: string, i: number): boolean {
  return isDigitAt(text, i) && isDigitAt(text, i + 1) && isDigitAt(text, i + 2) && isJoin(text, i + 3)
    && isDigitAt(text, i + 4) && isDigitAt(text, i + 5) && isDigitAt(text, i + 6) && isJoin(text, i + 7)
    && isDigitAt(text, i + 8) && isDigitAt(text, i + 9) && isDigitAt(text, i + 10) && isDigitAt(text, i + 11) && !isDigitAt(text, i + 12);
}

function isJoin(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 45 || c === 46;
}
