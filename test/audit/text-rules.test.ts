import { maskPii, truncateIp } from '../../lambdas/audit-transformer/mask';
import { TEXT_RULES } from '../../lambdas/audit-transformer/text-rules';

/** One example per rule, with its exact masked form. A new rule without an example fails the first test. */
const CREDENTIAL_EXAMPLES: Readonly<Record<string, readonly [string, string]>> = {
  'private key block': ['key -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC PRIVATE KEY----- loaded', 'key [REDACTED:privateKey] loaded'],
  'named value': ['upstream sent X-Auth-Token: a1b2c3d4', 'upstream sent X-Auth-Token: [REDACTED:secret]'],
  'URL credentials': ['connect postgres://app:S3cr3t@db.internal:5432/app', 'connect postgres://app:[REDACTED:secret]@db.internal:5432/app'],
  'Digest credentials': ['sent Digest username="bob", response="6629fae4"', 'sent Digest [REDACTED:authorization]'],
  'SigV4 credentials': ['sent AWS4-HMAC-SHA256 Credential-Scope SignedHeaders', 'sent AWS4-HMAC-SHA256 Credential-Scope SignedHeaders'],
  'authorization scheme': ['retrying with Bearer 7|AbCdEf0123456789', 'retrying with Bearer [REDACTED:authorization]'],
  JWT: ['got eyJhbGciOi.eyJzdWIiOi.c2ln back', 'got [REDACTED:jwt] back'],
  'API key format': ['key github_pat_11ABCDEFG0123456789_abcdefghij leaked', 'key [REDACTED:apiKey] leaked'],
  'AWS session token': ['env IQoJb3JpZ2luX2VjEHEaCXVzLWVhc3QtMSJHMEUCIQDk3Fh2p8x0123', 'env [REDACTED:secret]'],
  'AWS secret access key': ['secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'secret [REDACTED:secret]'],
};
// SigV4 needs `Credential=`: with it the named-value rule already masks; this one catches the rest.
const SIGV4 = ['AWS4-HMAC-SHA256  Credential=AKIDEXAMPLE/20241128/eu-west-1/s3/aws4_request,SignedHeaders=host,Signature=abc123', 'AWS4-HMAC-SHA256 [REDACTED:authorization]'] as const;

const PII_EXAMPLES: Readonly<Record<string, readonly [string, string]>> = {
  email: ['mail jürgen@bücher.example or "john doe"@x.org', 'mail [REDACTED:email] or [REDACTED:email]'],
  IBAN: ['pay DE89 3704 0044 0532 0130 00 EUR', 'pay [REDACTED:iban] EUR'],
  'card number': ['card 4242 4242 4242 4242 ok', 'card [REDACTED:card] ok'],
  'card expiry and CVV': ['card 4242 4242 4242 4242 12/27 737 ok', 'card [REDACTED:card] [REDACTED:card] ok'],
  'labelled CVV': ['cvv: 737', 'cvv: [REDACTED:card]'],
  SSN: ['ssn 123-45-6789', 'ssn [REDACTED:ssn]'],
  phone: ['call +44 20 7946 0958', 'call [REDACTED:phone]'],
};

describe('text rules', () => {
  it('has an example for every rule, credential and personal data', () => {
    expect(TEXT_RULES.filter((r) => !r.pii).map((r) => r.name).sort()).toEqual(Object.keys(CREDENTIAL_EXAMPLES).sort());
    expect(TEXT_RULES.filter((r) => r.pii).map((r) => r.name).sort()).toEqual(Object.keys(PII_EXAMPLES).sort());
  });

  it.each(Object.entries(CREDENTIAL_EXAMPLES))('applies the credential rule "%s" with personal-data masking off too', (_name, [input, expected]) => {
    expect(maskPii(input, { pii: false }).value).toBe(expected);
    expect(maskPii(input).value).toBe(expected);
  });

  it('masks a SigV4 Authorization value when a named value did not already', () => {
    expect(maskPii(SIGV4[0], { pii: false }).value).toBe(SIGV4[1]);
  });

  it.each(Object.entries(PII_EXAMPLES))('applies the personal-data rule "%s" only when personal-data masking is on', (_name, [input, expected]) => {
    expect(maskPii(input).value).toBe(expected);
    expect(maskPii(input, { pii: false }).value).toBe(input);
  });

  it('masks an E.164 phone in a URL path whole, and a longer digit run not at all', () => {
    expect(maskPii('/v1/sms/+14155552671/send').value).toBe('/v1/sms/[REDACTED:phone]/send');
    expect(maskPii('/v1/sms/+1415555267123456789/send').value).toBe('/v1/sms/+1415555267123456789/send');
  });

  it.each([
    ['203.0.113.255', '203.0.113.0'], ['203.0.113.254', '203.0.113.0'], ['255.255.255.255', '255.255.255.0'], ['203.0.113.256', '203.0.113.256'],
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3::'], ['::ffff:203.0.113.255', '::ffff:203.0.113.0'], ['fe80::1%eth0', 'fe80:0:0::'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0::'], ['1.2.3', '1.2.3'],
  ])('truncates %s to %s', (ip, expected) => {
    expect(truncateIp(ip)).toBe(expected);
    expect(maskPii({ client: { ip } }, { truncateClientIp: true }).value).toEqual({ client: { ip: expected } });
  });

  it('truncates every address of an X-Forwarded-For header line and a bracketed Forwarded value', () => {
    expect(maskPii('X-Forwarded-For: 2001:db8:85a3::8a2e:370:7334, 198.51.100.23\nForwarded: for="[2001:db8::1]:443"', { truncateClientIp: true }).value)
      .toBe('X-Forwarded-For: 2001:db8:85a3::, 198.51.100.0\nForwarded: for="[2001:db8:0::]:443"');
  });

  it('keeps the technical look-alikes the brief names', () => {
    const keep = 'logo@2x.png git@github.com:org/repo.git "invalid token" "missing Authorization header" arn:aws:iam::501812345678:role/x '
      + '1-67484a80-0123456789abcdef01234567 550e8400-e29b-41d4-a716-446655440000 2024-11-28T10:00:00.123Z v2.14.0-rc.1';
    expect(maskPii(keep).value).toBe(keep);
  });
});
