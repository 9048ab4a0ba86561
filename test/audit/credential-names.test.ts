import { maskPii } from '../../lambdas/audit-transformer/mask';

/**
 * Every credential name the masking tables know, by its usual spelling, masked even with
 * `pii_masking: false` (credentials are masked regardless); every identifier that merely ends
 * in "key" kept. One row per table entry: deleting an entry from lambdas/audit-transformer/
 * mask-names.ts fails its row.
 */
const CREDENTIALS: ReadonlyArray<readonly [string, string]> = [
  ['Authorization', 'authorization'], ['Proxy-Authorization', 'authorization'], ['X-Amzn-Authorization', 'authorization'],
  ['Cookie', 'cookie'], ['cookies', 'cookie'], ['Set-Cookie', 'cookie'],
  ['api_token', 'apiKey'], ['X-Origin-Verify', 'secret'], ['origin-verify', 'secret'],
  ['JSESSIONID', 'secret'], ['PHPSESSID', 'secret'], ['ASP.NET_SessionId', 'secret'], ['connect.sid', 'secret'], ['csrf', 'secret'], ['XSRF', 'secret'],
  // by ending
  ['authToken', 'secret'], ['AWS_SESSION_TOKEN', 'secret'], ['client_secret', 'secret'], ['new_password', 'secret'], ['passwd', 'secret'],
  ['myApiKey', 'apiKey'], ['aws_access_key', 'apiKey'], ['secretKey', 'apiKey'], ['private_key', 'secret'], ['signingKey', 'secret'],
  ['encryption_key', 'secret'], ['master_key', 'secret'],
  // by last word
  ['admin_pwd', 'secret'], ['passphrase', 'secret'], ['passcode', 'secret'], ['db_credential', 'secret'], ['credentials', 'secret'],
  ['X-Hub-Signature', 'secret'], ['license-key', 'apiKey'],
];
const IDENTIFIERS = [
  'routeKey', 'partitionKey', 'sortKey', 'hashKey', 'rangeKey', 'primaryKey', 'foreignKey', 'cacheKey', 'objectKey', 's3Key',
  'bucketKey', 'publicKey', 'idempotencyKey', 'dedupKey', 'deduplicationKey', 'messageKey', 'groupKey', 'lookupKey', 'kmsKey',
];

describe('credential field names are masked whatever pii_masking says', () => {
  it.each(CREDENTIALS)('%s -> [REDACTED:%s]', (name, type) => {
    for (const pii of [true, false]) {
      expect(maskPii({ [name]: 'v4lue-1234567' }, { pii }).value).toEqual({ [name]: `[REDACTED:${type}]` });
    }
  });

  it.each(IDENTIFIERS)('%s is an identifier, kept', (name) => {
    expect(maskPii({ [name]: 'v4lue-1234567' }, { pii: false }).value).toEqual({ [name]: 'v4lue-1234567' });
  });

  it('masks the URL-only credential parameters code and sig, not a JSON field named code', () => {
    expect(maskPii({ url: '/cb?code=abc123XYZ&sig=ff00&state=ok' }, { pii: false }).value).toEqual({ url: '/cb?code=[REDACTED:secret]&sig=[REDACTED:secret]&state=ok' });
    expect(maskPii({ code: 'E_TIMEOUT' }, { pii: false }).value).toEqual({ code: 'E_TIMEOUT' });
  });

  it('keeps the credential text rules with pii_masking off', () => {
    expect(maskPii({ msg: 'Authorization: Bearer abcdefghijklmnopqrstuv123' }, { pii: false }).value).toEqual({ msg: 'Authorization: [REDACTED:authorization]' });
  });
});

describe('edges the masking rules must hold', () => {
  it('truncates every octet value of a client IP field under GDPR, 255 included', () => {
    const truncated = (ip: string) => maskPii({ sourceIp: ip }, { truncateClientIp: true }).value.sourceIp;
    expect(truncated('203.0.113.255')).toBe('203.0.113.0');
    expect(truncated('255.255.255.255')).toBe('255.255.255.0');
    expect(truncated('203.0.113.0')).toBe('203.0.113.0');
    expect(truncated('198.51.100.7, 203.0.113.255')).toBe('198.51.100.0, 203.0.113.0');
    expect(truncated('2001:db8:85a3::8a2e:370:7334')).toBe('2001:db8:85a3::');
  });

  it('masks a whole phone number inside a path, and leaves bare digits in a path alone', () => {
    const path = (p: string) => maskPii({ path: p }).value.path;
    expect(path('/v1/sms/+14155552671/send')).toBe('/v1/sms/[REDACTED:phone]/send');
    expect(path('/v1/sms/+14155552671')).toBe('/v1/sms/[REDACTED:phone]');
    expect(path('/v1/orders/14155552671')).toBe('/v1/orders/14155552671');
  });

  it('passes null and undefined through without throwing', () => {
    expect(maskPii({ a: null, b: [null, undefined], c: { d: null } }).value).toEqual({ a: null, b: [null, undefined], c: { d: null } });
    expect(maskPii(null).value).toBeNull();
  });
});
