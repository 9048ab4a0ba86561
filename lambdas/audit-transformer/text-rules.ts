/**
 * The rules applied to every string, in order. Each has a cheap `mayMatch` so that the common
 * short field (`GET`, `200`, `TLSv1.3`) costs a few `includes` calls, not a dozen regex scans.
 * Credential rules run whatever `pii` says; personal-data rules only when it is on.
 *
 * Order matters: private key blocks first (their base64 must go whole), then names (`token=…`
 * is counted as the name says), schemes, token formats, and personal data last.
 */
import { findCardInRun } from './card';
import { ibanSpan } from './iban';
import { maskNamedValues, type NamedValueContext } from './named-values';
import { redacted, type MaskType } from './mask-types';

export type TextRuleContext = NamedValueContext;

export interface TextRule {
  readonly name: string;
  /** A personal-data rule (off with `pii: false`); credential rules always run. */
  readonly pii: boolean;
  readonly mayMatch: (text: string) => boolean;
  readonly apply: (text: string, ctx: TextRuleContext) => string;
}

type Replacer = (match: string, groups: string[], offset: number, text: string, ctx: TextRuleContext) => string;

/** A rule from one global regex; `replace` returns the match itself to keep it. */
function byPattern(name: string, pii: boolean, mayMatch: TextRule['mayMatch'], pattern: RegExp, replace: Replacer): TextRule {
  return {
    name, pii, mayMatch,
    apply: (text, ctx) => text.replace(pattern, (...args: unknown[]) => {
      // args: match, ...groups, offset, whole text[, named groups]
      const offsetAt = args.findIndex((a, i) => i > 0 && typeof a === 'number');
      const groups = args.slice(1, offsetAt).map((g) => (typeof g === 'string' ? g : ''));
      return replace(args[0] as string, groups, args[offsetAt] as number, args[offsetAt + 1] as string, ctx);
    }),
  };
}

const whole = (type: MaskType): Replacer => (_m, _g, _o, _t, ctx) => {
  ctx.count(type);
  return redacted(type);
};

// A credential, not a word: has a digit, a symbol, an inner capital, or is too long for a word.
// Keeps "Basic authentication required" and "Bearer token missing" readable.
const credentialLike = (value: string) => /[\d._~+/=|:-]/.test(value) || /[a-z][A-Z]/.test(value) || value.length > 20;

const SPACE = '(?: |%20|\\+)';
const PRIVATE_KEY = new RegExp(`-----BEGIN${SPACE}((?:[A-Z0-9]+${SPACE})*PRIVATE${SPACE}KEY(?:${SPACE}BLOCK)?)-----[\\s\\S]*?(?:-----END${SPACE}\\1-----|$)`, 'g');

const KNOWN_TOKEN_FORMATS = new RegExp(`(?<![A-Za-z0-9_-])(?:${[
  '(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}', // AWS access key ids
  '(?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{10,}', 'whsec_[A-Za-z0-9]{20,}', // Stripe
  'gh[pousr]_[A-Za-z0-9]{36,}', 'github_pat_[A-Za-z0-9_]{22,}', // GitHub
  'glpat-[A-Za-z0-9_-]{20,}', // GitLab (the PRIVATE-TOKEN header)
  'xox[abposr]-[A-Za-z0-9-]{10,}', // Slack
  'AIza[0-9A-Za-z_-]{35}', // Google API keys
  'npm_[A-Za-z0-9]{36}', // npm
  'SG\\.[\\w-]{16,}\\.[\\w-]{16,}', // SendGrid
  'sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}', // OpenAI / Anthropic
].join('|')})(?![A-Za-z0-9_-])`, 'g');
/** Every known token format contains one of these (a cheap test before the full pattern). */
export const KNOWN_TOKEN_HINT = /AKIA|ASIA|ABIA|ACCA|[spr]k_|whsec_|gh[pousr]_|github_pat_|glpat-|xox|AIza|npm_|SG\.|sk-/;

// STS session tokens start with the base64 of their own header.
// Also URL-encoded (`+` `/` `=` as %2B %2F %3D).
const SESSION_TOKEN = /(?<![A-Za-z0-9+])(?:IQoJb3JpZ2lu|IQoDYXdz|FwoGZXIvYXdz|FQoGZXIvYXdz|AQoDYXdz|AgoJb3JpZ2lu)(?:[A-Za-z0-9/+=]|%2[BbFf]|%3[Dd]){40,}/g;

