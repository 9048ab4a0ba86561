/**
 * Which names carry a value that is masked whole, whatever the value looks like. One rule for
 * JSON keys, HTTP header names (`X-Auth-Token: …` in a message) and query / form / logfmt
 * parameters (`?api-key=…`, `password=…`), so a name masked in one place is masked in all.
 *
 * Names are compared as words: `X-Auth-Token`, `authToken`, `AUTH_TOKEN` and `auth token` are
 * all `auth token`. Words matter for `key`: `apiKey` ends in the word key, `monkey` does not.
 */
import type { MaskType } from './mask-types';

/** What a name asks for: mask the value whole as `type`, or truncate the IPs in it. */
export type NameRule = MaskType | 'ip';

export interface NameOptions {
  readonly pii: boolean;
  readonly truncateClientIp: boolean;
  /** The configured API key header, as joined words (`x-api-key` -> `xapikey`). */
  readonly apiKeyHeader: string;
}

/** `X-CSRF-Token` -> `['x', 'csrf', 'token']`, `sourceIPAddress` -> `['source', 'ip', 'address']`. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The words of a name run together: the form the tables below use. */
export const joinedName = (name: string): string => nameWords(name).join('');

// Own-property lookups only: a key named `constructor` or `__proto__` must not find
// Object.prototype's members (it once masked as `[REDACTED:function Object() …]`).
const table = <T>(entries: Record<string, T>): ReadonlyMap<string, T> => new Map(Object.entries(entries));

/** Whole names (joined words) whose value is a credential. */
const CREDENTIAL_NAMES = table<MaskType>({
  authorization: 'authorization', proxyauthorization: 'authorization', xamznauthorization: 'authorization',
  cookie: 'cookie', cookies: 'cookie', setcookie: 'cookie',
  apitoken: 'apiKey',
  xoriginverify: 'secret', originverify: 'secret',
  jsessionid: 'secret', phpsessid: 'secret', aspnetsessionid: 'secret', connectsid: 'secret',
  csrf: 'secret', xsrf: 'secret',
});

/**
 * Joined names ending like this are credentials even without word breaks: `authtoken`,
 * `AWS_SESSION_TOKEN`, `newpassword`, `client_secret`, `x-amz-security-token`, `myapikey`.
 */
const CREDENTIAL_SUFFIXES: ReadonlyArray<readonly [string, MaskType]> = [
  ['token', 'secret'], ['secret', 'secret'], ['password', 'secret'], ['passwd', 'secret'],
  ['apikey', 'apiKey'], ['accesskey', 'apiKey'], ['secretkey', 'apiKey'], ['privatekey', 'secret'],
  ['signingkey', 'secret'], ['encryptionkey', 'secret'], ['masterkey', 'secret'],
];

/** A name whose last word is one of these is a credential too (`admin_pwd`, `X-Hub-Signature`, `license-key`). */
const CREDENTIAL_LAST_WORDS = table<MaskType>({
  pwd: 'secret', passphrase: 'secret', passcode: 'secret', credential: 'secret', credentials: 'secret',
  signature: 'secret', key: 'apiKey',
});

/**
 * Names ending in the word key that are identifiers, not secrets: masking them would blank the
 * routing and storage facts an audit is read for (`routeKey` is an API Gateway log variable).
 */
const NOT_SECRET_KEYS = new Set([
  'routekey', 'partitionkey', 'sortkey', 'hashkey', 'rangekey', 'primarykey', 'foreignkey',
  'cachekey', 'objectkey', 's3key', 'bucketkey', 'publickey', 'idempotencykey', 'dedupkey',
  'deduplicationkey', 'messagekey', 'groupkey', 'lookupkey', 'kmskey',
]);

/** Query / form parameters that are credentials only in a URL (`?code=` is an OAuth code; a JSON `code` is an error code). */
const CREDENTIAL_PARAMS = table<MaskType>({ code: 'secret', sig: 'secret' });

/** Personal data by name (joined words), masked even as bare digits; only when `pii`. */
const PII_NAMES = table<MaskType>({
  emailaddress: 'email', mail: 'email',
  phonenumber: 'phone', mobile: 'phone', mobilenumber: 'phone', tel: 'phone', telephone: 'phone', fax: 'phone',
  socialsecuritynumber: 'ssn',
  pan: 'card', cardnumber: 'card', ccnumber: 'card', creditcard: 'card', creditcardnumber: 'card',
  cvv: 'card', cvv2: 'card', cvc: 'card', cvc2: 'card', csc: 'card', cardsecuritycode: 'card', cardcvv: 'card', cardcvc: 'card',
  cardexpiry: 'card', cardexp: 'card', cardexpiration: 'card', cardexpirationdate: 'card', ccexp: 'card', ccexpiry: 'card', expmonth: 'card', expyear: 'card',
});
/** A name whose last word is one of these is personal data (`customerEmail`, `billing_phone`, `payout_iban`). */
const PII_LAST_WORDS = table<MaskType>({ email: 'email', phone: 'phone', ssn: 'ssn', iban: 'iban', msisdn: 'phone' });

/** Client IP names (truncated under GDPR), as joined words; also any name whose last word is `ip` or that ends in `ipaddress`. */
const IP_NAMES = new Set([
  'sourceip', 'clientip', 'remoteaddr', 'remoteaddress', 'remoteip', 'xforwardedfor', 'forwarded', 'forwardedfor', 'xrealip',
  'cfconnectingip', 'trueclientip', 'viewerip', 'xclientip', 'clientaddress',
]);

/**
 * The rule for a name, or `undefined` when its value is only checked by the text rules.
 * @param where `param` for query / form parameters, which have a few extra credential names.
 */
export function classifyName(name: string, options: NameOptions, where: 'field' | 'param' = 'field'): NameRule | undefined {
  const words = nameWords(name);
  if (words.length === 0) return undefined;
  const joined = words.join('');
  const last = words[words.length - 1];
  if (joined === options.apiKeyHeader) return 'apiKey';
  const credential = CREDENTIAL_NAMES.get(joined)
    ?? (where === 'param' ? CREDENTIAL_PARAMS.get(joined) : undefined)
    ?? credentialByEnding(joined, last);
  if (credential) return credential;
  if (options.pii) {
    const pii = PII_NAMES.get(joined) ?? PII_LAST_WORDS.get(last);
    if (pii) return pii;
  }
  if (options.truncateClientIp && (IP_NAMES.has(joined) || last === 'ip' || joined.endsWith('ipaddress'))) return 'ip';
  return undefined;
}

function credentialByEnding(joined: string, last: string): MaskType | undefined {
  if (last === 'key' && NOT_SECRET_KEYS.has(joined)) return undefined;
  return CREDENTIAL_SUFFIXES.find(([suffix]) => joined.endsWith(suffix))?.[1] ?? CREDENTIAL_LAST_WORDS.get(last);
}
