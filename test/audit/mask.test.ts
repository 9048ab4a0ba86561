import { isCardNumber, luhnValid, maskPii, redacted, truncateIp, type MaskType } from '../../lambdas/audit-transformer/mask';

/** [what, input, secrets that must not survive, type that must be counted] */
type Case = [string, unknown, string[], MaskType];

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTQyIiwiZW1haWwiOiJqYW5lQGV4YW1wbGUuY29tIn0.c2lnbmF0dXJlLWJ5dGVz';

/** Every category, in free text, nested JSON, headers, query strings and URL paths. */
const LEAKS: Case[] = [
  ['an email in text', 'contact jane.doe+billing@example.co.uk today', ['jane.doe+billing@example.co.uk'], 'email'],
  ['a URL-encoded email in a path', '/v1/users/jane%40example.org/orders', ['jane%40example.org'], 'email'],
  ['an email in a query string', '/v1/search?q=bob@example.com&page=2', ['bob@example.com'], 'email'],
  ['a Visa number in a path', '/v1/cards/4111111111111111/charges', ['4111111111111111'], 'card'],
  ['a spaced Mastercard in text', 'paid with 5555 5555 5555 4444 yesterday', ['5555 5555 5555 4444'], 'card'],
  ['a dashed Amex number', 'card=3782-822463-10005', ['3782-822463-10005'], 'card'],
  ['a card number as a JSON number', { payment: { number: 4012888888881881 } }, ['4012888888881881'], 'card'],
  ['a 2-series Mastercard', { body: '{"pan":"2221000000000009"}' }, ['2221000000000009'], 'card'],
  ['an SSN in text', 'applicant ssn 123-45-6789 verified', ['123-45-6789'], 'ssn'],
  ['an SSN field as bare digits', { applicant: { ssn: '123456789' } }, ['123456789'], 'ssn'],
  ['an E.164 phone in a path', '/v1/sms/+14155552671/send', ['+14155552671'], 'phone'],
  ['a formatted international phone', 'call +44 20 7946 0958', ['+44 20 7946 0958'], 'phone'],
  ['a North American phone', 'callback (415) 555-2671 or 415.555.2671', ['(415) 555-2671', '415.555.2671'], 'phone'],
  ['a phone field as bare digits', { contact: { mobile: 4155552671 } }, ['4155552671'], 'phone'],
  ['a JWT in text', `token was ${JWT}`, [JWT], 'jwt'],
  ['a JWT in an id_token query parameter', `/callback?id_token=${JWT}&state=abc`, [JWT], 'secret'],
  ['a bearer token in an Authorization header', { headers: { Authorization: `Bearer ${JWT}` } }, [JWT, 'Bearer ey'], 'authorization'],
  ['a Basic credential in text', 'upstream said Authorization: Basic dXNlcjpwYXNzd29yZA==', ['dXNlcjpwYXNzd29yZA=='], 'authorization'],
  ['a bearer token in free text', 'retrying with bearer abcdef0123456789abcdef', ['abcdef0123456789abcdef'], 'authorization'],
  ['multi-value Authorization headers', { multiValueHeaders: { authorization: ['Bearer tok-123456789', 'Basic Zm9vOmJhcg=='] } }, ['tok-123456789', 'Zm9vOmJhcg=='], 'authorization'],
  ['a Cookie header', { headers: { Cookie: 'session=9f8e7d6c5b4a; theme=dark' } }, ['9f8e7d6c5b4a'], 'cookie'],
  ['Set-Cookie values', { headers: { 'Set-Cookie': ['sid=s3cr3tSess10n; HttpOnly', 'csrf=abcd1234'] } }, ['s3cr3tSess10n', 'abcd1234'], 'cookie'],
  ['a Cookie line in text', 'request headers: Cookie: sid=opaque-value-123', ['opaque-value-123'], 'cookie'],
  ['parsed cookies', { cookies: { sid: 'opaque-value-456' } }, ['opaque-value-456'], 'cookie'],
  ['the x-api-key header', { headers: { 'x-api-key': 'gk_live_9a8b7c6d5e4f3a2b1c0d' } }, ['gk_live_9a8b7c6d5e4f3a2b1c0d'], 'apiKey'],
  ['an api_key query parameter', '/v1/plans?api_key=9a8b7c6d5e4f3a2b&currency=EUR', ['9a8b7c6d5e4f3a2b'], 'apiKey'],
  ['an api key in text', 'rejected api_key: 9a8b7c6d5e4f3a2b1c0d', ['9a8b7c6d5e4f3a2b1c0d'], 'apiKey'],
  ['an AWS access key id', 'creds AKIAIOSFODNN7EXAMPLE leaked', ['AKIAIOSFODNN7EXAMPLE'], 'apiKey'],
  ['a Stripe-style secret key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'], 'apiKey'],
  ['a password field deep in JSON', { a: { b: [{ c: { password: 'hunter2!' } }] } }, ['hunter2!'], 'secret'],
  ['PII inside a JSON string', { body: '{"user":{"email":"kim@example.net","phone":"4155552671","card":"5105105105105100"}}' },
    ['kim@example.net', '4155552671', '5105105105105100'], 'email'],
  ['PII in a JSON fragment inside text', 'validation failed for {"email":"lee@example.io","ssn":"078051120"}', ['lee@example.io', '078051120'], 'email'],
];

