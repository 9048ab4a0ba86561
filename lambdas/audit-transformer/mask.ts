/**
 * `maskPii`: removes personal data and credentials from a log record before it reaches the
 * audit trail. Two kinds of rules:
 * - by key (any depth, case- and separator-insensitive): credential headers and fields are
 *   replaced whole; phone/SSN/card fields are replaced whole; client IP fields are truncated
 *   when `truncateClientIp`;
 * - by value, in every string (also inside JSON strings, URLs, query strings and paths):
 *   JWTs, authorization schemes, API key formats, secret query parameters, emails, card numbers
 *   (brand prefix + length + Luhn), SSNs, formatted phone numbers.
 *
 * Precision matters as much as recall: request ids, UUIDs, trace ids, epoch timestamps,
 * dates, status codes, latencies and other plain numbers are never masked.
 */

/** What was masked; the metric `maskedFields` carries it as its `type` dimension. */
export type MaskType = 'email' | 'card' | 'ssn' | 'phone' | 'jwt' | 'authorization' | 'cookie' | 'apiKey' | 'secret' | 'ip';
export const MASK_TYPES: readonly MaskType[] = ['email', 'card', 'ssn', 'phone', 'jwt', 'authorization', 'cookie', 'apiKey', 'secret', 'ip'];

export interface MaskOptions {
  /**
   * Mask personal data (email, card, SSN, phone). Credentials are masked regardless.
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

export type MaskCounts = Partial<Record<MaskType, number>>;

export interface MaskResult<T> {
  readonly value: T;
  readonly counts: MaskCounts;
}

/** The text that replaces a masked value. */
export const redacted = (type: MaskType) => `[REDACTED:${type}]`;

const normalizeKey = (key: string) => key.toLowerCase().replace(/[-_\s.]/g, '');

/** Keys whose whole value is a credential, by normalized name. */
const CREDENTIAL_KEYS: Readonly<Record<string, MaskType>> = {
  authorization: 'authorization', proxyauthorization: 'authorization',
  cookie: 'cookie', setcookie: 'cookie', cookies: 'cookie',
  xapikey: 'apiKey', apikey: 'apiKey',
  password: 'secret', passwd: 'secret', secret: 'secret', clientsecret: 'secret',
  token: 'secret', accesstoken: 'secret', refreshtoken: 'secret', idtoken: 'secret',
  sessiontoken: 'secret', xamzsecuritytoken: 'secret', originverify: 'secret', xoriginverify: 'secret',
};
/** Keys whose whole value is personal data even when it is a bare number. */
const PII_KEYS: Readonly<Record<string, MaskType>> = {
  phone: 'phone', phonenumber: 'phone', mobile: 'phone', tel: 'phone', msisdn: 'phone',
  ssn: 'ssn', socialsecuritynumber: 'ssn',
  cardnumber: 'card', pan: 'card', ccnumber: 'card', creditcard: 'card',
  email: 'email', emailaddress: 'email',
};
/** Keys that hold client IPs (truncated under GDPR). */
const IP_KEYS = new Set(['ip', 'sourceip', 'clientip', 'remoteaddr', 'remoteip', 'xforwardedfor', 'xrealip', 'ipaddress', 'cfconnectingip', 'trueclientip', 'viewerip']);
/** Query string parameters whose value is a credential. */
const SECRET_QUERY_PARAMS = ['api[_-]?key', 'apikey', 'key', 'token', 'access_token', 'id_token', 'refresh_token', 'password', 'secret', 'client_secret', 'code', 'sig', 'signature', 'x-api-key'];

interface TextRule {
  readonly type: MaskType;
  readonly pii: boolean;
  readonly pattern: RegExp;
  /** Replacement for one match; return the match itself to keep it. */
  readonly replace: (match: string, ...groups: string[]) => string;
}

const whole = (type: MaskType) => () => redacted(type);

const TEXT_RULES: readonly TextRule[] = [
  // "Authorization: Basic ...", "Cookie: a=1; b=2", "x-api-key=..." inside free text.
  {
    type: 'authorization', pii: false,
    pattern: /\b(proxy-authorization|authorization)(\s*[:=]\s*)([^\r\n"]+)/gi,
    replace: (_m, name, sep) => `${name}${sep}${redacted('authorization')}`,
  },
  {
    type: 'cookie', pii: false,
    pattern: /\b(set-cookie|cookie)(\s*[:=]\s*)([^\r\n"]+)/gi,
    replace: (_m, name, sep) => `${name}${sep}${redacted('cookie')}`,
  },
  {
    type: 'authorization', pii: false,
    pattern: /\b(Bearer|Basic|Digest|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
    replace: (_m, scheme) => `${scheme} ${redacted('authorization')}`,
  },
  { type: 'jwt', pii: false, pattern: /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, replace: whole('jwt') },
  {
    type: 'secret', pii: false,
    pattern: new RegExp(`([?&;](?:${SECRET_QUERY_PARAMS.join('|')})=)([^&#\\s"]+)`, 'gi'),
    replace: (_m, name) => `${name}${redacted('secret')}`,
  },
  // Well-known API key and access key formats.
  {
    type: 'apiKey', pii: false,
    pattern: /\b(?:(?:AKIA|ASIA)[0-9A-Z]{16}|(?:sk|pk|rk)_(?:live|test)_[0-9A-Za-z]{16,}|gh[pousr]_[A-Za-z0-9]{36,}|xox[abprs]-[A-Za-z0-9-]{10,})\b/g,
    replace: whole('apiKey'),
  },
  {
    type: 'apiKey', pii: false,
    pattern: /\b(x-api-key|api[_-]?key)(["']?\s*[:=]\s*["']?)([A-Za-z0-9._~+/=-]{8,})/gi,
    replace: (_m, name, sep) => `${name}${sep}${redacted('apiKey')}`,
  },
  { type: 'email', pii: true, pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}(?:@|%40)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z])/g, replace: whole('email') },
  {
    type: 'card', pii: true,
    pattern: /(?<![\w.-])(?:\d[ -]?){11,18}\d(?!\w)(?!\.\d)/g,
    replace: (m) => (isCardNumber(m.replace(/[ -]/g, '')) ? redacted('card') : m),
  },
  { type: 'ssn', pii: true, pattern: /(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g, replace: whole('ssn') },
  {
    type: 'phone', pii: true,
    // International (+ and 8-15 digits, optional separators) or North American (415) 555-2671 / 415-555-2671.
    pattern: /(?<![\w+])\+\d(?:[ .-]?\(?\d\)?){7,14}(?![\w])|(?<![\w-])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?![\w-])/g,
    replace: (m) => (isPhoneNumber(m) ? redacted('phone') : m),
  },
];

/**
 * Masks personal data and credentials anywhere in `value` (objects, arrays, strings, JSON inside
 * strings). Returns a new value; the input is not changed.
 * @example
 * maskPii({ headers: { Authorization: 'Bearer abc.def.ghi' }, email: 'a@b.example' })
 * // value: { headers: { Authorization: '[REDACTED:authorization]' }, email: '[REDACTED:email]' }
 */
export function maskPii<T>(value: T, options: MaskOptions = {}): MaskResult<T> {
  const counts: MaskCounts = {};
  const context: Context = {
    pii: options.pii ?? true,
    truncateClientIp: options.truncateClientIp ?? false,
    apiKeyHeader: normalizeKey(options.apiKeyHeader ?? 'x-api-key'),
    count: (type) => { counts[type] = (counts[type] ?? 0) + 1; },
  };
  return { value: maskValue(value, undefined, context) as T, counts };
}

interface Context {
  readonly pii: boolean;
  readonly truncateClientIp: boolean;
  readonly apiKeyHeader: string;
  count(type: MaskType): void;
}

function maskValue(value: unknown, key: string | undefined, ctx: Context): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  const rule = key === undefined ? undefined : keyRule(key, ctx);
  if (rule === undefined || rule === 'ip') {
    if (Array.isArray(value)) return value.map((v) => maskValue(v, key, ctx));
    if (typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskValue(v, k, ctx)]));
    }
  }
  if (rule === 'ip') return typeof value === 'string' ? truncateIps(value, ctx) : value;
  if (rule) {
    // Multi-value headers keep their shape; a structure (e.g. parsed cookies) goes whole.
    if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.map((v) => maskValue(v, key, ctx));
    if (value === '' || value === '-') return value;
    ctx.count(rule);
    return redacted(rule);
  }
  if (typeof value === 'number') {
    // A card number logged as a JSON number; other numbers are never personal data by value.
    return ctx.pii && Number.isSafeInteger(value) && isCardNumber(String(value)) ? (ctx.count('card'), redacted('card')) : value;
  }
  return typeof value === 'string' ? maskText(value, ctx) : value;
}

function keyRule(key: string, ctx: Context): MaskType | undefined {
  const k = normalizeKey(key);
  if (k === ctx.apiKeyHeader) return 'apiKey';
  if (CREDENTIAL_KEYS[k]) return CREDENTIAL_KEYS[k];
  if (ctx.pii && PII_KEYS[k]) return PII_KEYS[k];
  if (ctx.truncateClientIp && IP_KEYS.has(k)) return 'ip';
  return undefined;
}

function maskText(text: string, ctx: Context): string {
  const trimmed = text.trim();
  // JSON inside a string (a logged body or message): mask its structure, keep it JSON.
  if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
    try {
      return JSON.stringify(maskValue(JSON.parse(trimmed), undefined, ctx));
    } catch {
      // not JSON after all: treat as text
    }
  }
  // JSON fragments inside text ('body {"phone":"4155552671"}'): apply the key rules to them.
  let out = text.replace(/"([\w-]{1,64})"(\s*:\s*)(?:"((?:[^"\\]|\\.)*)"|(-?\d[\d.]*))/g, (m, key: string, sep: string, quoted?: string, bare?: string) => {
    const rule = keyRule(key, ctx);
    const value = quoted ?? bare ?? '';
    if (!rule || value === '' || value === '-') return m;
    if (rule === 'ip') return quoted === undefined ? m : `"${key}"${sep}"${truncateIps(quoted, ctx)}"`;
    ctx.count(rule);
    return `"${key}"${sep}"${redacted(rule)}"`;
  });
  for (const rule of TEXT_RULES) {
    if (rule.pii && !ctx.pii) continue;
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      // args: match, capture groups..., offset, whole string
      const match = args[0] as string;
      const offset = args.findIndex((a, i) => i > 0 && typeof a === 'number');
      const groups = args.slice(1, offset).map((g) => (typeof g === 'string' ? g : ''));
      const replaced = rule.replace(match, ...groups);
      if (replaced !== match) ctx.count(rule.type);
      return replaced;
    });
  }
  return out;
}

