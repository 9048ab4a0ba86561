/**
 * The masking corpus: values that must be masked (positives) and values that must come out
 * byte for byte (negatives), each placed in the fields a real audit record has: access-log JSON
 * fields, URL paths and query strings, request headers, free-text error messages, JSON bodies
 * logged as text, one escaping level down, and URL-encoded. Data only; masking-corpus.test.ts
 * runs it. Test values only: documented test card numbers and IBANs, RFC 5737 / 3849 addresses.
 */
import type { MaskOptions } from '../../lambdas/audit-transformer/mask';

export interface Positive {
  readonly id: string;
  readonly input: unknown;
  /** Substrings of the input that must not appear in the masked output. */
  readonly secrets: readonly string[];
  readonly options?: MaskOptions;
  /** A credential (masked with `pii: false` too), not personal data. */
  readonly credential: boolean;
}

export interface Negative {
  readonly id: string;
  readonly input: unknown;
  readonly options?: MaskOptions;
}

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTQyIiwic2NvcGUiOiJvcmRlcnMifQ.c2lnbmF0dXJlLWJ5dGVzLTEyMzQ';
const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  '-----END RSA PRIVATE KEY-----',
].join('\n');
const PEM_BODY = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun';

/** Values that identify themselves: masked wherever they appear. [id, value, secrets, credential, where] */
type SelfIdentifying = readonly [string, string, readonly string[], boolean, readonly Where[]];
type Where = 'text' | 'path' | 'query' | 'escaped' | 'header' | 'userAgent';
const ANYWHERE: readonly Where[] = ['text', 'path', 'query', 'escaped', 'header', 'userAgent'];
const IN_TEXT: readonly Where[] = ['text', 'escaped', 'header', 'userAgent'];

