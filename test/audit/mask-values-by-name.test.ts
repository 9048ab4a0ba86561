import { isCardNumber, maskPii } from '../../lambdas/audit-transformer/mask';

/**
 * Values masked for their name (credentials, personal-data fields, client IPs), and numbers masked
 * for their value (a card number logged as a JSON number).
 */
describe('a value under a credential name', () => {
  it('is replaced whole, whatever it is: text, a number, an object', () => {
    const { value, counts } = maskPii({ password: 'hunter2', clientSecret: 1234, token: { value: 'abc', expires: 60 } });
    expect(value).toEqual({ password: '[REDACTED:secret]', clientSecret: '[REDACTED:secret]', token: '[REDACTED:secret]' });
    expect(counts).toEqual({ secret: 3 });
  });

  it('keeps the shape of a multi-value header: each value replaced, each counted', () => {
    const { value, counts } = maskPii({ multiValueHeaders: { authorization: ['Bearer tok-123456789', 'Basic Zm9vOmJhcg=='], 'set-cookie': ['sid=a1b2c3d4'] } });
    expect(value).toEqual({ multiValueHeaders: { authorization: ['[REDACTED:authorization]', '[REDACTED:authorization]'], 'set-cookie': ['[REDACTED:cookie]'] } });
    expect(counts).toEqual({ authorization: 2, cookie: 1 });
  });

  it('keeps the empty, `-`, null and boolean members of a multi-value header and counts only what it replaces', () => {
    const { value, counts } = maskPii({ headers: { Authorization: ['', '-', null, false, 'Bearer tok-123456789', 42] } });
    expect(value).toEqual({ headers: { Authorization: ['', '-', null, false, '[REDACTED:authorization]', '[REDACTED:authorization]'] } });
    expect(counts).toEqual({ authorization: 2 });
  });

  it('keeps an empty or `-` value (nothing was sent, or API Gateway wrote its placeholder)', () => {
    const { value, counts } = maskPii({ headers: { Authorization: '', Cookie: '-', 'x-api-key': '-' } });
    expect(value).toEqual({ headers: { Authorization: '', Cookie: '-', 'x-api-key': '-' } });
    expect(counts).toEqual({});
  });

  it('replaces an array that holds structures as one value', () => {
    for (const password of [[{ value: 'abc123' }, 'def456'], [{ value: 'abc123' }], [['abc123', 'def456']]]) {
      const { value, counts } = maskPii({ password });
      expect(value).toEqual({ password: '[REDACTED:secret]' });
      expect(counts).toEqual({ secret: 1 });
    }
  });
});

describe('a card number logged as a JSON number', () => {
  it('is masked with personal-data masking on, at 12 digits and at 19', () => {
    const { value, counts } = maskPii({ a: 501800000009, b: 4012888888881881, c: 6011000990139424 });
    expect(value).toEqual({ a: '[REDACTED:card]', b: '[REDACTED:card]', c: '[REDACTED:card]' });
    expect(counts).toEqual({ card: 3 });
  });

  it('is kept with personal-data masking off (pii_masking: false)', () => {
    const record = { a: 501800000009, b: 4012888888881881 };
    expect(maskPii(record, { pii: false })).toEqual({ value: record, counts: {} });
  });

  it('leaves every other number: statuses, latencies, epoch times, amounts, Luhn-failing card-like numbers, large ids', () => {
    const record = { status: 200, latency: 87, epochMs: 1732788000000, amount: 1234567.89, notLuhn: 4111111111111112, accountId: 111111111111, neg: -4012888888881881, tiny: 1e-7 };
    expect(maskPii(record)).toEqual({ value: record, counts: {} });
  });

  it('leaves an integer too large to be exact: its digits are not the ones that were logged', () => {
    // Read as a double, the logged digits become 4111111111111117000: Luhn-valid, a Visa length, not what was logged.
    const unsafe = 4111111111111117000;
    expect(Number.isSafeInteger(unsafe)).toBe(false);
    expect(isCardNumber(String(unsafe))).toBe(true);
    expect(maskPii({ n: unsafe }).value).toEqual({ n: unsafe });
  });
});

describe('a client IP field (truncateClientIp)', () => {
  const gdpr = { truncateClientIp: true };

  it('truncates an address given as text, each address of a list, and counts them', () => {
    expect(maskPii({ sourceIp: '203.0.113.77', xForwardedFor: ['198.51.100.23, 10.0.0.7', '2001:db8:85a3::8a2e:370:7334'] }, gdpr)).toEqual({
      value: { sourceIp: '203.0.113.0', xForwardedFor: ['198.51.100.0, 10.0.0.0', '2001:db8:85a3::'] }, counts: { ip: 4 },
    });
  });

  it('leaves a client IP field that holds no text (a number, an empty object)', () => {
    const record = { sourceIp: 3405803853, clientIp: {}, remoteAddr: 0 };
    expect(maskPii(record, gdpr)).toEqual({ value: record, counts: {} });
  });

  it('masks what an IP field holds by value when it holds a structure', () => {
    expect(maskPii({ clientIp: { note: 'kim@example.io' } }, gdpr).value).toEqual({ clientIp: { note: '[REDACTED:email]' } });
  });
});