/** Card brands by IIN prefix and length; a Luhn-valid number outside them is not treated as a card. */
const CARD_BRANDS: ReadonlyArray<{ prefix: RegExp; lengths: readonly number[] }> = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^35(2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^(30[0-5]|309|36|3[89])/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
  { prefix: /^(5018|5020|5038|5893|6304|6759|676[1-3])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
];

/** True for a digit string that a card network could issue: known prefix, its length, Luhn check. */
export function isCardNumber(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  if (!CARD_BRANDS.some((b) => b.prefix.test(digits) && b.lengths.includes(digits.length))) return false;
  return luhnValid(digits);
}

/** The Luhn (mod 10) checksum used by card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function isPhoneNumber(text: string): boolean {
  const digits = text.replace(/\D/g, '').length;
  return text.startsWith('+') ? digits >= 8 && digits <= 15 : digits === 10;
}

const IPV4 = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g;
const IPV6 = /(?<![\w:])(?:[0-9a-f]{1,4}:){1,7}(?::|[0-9a-f]{1,4})(?::[0-9a-f]{1,4})*(?![\w:])/gi;

/** Truncates every IP address in a value such as `203.0.113.7` or `203.0.113.7, 10.0.0.1`. */
function truncateIps(text: string, ctx: Context): string {
  return text.replace(IPV4, (m) => {
    const t = truncateIp(m);
    if (t !== m) ctx.count('ip');
    return t;
  }).replace(IPV6, (m) => {
    const t = truncateIp(m);
    if (t !== m) ctx.count('ip');
    return t;
  });
}

/**
 * GDPR truncation of one IP address: IPv4 keeps the first three octets (`203.0.113.0`), IPv6 the
 * first 48 bits (`2001:db8:85a3::`). Anything else is returned unchanged.
 */
export function truncateIp(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) ? `${v4[1]}.${v4[2]}.${v4[3]}.0` : ip;
  if (!ip.includes(':')) return ip;
  const groups = expandIpv6(ip);
  if (!groups) return ip;
  return `${groups.slice(0, 3).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::`;
}

function expandIpv6(ip: string): string[] | undefined {
  const halves = ip.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups : undefined;
}