// 40 characters of base64 with upper, lower and digit: the shape of an AWS secret access key.
// Masked alone (the whole value) or next to an access key id or the word "secret": on its own
// the shape also fits a path or a cache key, and a hex SHA-1 never has both cases.
const SECRET_KEY_SHAPE = /(?<![A-Za-z0-9/+=_-])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}\d)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])/g;

const L = '[\\p{L}\\p{M}\\p{N}]';
const PCT = '%[0-9A-Fa-f]{2}';
const LOCAL_PART = `(?:"(?:[^"\\\\\\r\\n]|\\\\.){1,64}"|\\\\"[^"\\\\\\r\\n]{1,64}\\\\"|%22(?:(?!%22)[^\\s"&]){1,64}%22|(?:${L}|[._%+-]){1,64})`;
const LABEL = `(?:${L}|${PCT})(?:${L}|-|${PCT}){0,62}`;
const EMAIL = new RegExp(`(?:(?<=${PCT})|(?<![\\p{L}\\p{M}\\p{N}._%+-]))${LOCAL_PART}(?:@|%40|\\\\u0040)((?:${LABEL}\\.){1,8}(?:\\p{L}{2,24}|xn--[a-z0-9-]{1,59}|(?:%[89A-Fa-f][0-9A-Fa-f]){2,24}))(?![\\p{L}\\p{M}\\p{N}-])`, 'gu');
// `logo@2x.png` and `git@github.com:org/repo.git` are file and repository names, not mailboxes.
const ASSET_EXTENSION = /\.(?:png|jpe?g|gif|svg|webp|avif|ico|bmp|tiff?|css|js|mjs|map|woff2?|ttf|eot)$/i;
const VCS_USER = /^(?:git|hg|svn)(?:@|%40)/i;

const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
// Runs of digit groups; card numbers are found inside them (card.ts). Not after `.`/`-`/`+`
// (decimals, UUID and trace-id tails, E.164 phones).
const DIGIT_RUN = /(?<![\w.+-])\d{1,19}(?:(?: |-|%20|\+)\d{1,19}){0,9}(?![\w]|\.\d)/g;
// What sits right after a card: an expiry (MM/YY or MM/YYYY) and a CVV, labelled or not.
const CARD_EXTRAS = /(\[REDACTED:card\])((?:[ ,;|]+(?:(?:exp(?:iry|ires|iration)?(?: date)?|valid(?: thru)?)[:= ]*)?(?:0[1-9]|1[0-2]) ?[/-] ?(?:\d{4}|\d{2})(?![\d/]))?(?:[ ,;|]+(?:(?:cvv2?|cvc2?|csc|cvn|cid|security code)[:= ]*)?\d{3,4}(?![\d/]))?)/gi;

/** Every labelled CVV has one of these labels. */
export const CVV_LABEL_HINT = /cvv|cvc|csc|cvn/i;