const SELF_IDENTIFYING: readonly SelfIdentifying[] = [
  // email
  ['plain email', 'jane.doe+billing@example.co.uk', ['jane.doe+billing'], false, ANYWHERE],
  ['short email', 'kim@example.io', ['kim@example'], false, ANYWHERE],
  ['upper-case email', 'Lee.Park@Example.COM', ['Lee.Park'], false, ANYWHERE],
  ['subdomain email', 'ops-team@mail.eu.example.com', ['ops-team@'], false, ANYWHERE],
  ['IDN email', 'jürgen@bücher.example', ['jürgen'], false, ANYWHERE],
  ['Cyrillic email', 'ivan@пример.рф', ['ivan@'], false, ANYWHERE],
  ['CJK email', '用户@例子.广告', ['用户'], false, IN_TEXT],
  ['accented email', 'josé.garcía@correo.es', ['josé.garcía'], false, ANYWHERE],
  ['punycode email', 'info@xn--bcher-kva.example', ['info@xn--bcher'], false, ANYWHERE],
  ['quoted local part', '"john doe"@x.org', ['john doe'], false, IN_TEXT],
  ['quoted local part with a dot', '"j.smith (work)"@example.net', ['j.smith (work)'], false, IN_TEXT],
  // cards
  ['Visa', '4111111111111111', ['4111111111111111'], false, ANYWHERE],
  ['spaced Visa', '4242 4242 4242 4242', ['4242 4242 4242 4242'], false, IN_TEXT],
  ['Visa with expiry and CVV', '4242 4242 4242 4242 12/27 737', ['4242 4242 4242 4242', '12/27', '737'], false, IN_TEXT],
  ['Visa with labelled expiry', '4012888888881881 exp 09/2028', ['4012888888881881', '09/2028'], false, IN_TEXT],
  ['Mastercard', '5555555555554444', ['5555555555554444'], false, ANYWHERE],
  ['dashed Mastercard', '5105-1051-0510-5100', ['5105-1051-0510-5100'], false, ANYWHERE],
  ['2-series Mastercard', '2221000000000009', ['2221000000000009'], false, ANYWHERE],
  ['Amex', '378282246310005', ['378282246310005'], false, ANYWHERE],
  ['grouped Amex', '3714 496353 98431', ['3714 496353 98431'], false, IN_TEXT],
  ['Discover', '6011111111111117', ['6011111111111117'], false, ANYWHERE],
  ['JCB', '3530111333300000', ['3530111333300000'], false, ANYWHERE],
  ['Diners', '30569309025904', ['30569309025904'], false, ANYWHERE],
  ['card after an order number', 'order 12345 card 4000056655665556', ['4000056655665556'], false, IN_TEXT],
  ['labelled CVV', 'cvv 737', ['737'], false, ['text', 'header']],
  // IBAN
  ['German IBAN', 'DE89370400440532013000', ['DE89370400440532013000'], false, ANYWHERE],
  ['spaced German IBAN', 'DE89 3704 0044 0532 0130 00', ['3704 0044 0532 0130'], false, IN_TEXT],
  ['British IBAN', 'GB82WEST12345698765432', ['GB82WEST12345698765432'], false, ANYWHERE],
  ['French IBAN', 'FR1420041010050500013M02606', ['FR1420041010050500013M02606'], false, ANYWHERE],
  ['Dutch IBAN', 'NL91 ABNA 0417 1643 00', ['0417 1643'], false, IN_TEXT],
  ['Spanish IBAN', 'ES9121000418450200051332', ['ES9121000418450200051332'], false, ANYWHERE],
  ['Swiss IBAN', 'CH9300762011623852957', ['CH9300762011623852957'], false, ANYWHERE],
  ['Norwegian IBAN', 'NO9386011117947', ['NO9386011117947'], false, ANYWHERE],
  // SSN, phone
  ['SSN', '123-45-6789', ['123-45-6789'], false, ANYWHERE],
  ['SSN 078', '078-05-1120', ['078-05-1120'], false, ANYWHERE],
  ['E.164 phone', '+14155552671', ['+14155552671', '4155552671'], false, ANYWHERE],
  ['UK phone', '+44 20 7946 0958', ['7946 0958'], false, IN_TEXT],
  ['German phone', '+49 30 901820', ['901820'], false, IN_TEXT],
  ['dashed international phone', '+1-415-555-2671', ['555-2671'], false, ANYWHERE],
  ['NANP phone', '(415) 555-2671', ['555-2671'], false, IN_TEXT],
  ['dotted NANP phone', '415.555.2671', ['415.555.2671'], false, ANYWHERE],
  // credentials by format
  ['JWT', JWT, [JWT.slice(0, 40)], true, ANYWHERE],
  ['Bearer JWT', `Bearer ${JWT}`, [JWT.slice(0, 40)], true, IN_TEXT],
  ['Sanctum bearer', 'Bearer 7|AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', ['AbCdEfGhIjKlMnOp'], true, IN_TEXT],
  ['opaque bearer', 'Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0', ['9f8e7d6c5b4a39281706f5e4d3c2b1a0'], true, IN_TEXT],
  ['Basic credential', 'Basic dXNlcjpwYXNzd29yZA==', ['dXNlcjpwYXNzd29yZA'], true, IN_TEXT],
  ['Digest credential', 'Digest username="bob", realm="api", nonce="dcd98b7102dd2f0e", response="6629fae49393a05397450978507c4ef1"', ['bob', 'dcd98b7102dd2f0e', '6629fae49393a05397450978507c4ef1'], true, ['text', 'header']],
  ['SigV4 credential', 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20241128/eu-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024', ['AKIAIOSFODNN7EXAMPLE', 'fe5f80f77d5fa3beca038a248ff027d0445342fe'], true, ['text', 'header']],
  ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE', ['AKIAIOSFODNN7EXAMPLE'], true, ANYWHERE],
  ['AWS temporary key id', 'ASIAY34FZKBOKMUTVV7A', ['ASIAY34FZKBOKMUTVV7A'], true, ANYWHERE],
  ['AWS key pair in text', 'AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI'], true, IN_TEXT],
  ['AWS secret after the word secret', 'secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ['wJalrXUtnFEMI'], true, IN_TEXT],
  ['AWS session token', 'IQoJb3JpZ2luX2VjEHEaCXVzLWVhc3QtMSJHMEUCIQDk3Fh2p8x+Qm9aZ0xYbW5vcHFyc3R1dnd4eXo0NTY3ODkw', ['IQoJb3JpZ2luX2VjEHEaCXVzLWVhc3Qt'], true, ANYWHERE],
  ['GitHub token', 'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', ['ghp_AbCdEfGhIjKlMnOp'], true, ANYWHERE],
  ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV', ['github_pat_11ABCDEFG'], true, ANYWHERE],
  ['GitLab token', 'glpat-Xy9zAbCdEfGhIjKlMnOp', ['glpat-Xy9zAbCdEf'], true, ANYWHERE],
  ['Slack token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', ['xoxb-123456789012'], true, ANYWHERE],
  ['Stripe secret key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', ['4eC39HqLyjWDarjtT1zdp7dc'], true, ANYWHERE],
  ['Stripe restricted key', 'rk_test_51H8xAbCdEfGhIjKl', ['51H8xAbCdEfGhIjKl'], true, ANYWHERE],
  ['Google API key', 'AIzaSyA-1234567890abcdefghijklmnopqrstu', ['AIzaSyA-1234567890'], true, ANYWHERE],
  ['npm token', 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', ['npm_AbCdEfGhIjKl'], true, ANYWHERE],
  ['SendGrid key', 'SG.AbCdEfGhIjKlMnOpQrStUv.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdEfG', ['SG.AbCdEfGhIjKl'], true, ANYWHERE],
  ['OpenAI key', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123', ['AbCdEfGhIjKlMnOpQrSt'], true, ANYWHERE],
  ['private key block', PEM, [PEM_BODY], true, ['text', 'escaped']],
  ['URL with credentials', 'postgres://app:S3cr3tPass@db.internal.example:5432/app', ['S3cr3tPass'], true, IN_TEXT],
];

/** Names whose value is masked whatever it is. [name, value, credential] */
const NAMED: ReadonlyArray<readonly [string, string, boolean]> = [
  ['X-Auth-Token', 'a1b2c3d4e5f6a7b8', true],
  ['X-CSRF-Token', 'csrfvalueplainletters', true],
  ['PRIVATE-TOKEN', 'plainprivatetokenvalue', true],
  ['authToken', 'Zx9-opaque-77', true],
  ['AWS_SESSION_TOKEN', 'FwoGZXIvYXdzEXAMPLEsessiontoken', true],
  ['x-api-key', 'gk_live_9a8b7c6d5e4f3a2b1c0d', true],
  ['api-key', 'opaquekeyvalueonlyletters', true],
  ['API_KEY', 'k-77-opaque', true],
  ['apiKey', 'apikeyvalue0042', true],
  ['X-Origin-Verify', 'originverifysharedsecret', true],
  ['client_secret', 'clientsecretvalue', true],
  ['password', 'correcthorsebatterystaple', true],
  ['new_password', 'Tr0ub4dor&3', true],
  ['passwd', 'hunter2hunter2', true],
  ['pwd', 'letmein2024', true],
  ['refresh_token', 'rt.opaque.0042', true],
  ['X-Amz-Security-Token', 'FQoGZXIvYXdzEXAMPLE', true],
  ['webhookSecret', 'whsecplainvalue', true],
  ['signing_key', 'signingkeyvalue', true],
  ['ssn', '078051120', false],
  ['phone', '4155552671', false],
  ['customerEmail', 'not-an-address-42', false],
  ['iban', 'DE89370400440532013000', false],
];

const neutral = { requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', status: '400' };

/** One self-identifying value placed in a realistic field. */
function place(where: Where, value: string): unknown {
  switch (where) {
    case 'text': return { ...neutral, errorMessage: `upstream rejected the request for ${value}; retry later` };
    case 'path': return { ...neutral, path: `/v1/accounts/${encodeURIComponent(value)}/orders` };
    case 'query': return { ...neutral, path: `/v1/search?q=${encodeURIComponent(value)}&page=2` };
    case 'escaped': return { ...neutral, message: `body=${JSON.stringify(JSON.stringify({ note: `see ${value}` }))}` };
    case 'header': return { headers: { 'X-Request-Note': `forwarded for ${value}` } };
    case 'userAgent': return { ...neutral, userAgent: `partner-sdk/2.1 (contact ${value})` };
  }
}

/** One named value, in every way a name and its value show up in a log. */
const NAMED_CONTEXTS: ReadonlyArray<readonly [string, (name: string, value: string) => unknown]> = [
  ['JSON field', (n, v) => ({ detail: { [n]: v } })],
  ['request header', (n, v) => ({ headers: { [n]: v } })],
  ['multi-value header', (n, v) => ({ multiValueHeaders: { [n]: [v, `${v}-2`] } })],
  ['header line in a message', (n, v) => ({ message: `request headers: Host: api.example.com\n${n}: ${v}\nAccept: */*` })],
  ['query parameter', (n, v) => ({ path: `/v1/session?${n}=${encodeURIComponent(v)}&page=2` })],
  ['form body', (n, v) => ({ body: `grant_type=password&${n}=${encodeURIComponent(v)}` })],
  ['JSON body in a message', (n, v) => ({ message: `validation failed for ${JSON.stringify({ user: 'u-42', [n]: v })}` })],
  ['escaped JSON body', (n, v) => ({ message: `payload="${JSON.stringify(JSON.stringify({ [n]: v })).slice(1, -1)}" size=88` })],
  ['URL-encoded JSON', (n, v) => ({ path: `/v1/debug?payload=${encodeURIComponent(JSON.stringify({ [n]: v }))}` })],
  ['logfmt', (n, v) => ({ message: `level=warn msg="login failed" ${n}="${v}" user=u-42` })],
];

const fragmentOf = (v: string) => (v.length > 12 ? v.slice(2, -2) : v);

export const POSITIVES: readonly Positive[] = [
  ...SELF_IDENTIFYING.flatMap(([id, value, secrets, credential, wheres]) => wheres.map((where): Positive => ({
    id: `${id} (${where})`,
    input: place(where, value),
    secrets: where === 'path' || where === 'query' ? secrets.map((s) => encodeURIComponent(s)) : where === 'escaped' ? secrets.map((s) => JSON.stringify(s).slice(1, -1)) : secrets,
    credential,
  }))),
  ...NAMED.flatMap(([name, value, credential]) => NAMED_CONTEXTS.map(([context, build]): Positive => ({
    id: `${name} (${context})`, input: build(name, value), secrets: [encodeIfNeeded(context, fragmentOf(value))], credential,
  }))),
  // GDPR: client IPs are truncated in every standard form.
  ...([
    ['IPv4', '203.0.113.77'], ['IPv4 .255', '203.0.113.255'], ['full IPv6', '2001:0db8:85a3:08d3:1319:8a2e:0370:7348'],
    ['compressed IPv6', '2001:db8:85a3::8a2e:370:7334'], ['IPv4-mapped IPv6', '::ffff:203.0.113.77'], ['IPv6 with zone', 'fe80::1ff:fe23:4567:890a%eth0'],
    ['IPv6 loopback-like', '2001:db8::1'], ['IPv4-embedded IPv6', '64:ff9b::203.0.113.77'],
  ] as const).flatMap(([id, ip]) => ([
    ['client.ip', { client: { ip } }],
    ['sourceIPAddress', { detail: { sourceIPAddress: ip } }],
    ['X-Forwarded-For', { headers: { 'X-Forwarded-For': `${ip}, 10.0.0.7` } }],
    ['header line', { message: `X-Forwarded-For: ${ip}` }],
    ['JSON body', { message: `peer ${JSON.stringify({ remote_addr: ip })}` }],
  ] as const).map(([where, input]): Positive => ({
    id: `${id} under GDPR (${where})`, input, secrets: [ip], options: { truncateClientIp: true }, credential: false,
  }))),
];

function encodeIfNeeded(context: string, secret: string): string {
  if (context === 'query parameter' || context === 'form body') return encodeURIComponent(secret);
  if (context === 'URL-encoded JSON') return encodeURIComponent(secret);
  if (context === 'escaped JSON body') return JSON.stringify(secret).slice(1, -1);
  return secret;
}

/** Technical values that look like personal data or credentials, and are neither. */
const LOOK_ALIKES: ReadonlyArray<readonly [string, string]> = [
  ['request id', 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'],
  ['UUID v4', '550e8400-e29b-41d4-a716-446655440000'],
  ['X-Ray trace id', '1-67484a80-0123456789abcdef01234567'],
  ['X-Ray header', 'Root=1-67484a80-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1'],
  ['extended request id', 'CSD5bHdXoAMEL7g='],
  ['CloudFront id', 'SOo-Bs0ZSIOyf9Ztv0QKU9d6BBNzQ3NrbMO5v_2Q0KcIw2dSP4Tdfw=='],
  ['IAM role ARN', 'arn:aws:iam::111111111111:role/gatehouse-dev-authorizer'],
  ['ARN with a Luhn-valid account id', 'arn:aws:iam::501812345678:role/deploy'],
  ['ARN with a Visa-like account id', 'arn:aws:sts::411111111111:assumed-role/ops/session'],
  ['web ACL ARN', 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/gatehouse-dev-origin/abc'],
  ['secret ARN', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/db-AbCdEf'],
  ['ISO timestamp', '2024-11-28T10:00:00.123Z'],
  ['ISO timestamp with offset', '2024-11-28T10:00:00.123+01:00'],
  ['CLF time', '28/Nov/2024:10:00:00 +0000'],
  ['epoch ms', '1732788000000'],
  ['Luhn-valid epoch ms', '1732788000005'],
  ['date', '2024-11-28'],
  ['semantic version', '2.14.0'],
  ['pre-release version', 'v2.14.0-rc.1+build.42'],
  ['four-part version', '1.2.3.4'],
  ['browser user agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36'],
  ['SDK user agent', 'aws-sdk-js/3.1169.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#20.20.2'],
  ['retina image', 'logo@2x.png'],
  ['retina icon', '/static/icons/menu@3x.webp'],
  ['git remote', 'git@github.com:org/repo.git'],
  ['npm package spec', '@aws-sdk/client-s3@3.1169.0'],
  ['docker digest', 'public.ecr.aws/lambda/nodejs@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['git commit', '9fceb02d0ae598e95dc970b74767f19372d61af8'],
  ['SHA-256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['order id', 'ord_000123456789'],
  ['large numeric id', '1861234567890123456'],
  ['Luhn-invalid card-like number', '4111 1111 1111 1112'],
  ['IBAN with a wrong checksum', 'DE00370400440532013000'],
  ['product code', 'AB12 3456 7890 1234'],
  ['amount', 'EUR 1234567.89'],
  ['usage plan key id', 'k2j3h4g5f6'],
  ['API key id', 'ak-0001'],
  ['resource path', '/v1/users/{proxy+}'],
  ['path with ids', '/v1/orders/1234567890/items/42?page=2&limit=50&currency=EUR'],
  ['pagination', '?cursor=2&limit=100&sort=createdAt'],
  ['route key', 'GET /v1/users/{id}'],
  ['TLS cipher', 'TLS_AES_128_GCM_SHA256'],
  ['private IP', '10.0.0.7'],
  ['documentation IP', '203.0.113.77'],
  ['IPv6 address', '2001:db8:85a3::8a2e:370:7334'],
  ['host and port', 'api.example.com:443'],
  ['time of day', '10:00:00'],
  ['duration', 'PT1H30M'],
  ['CSS color', '#1a2b3c'],
  ['status line', 'HTTP/1.1 401 Unauthorized'],
  ['phone-like build number', 'build 2024.11.28.1'],
  ['hex colour list', 'ff0000,00ff00,0000ff'],
  ['Lambda request id line', 'RequestId: 6f1c2b3a-4d5e-6f70-8192-a3b4c5d6e7f8 Duration: 12.34 ms'],
  ['S3 key', 'audit/prod/2024/11/28/10/gatehouse-prod-audit-1-2024-11-28-10-00-00-abc.gz'],
  ['KMS key id', 'mrk-1234abcd12ab34cd56ef1234567890ab'],
  ['CloudWatch event id', '38195664234923481293481293481239481293481293481230001'],
];

/** Messages that talk about tokens and authorization without holding one. */
const MESSAGES: readonly string[] = [
  'invalid token',
  'token expired',
  'Token expired at 2024-11-28T10:00:00Z',
  'missing Authorization header',
  'Authorization header is malformed',
  'The security token included in the request is invalid.',
  'The security token included in the request is expired',
  'Missing Authentication Token',
  'Unauthorized',
  'User is not authorized to access this resource with an explicit deny',
  'Basic authentication required',
  'Bearer token missing',
  'Bearer realm="api", error="invalid_token"',
  "Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): 'abc'.",
  "Authorization header requires 'Credential' parameter.",
  'Failed to refresh token: network timeout',
  'token: expired',
  'password: must be at least 12 characters',
  'api key rotated for consumer demo-free',
  'API key not found',
  'Forbidden: api key disabled',
  'cookie: missing',
  'secret rotation scheduled',
  'Request failed with status code 429',
  'Redis unavailable, failing open',
  'JWKS refreshed: 2 keys',
  'rate limit exceeded for tier free (100 per 60s)',
  'upstream timed out after 29000 ms',
  'consumer acme-partner denied: scope orders:write missing',
  'Email address is not verified',
  'phone number format is invalid',
  'card declined: insufficient funds',
];

/** Fields whose names end like credentials but hold facts, not secrets. */
const FIELDS: Readonly<Record<string, unknown>> = {
  tokenType: 'Bearer',
  tokenUse: 'access',
  token_expires_in: 3600,
  maxTokens: 2048,
  apiKeyId: 'ak-0001',
  usagePlanKeyId: 'k2j3h4g5f6',
  keyId: 'k1',
  routeKey: 'GET /v1/users/{id}',
  partitionKey: 'user#42',
  sortKey: 'order#2024-11-28',
  publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
  cacheKey: 'GET|/v1/users|acme',
  idempotencyKey: 'idem-550e8400',
  passwordPolicy: 'min12-upper-digit',
  passwordChangedAt: '2024-11-28T10:00:00Z',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/db-AbCdEf',
  secretName: 'prod/db',
  emailVerified: true,
  phoneVerified: false,
  hasToken: true,
  authorizationStatus: 200,
  keys: ['k1', 'k2'],
  monkey: 'banana',
  zip: '10115',
  code: 'ThrottlingException',
  status: '401',
  error: 'invalid_token',
  error_description: 'The access token expired',
};

export const NEGATIVES: readonly Negative[] = [
  ...LOOK_ALIKES.flatMap(([id, value]) => [
    { id: `${id} (field)`, input: { detail: { value } } },
    { id: `${id} (message)`, input: { errorMessage: `request ${value} processed in 87 ms` } },
    { id: `${id} (escaped JSON)`, input: { message: `ctx=${JSON.stringify(JSON.stringify({ ref: value }))}` } },
    { id: `${id} (header)`, input: { headers: { 'X-Correlation-Id': value } } },
  ]),
  ...MESSAGES.flatMap((message) => [
    { id: `message "${message}"`, input: { errorMessage: message } },
    { id: `message "${message}" (authorizer log)`, input: { level: 'WARN', message, reason: message } },
  ]),
  ...Object.entries(FIELDS).map(([key, value]) => ({ id: `field ${key}`, input: { detail: { [key]: value } } })),
  ...Object.entries(FIELDS).map(([key, value]) => ({ id: `field ${key} (JSON body)`, input: { message: `ctx ${JSON.stringify({ [key]: value })}` } })),
  // GDPR truncation applies to client IP fields only, never to versions or ids elsewhere.
  { id: 'version under GDPR', input: { detail: { version: '1.2.3.4' } }, options: { truncateClientIp: true } },
  { id: 'zip code under GDPR', input: { detail: { zip: '10115' } }, options: { truncateClientIp: true } },
  { id: 'IP in a message under GDPR', input: { errorMessage: 'connect ECONNREFUSED 10.0.0.7:6379' }, options: { truncateClientIp: true } },
];
