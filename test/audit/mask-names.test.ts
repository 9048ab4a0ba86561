import { maskPii, redacted, type MaskType } from '../../lambdas/audit-transformer/mask';

/**
 * Each name is written the way a real log spells it, and chosen so that exactly one entry of
 * mask-names.ts decides it: deleting any entry (or flipping its type) fails a case here.
 */
const CREDENTIAL_NAMES: ReadonlyArray<readonly [string, MaskType]> = [
  // whole names
  ['Authorization', 'authorization'], ['Proxy-Authorization', 'authorization'], ['X-Amzn-Authorization', 'authorization'],
  ['Cookie', 'cookie'], ['cookies', 'cookie'], ['Set-Cookie', 'cookie'],
  ['api_token', 'apiKey'],
  ['X-Origin-Verify', 'secret'], ['origin_verify', 'secret'],
  ['JSESSIONID', 'secret'], ['PHPSESSID', 'secret'], ['ASP.NET_SessionId', 'secret'], ['connect.sid', 'secret'],
  ['_csrf', 'secret'], ['xsrf', 'secret'],
  // joined endings
  ['X-Auth-Token', 'secret'], ['X-CSRF-Token', 'secret'], ['PRIVATE-TOKEN', 'secret'], ['authToken', 'secret'], ['AWS_SESSION_TOKEN', 'secret'],
  ['x-amz-security-token', 'secret'], ['webhooksecret', 'secret'], ['client_secret', 'secret'], ['newpassword', 'secret'], ['db_passwd', 'secret'],
  ['partnerapikey', 'apiKey'], ['x-api-key', 'apiKey'], ['api-key', 'apiKey'], ['API_KEY', 'apiKey'], ['apiKey', 'apiKey'],
  ['awsaccesskey', 'apiKey'], ['stripesecretkey', 'apiKey'], ['sshprivatekey', 'secret'], ['private_key', 'secret'],
  ['jwtsigningkey', 'secret'], ['dataencryptionkey', 'secret'], ['masterkey', 'secret'],
  // last words
  ['admin_pwd', 'secret'], ['ssh_passphrase', 'secret'], ['otp-passcode', 'secret'], ['db_credential', 'secret'], ['aws_credentials', 'secret'],
  ['X-Hub-Signature', 'secret'], ['license-key', 'apiKey'], ['key', 'apiKey'],
];

/** Personal data by name: masked even as bare digits. */
const PII_NAMES: ReadonlyArray<readonly [string, MaskType]> = [
  ['emailAddress', 'email'], ['mail', 'email'], ['billing_email', 'email'],
  ['phoneNumber', 'phone'], ['mobile', 'phone'], ['mobile_number', 'phone'], ['tel', 'phone'], ['telephone', 'phone'], ['fax', 'phone'],
  ['contactPhone', 'phone'], ['sender_msisdn', 'phone'],
  ['socialSecurityNumber', 'ssn'], ['applicant_ssn', 'ssn'],
  ['pan', 'card'], ['cardNumber', 'card'], ['cc_number', 'card'], ['creditCard', 'card'], ['credit_card_number', 'card'],
  ['cvv', 'card'], ['cvv2', 'card'], ['cvc', 'card'], ['cvc2', 'card'], ['csc', 'card'], ['card_security_code', 'card'], ['cardCvv', 'card'], ['card_cvc', 'card'],
  ['cardExpiry', 'card'], ['card_exp', 'card'], ['cardExpiration', 'card'], ['card_expiration_date', 'card'], ['cc_exp', 'card'], ['ccExpiry', 'card'],
  ['exp_month', 'card'], ['exp_year', 'card'],
  ['payout_iban', 'iban'],
];

/** Names ending in the word key that name things, not secrets. */
const NOT_SECRET_KEYS = ['routeKey', 'partitionKey', 'sortKey', 'hashKey', 'rangeKey', 'primaryKey', 'foreignKey', 'cacheKey', 'objectKey',
  's3Key', 'bucketKey', 'publicKey', 'idempotencyKey', 'dedupKey', 'deduplicationKey', 'messageKey', 'groupKey', 'lookupKey', 'kmsKey'];

/** Client IP names (GDPR), each only matched by its own entry or rule. */
const IP_NAMES = ['sourceip', 'clientip', 'remoteaddr', 'remoteaddress', 'remoteip', 'X-Forwarded-For', 'Forwarded', 'forwarded_for', 'X-Real-IP',
  'CF-Connecting-IP', 'True-Client-IP', 'viewerip', 'x-client-ip', 'clientaddress', 'ip', 'viewer_ip', 'sourceIPAddress', 'useripaddress'];

describe('names whose value is masked whole', () => {
  it.each(CREDENTIAL_NAMES)('masks the credential %s as %s, also with personal-data masking off', (name, type) => {
    const input = { detail: { [name]: 'v4lue-0123456789' } };
    expect(maskPii(input).value).toEqual({ detail: { [name]: redacted(type) } });
    expect(maskPii(input, { pii: false }).value).toEqual({ detail: { [name]: redacted(type) } });
  });

  it.each(PII_NAMES)('masks the personal-data field %s as %s, but not with personal-data masking off', (name, type) => {
    expect(maskPii({ [name]: '12345' }).value).toEqual({ [name]: redacted(type) });
    expect(maskPii({ [name]: '12345' }, { pii: false }).value).toEqual({ [name]: '12345' });
  });

  it.each(NOT_SECRET_KEYS)('keeps %s (an identifier whose name ends in key)', (name) => {
    expect(maskPii({ [name]: 'user#42' }).value).toEqual({ [name]: 'user#42' });
  });

  it.each(IP_NAMES)('truncates the client IP in %s under GDPR only', (name) => {
    expect(maskPii({ [name]: '203.0.113.77' }, { truncateClientIp: true }).value).toEqual({ [name]: '203.0.113.0' });
    expect(maskPii({ [name]: '203.0.113.77' }).value).toEqual({ [name]: '203.0.113.77' });
  });

  it('masks OAuth codes and signatures as query parameters, not as JSON fields (a JSON code is an error code)', () => {
    expect(maskPii('/callback?code=SplxlOBeZQQYbYS6WxSbIA&sig=9f8e7d').value).toBe('/callback?code=[REDACTED:secret]&sig=[REDACTED:secret]');
    expect(maskPii({ code: 'ThrottlingException', sig: 'v1' }).value).toEqual({ code: 'ThrottlingException', sig: 'v1' });
  });

  it('treats keys named like Object.prototype members as plain fields', () => {
    const parsed = JSON.parse('{"constructor":"c-1","__proto__":{"email":"a@b.example"},"toString":"t","hasOwnProperty":1}');
    const { value } = maskPii(parsed);
    expect(JSON.stringify(value)).toBe('{"constructor":"c-1","__proto__":{"email":"[REDACTED:email]"},"toString":"t","hasOwnProperty":1}');
    expect(({} as Record<string, unknown>).email).toBeUndefined();
  });
});