export const TEXT_RULES: readonly TextRule[] = [
  byPattern('private key block', false, (t) => t.includes('PRIVATE'), PRIVATE_KEY, whole('privateKey')),
  { name: 'named value', pii: false, mayMatch: (t) => /[:=]|%3[ADad]/.test(t), apply: maskNamedValues },
  byPattern('URL credentials', false, (t) => t.includes('://') && t.includes('@'),
    /(:\/\/[^\s:/@]{1,256}:)([^\s@/]{1,256})(@)/g, (_m, [head, _password, at], _o, _t, ctx) => (ctx.count('secret'), `${head}${redacted('secret')}${at}`)),
  byPattern('Digest credentials', false, (t) => /digest/i.test(t),
    /\b(Digest)\s+((?:[\w-]+=(?:\\?"(?:[^"\\\r\n]|\\[^"])*\\?"|[^\s,"\\]+)(?:\s*,\s*)?)+)/gi,
    (_m, [scheme], _o, _t, ctx) => (ctx.count('authorization'), `${scheme} ${redacted('authorization')}`)),
  byPattern('SigV4 credentials', false, (t) => t.includes('AWS4-HMAC-SHA256'),
    /\b(AWS4-HMAC-SHA256)\s+(Credential=[^\s"\\]+(?:\s*,\s*\w+=[^\s",\\]+)*)/g,
    (_m, [scheme], _o, _t, ctx) => (ctx.count('authorization'), `${scheme} ${redacted('authorization')}`)),
  byPattern('authorization scheme', false, (t) => /bearer|basic|token|negotiate|ntlm|apikey|ssws/i.test(t),
    /\b(Bearer|Basic|Token|Negotiate|NTLM|ApiKey|SSWS)(\s+|%20|\+)([A-Za-z0-9._~+/=|:-]{8,})/gi,
    (m, [scheme, space, credential], _o, _t, ctx) => (credentialLike(credential) ? (ctx.count('authorization'), `${scheme}${space}${redacted('authorization')}`) : m)),
  byPattern('JWT', false, (t) => t.includes('eyJ'), /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)+/g, whole('jwt')),
  byPattern('API key format', false, (t) => KNOWN_TOKEN_HINT.test(t), KNOWN_TOKEN_FORMATS, whole('apiKey')),
  byPattern('AWS session token', false, (t) => t.length >= 50, SESSION_TOKEN, whole('secret')),
  byPattern('AWS secret access key', false, (t) => t.length >= 40, SECRET_KEY_SHAPE, (m, _g, offset, text, ctx) => {
    const before = text.slice(Math.max(0, offset - 80), offset);
    const alone = m.length === text.trim().length;
    if (!alone && !/secret|\[REDACTED:apiKey\]/i.test(before)) return m;
    ctx.count('secret');
    return redacted('secret');
  }),
  byPattern('email', true, (t) => t.includes('@') || t.includes('%40') || t.includes('\\u0040'), EMAIL, (m, [domain], offset, text, ctx) => {
    if (ASSET_EXTENSION.test(domain) || (VCS_USER.test(m) && text[offset + m.length] === ':')) return m;
    ctx.count('email');
    return redacted('email');
  }),
  byPattern('IBAN', true, (t) => /[A-Z]{2}\d{2}/.test(t), IBAN, (m, _g, _o, _t, ctx) => {
    const span = ibanSpan(m);
    if (span === undefined) return m;
    ctx.count('iban');
    return redacted('iban') + m.slice(span);
  }),
  byPattern('card number', true, (t) => /\d{4}/.test(t), DIGIT_RUN, (m, _g, offset, text, ctx) => {
    const card = findCardInRun(m);
    if (!card) return m;
    // An AWS account id in an ARN (`arn:aws:iam::501812345678:role/x`) can pass as a Maestro card.
    if (card.end - card.start === 12 && text[offset + card.start - 1] === ':') return m;
    ctx.count('card');
    return m.slice(0, card.start) + redacted('card') + m.slice(card.end);
  }),
  byPattern('card expiry and CVV', true, (t) => t.includes('[REDACTED:card]'), CARD_EXTRAS, (m, [card, extras], _o, _t, ctx) => {
    if (!extras) return m;
    ctx.count('card');
    return `${card} ${redacted('card')}`;
  }),
  byPattern('labelled CVV', true, (t) => CVV_LABEL_HINT.test(t), /\b(cvv2?|cvc2?|csc|cvn)\b([\s:=#]*)(\d{3,4})\b/gi,
    (_m, [label, sep], _o, _t, ctx) => (ctx.count('card'), `${label}${sep}${redacted('card')}`)),
  byPattern('SSN', true, (t) => /\d{3}-\d{2}-\d{4}/.test(t),
    /(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g, whole('ssn')),
  byPattern('phone', true, (t) => /\+|%2B|\d{3}[.)-]/i.test(t),
    // International (+ and 8-15 digits, separators allowed) or North American (415) 555-2671 / 415-555-2671.
    /(?<![\w+])(?:\+|%2B)\d(?:[ .-]?\(?\d\)?){7,14}(?![\w])|(?<![\w-])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w-])/gi,
    (m, _g, _o, _t, ctx) => {
      const digits = m.replace(/%2B/i, '+').replace(/\D/g, '').length;
      const ok = /^(?:\+|%2B)/i.test(m) ? digits >= 8 && digits <= 15 : digits === 10;
      if (!ok) return m;
      ctx.count('phone');
      return redacted('phone');
    }),
];