/** Values that look numeric or structured but are not personal data. */
const KEEP: Record<string, unknown> = {
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  uuid: '550e8400-e29b-41d4-a716-446655440000',
  traceId: '1-67484a80-0123456789abcdef01234567',
  extendedRequestId: 'CSD5bHdXoAMEL7g=',
  epochMs: 1732788000000,
  epochMsString: '1732788000000',
  epochSeconds: 1732788000,
  isoTime: '2024-11-28T10:00:00.123+01:00',
  clfTime: '28/Nov/2024:10:00:00 +0000',
  date: '2024-11-28',
  status: '200',
  latency: 87,
  amount: 1234567.89,
  accountId: '111111111111',
  orderId: 'ord_000123456789',
  numericId: 9876543210123,
  luhnValidTimestamp: '1732788000005',
  version: '1.2.3.4',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.0.0',
  path: '/v1/orders/1234567890/items/42?page=2&limit=50&currency=EUR',
  resourcePath: '/v1/users/{proxy+}',
  arn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/gatehouse-dev/abc',
  usagePlanKeyId: 'k2j3h4g5f6',
  apiKeyId: 'ak-0001',
  tokenType: 'Bearer',
  route: 'api-v2-users',
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ip: '203.0.113.77',
  npmScope: 'node_modules/@aws-sdk/client-s3',
};

describe('maskPii', () => {
  it.each(LEAKS)('masks %s', (_what, input, secrets, type) => {
    // Act
    const { value, counts } = maskPii(input);
    // Assess
    const out = JSON.stringify(value);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED:');
    expect(counts[type]).toBeGreaterThanOrEqual(1);
  });

  it('leaves ids, UUIDs, trace ids, timestamps, dates, amounts and plain numbers untouched', () => {
    const { value, counts } = maskPii(KEEP);
    expect(value).toEqual(KEEP);
    expect(counts).toEqual({});
  });

  it('does not change the input object', () => {
    const input = { headers: { Authorization: 'Bearer abcdefghijkl' } };
    maskPii(input);
    expect(input.headers.Authorization).toBe('Bearer abcdefghijkl');
  });

  it('replaces a masked value with its type, so readers know what was there', () => {
    expect(maskPii({ email: 'a@b.example', note: 'mail a@b.example' }).value).toEqual({ email: redacted('email'), note: `mail ${redacted('email')}` });
    expect(maskPii('Authorization: Bearer abcdefghijkl').value).toBe('Authorization: [REDACTED:authorization]');
  });

  it('counts every masked value by type', () => {
    const { counts } = maskPii({ a: 'x@y.example and z@y.example', h: { cookie: 'a=1' }, card: '4111 1111 1111 1111' });
    expect(counts).toEqual({ email: 2, cookie: 1, card: 1 });
  });

  it('masks the configured API key header like x-api-key', () => {
    const { value } = maskPii({ headers: { 'X-Acme-Key': 'acme-secret-123', 'X-Other': 'visible' } }, { apiKeyHeader: 'X-Acme-Key' });
    expect(value).toEqual({ headers: { 'X-Acme-Key': '[REDACTED:apiKey]', 'X-Other': 'visible' } });
  });

  describe('client IPs', () => {
    const record = { client: { ip: '203.0.113.77' }, headers: { 'X-Forwarded-For': '198.51.100.23, 10.0.0.7' }, v6: { sourceIp: '2001:db8:85a3:8d3:1319:8a2e:370:7348' } };

    it('keeps them when GDPR truncation is off', () => {
      expect(maskPii(record).value).toEqual(record);
    });

    it('truncates IPv4 to /24 and IPv6 to /48 in IP fields and X-Forwarded-For when truncateClientIp', () => {
      const { value, counts } = maskPii(record, { truncateClientIp: true });
      expect(value).toEqual({ client: { ip: '203.0.113.0' }, headers: { 'X-Forwarded-For': '198.51.100.0, 10.0.0.0' }, v6: { sourceIp: '2001:db8:85a3::' } });
      expect(counts).toEqual({ ip: 4 });
    });

    it('truncates an IP inside a JSON fragment of a message', () => {
      expect(maskPii('got {"sourceIp":"203.0.113.77"}', { truncateClientIp: true }).value).toBe('got {"sourceIp":"203.0.113.0"}');
    });
  });

  it('with pii off still masks credentials but keeps personal data (audit.pii_masking: false)', () => {
    const { value } = maskPii({ email: 'a@b.example', headers: { authorization: 'Bearer abcdefghijkl' }, text: `jwt ${JWT}` }, { pii: false });
    expect(value).toEqual({ email: 'a@b.example', headers: { authorization: '[REDACTED:authorization]' }, text: '[REDACTED:jwt]'.replace(/^/, 'jwt ') });
  });
});

describe('card numbers', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '3530111333300000', '30569309025904', '4222222222222'])(
    'recognises the test card %s', (pan) => expect(isCardNumber(pan)).toBe(true));

  it.each([
    ['a Luhn-invalid Visa', '4111111111111112'],
    ['an epoch-millisecond timestamp that passes Luhn', '1732788000005'],
    ['an unknown prefix', '9999999999999995'],
    ['a Visa prefix with a wrong length', '41111111111111'],
  ])('rejects %s', (_what, digits) => expect(isCardNumber(digits)).toBe(false));

  it('implements the Luhn checksum', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('1732788000005')).toBe(true);
  });
});

describe('truncateIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:0db8:0000::1', '2001:db8:0::'],
    ['::1', '0:0:0::'],
    ['999.1.1.1', '999.1.1.1'],
    ['not-an-ip', 'not-an-ip'],
  ])('%s -> %s', (ip, expected) => expect(truncateIp(ip)).toBe(expected));
});

describe('performance', () => {
  it('masks a 200 KB line without catastrophic backtracking (well under a Lambda budget)', () => {
    const line = `${'x'.repeat(100_000)} ${'1'.repeat(50_000)} ${'a.b-'.repeat(12_000)}@`;
    const started = process.hrtime.bigint();
    maskPii({ userAgent: line });
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });
});
