/**
 * A deterministic batch that goes through every path of the transformer: access lines with each
 * value below in the fields that carry text, authorizer and application lines (JSON,
 * Lambda's tab format, plain text, platform lines), odd timestamps, keys such as `__proto__`,
 * a CONTROL_MESSAGE and a record that is not gzip. Data only; transform-golden.test.ts runs it.
 */
import type { FirehoseTransformationEventRecord } from 'aws-lambda';
import { accessLogLine, CONTROL_MESSAGE_DATA, firehoseRecord, subscriptionData, type PayloadEvent } from './fixtures';

/**
 * Values to mask and look-alikes to keep, fixed here (not taken from the corpus, which grows):
 * the pinned answer must change only when the transformer does.
 */
const VALUES: readonly string[] = [
  'jane.doe+billing@example.co.uk', 'jürgen@bücher.example', '"john doe"@x.org', 'kim%40example.io', 'logo@2x.png', 'git@github.com:org/repo.git',
  '4111111111111111', '4242 4242 4242 4242 12/27 737', '5105-1051-0510-5100', '3714 496353 98431', '4111 1111 1111 1112', 'cvv: 737',
  'DE89370400440532013000', 'DE89 3704 0044 0532 0130 00', 'DE00370400440532013000', 'AB12 3456 7890 1234',
  '123-45-6789', '+14155552671', '+44 20 7946 0958', '(415) 555-2671', '415.555.2671', 'build 2024.11.28.1',
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1LTQyIn0.c2lnbmF0dXJl', 'Bearer 7|AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'Basic dXNlcjpwYXNzd29yZA==',
  'Basic authentication required', 'Digest username="bob", realm="api", nonce="dcd98b7102dd2f0e", response="6629fae4"',
  'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20241128/eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature=fe5f80f7',
  'AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'IQoJb3JpZ2luX2VjEHEaCXVzLWVhc3QtMSJHMEUCIQDk3Fh2p8x+Qm9aZ0xYbW5vcHFyc3R1dnd4eXo0NTY3ODkw',
  'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123', 'postgres://app:S3cr3tPass@db.internal.example:5432/app',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----',
  'X-Auth-Token: a1b2c3d4e5f6a7b8', 'request headers: Host: api.example.com\nCookie: sid=opaque-value-123\nAccept: */*',
  '/v1/session?api-key=opaquekeyvalue&page=2', 'grant_type=password&password=correct%20horse', 'level=warn msg="login failed" password="hunter2" user=u-42',
  'validation failed for {"user":"u-42","email":"kim@example.net","card":"5105105105105100"}', 'payload="{\\"token\\":\\"t-0042\\"}" size=88',
  '/v1/debug?payload=%7B%22password%22%3A%22p-1%22%7D', 'X-Forwarded-For: 203.0.113.77, 2001:db8::1', 'token: expired', 'invalid token',
  'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', '1-67484a80-0123456789abcdef01234567', 'CSD5bHdXoAMEL7g=', 'arn:aws:iam::501812345678:role/deploy',
  'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/gatehouse-dev-origin/abc', '2024-11-28T10:00:00.123+01:00', '28/Nov/2024:10:00:00 +0000',
  '1732788000005', 'v2.14.0-rc.1+build.42', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'ord_000123456789', '/v1/users/{proxy+}', '${var} {{tpl}} {}',
  '2001:db8:85a3::8a2e:370:7334', '::ffff:203.0.113.77', '10.0.0.7', 'api.example.com:443', '38195664234923481293481293481239481293481293481230001',
  '{"a":{"b":{"c":{"password":"deep"}}}}', '[4111111111111111, "kim@example.io"]', '{"toString":1,"__proto__":{"email":"a@b.io"}}', '-', '', 'null',
];

/** Every value bare, and each inside a JSON body and a sentence. */
function batchTexts(): string[] {
  return VALUES.flatMap((v) => [v, JSON.stringify({ note: v, email: v }), `upstream rejected ${v}; retry`]);
}

const TIMESTAMPS = [1732788000000, 1732788000999, 1732788001000, 0, -1, 1.5, 8.64e15, 1e20, -1e20, 253402300800000];

function message(i: number, text: string, corpus: readonly string[]): string {
  const other = corpus[(i * 7) % corpus.length];
  switch (i % 9) {
    case 0: return accessLogLine({ path: `/v1/items/${encodeURIComponent(text)}`, errorMessage: text, userAgent: `sdk/1.0 (${other})` });
    case 1: return accessLogLine({ ip: i % 2 ? '2001:db8:85a3::8a2e:370:7334' : `203.0.113.${i % 256}`, consumer: text, status: '401', denyReason: other });
    case 2: return JSON.stringify({ level: 'INFO', message: text, service: 'gatehouse-authorizer', requestId: `r-${i}`, headers: { authorization: other, 'x-forwarded-for': '198.51.100.7, 10.0.0.1' } });
    case 3: return JSON.stringify({ level: 'ERROR', message: { detail: text }, error: { name: 'TypeError', message: other }, __proto__x: 1, ['__proto__']: { note: text } });
    case 4: return `2024-11-28T10:00:00.000Z\tr-${i}\tWARN\t${JSON.stringify({ msg: text, body: JSON.stringify({ password: other, note: text }) })}`;
    case 5: return `upstream said: ${text} / ${other}`;
    case 6: return i % 2 ? 'START RequestId: 6f1c Version: $LATEST' : JSON.stringify({ type: 'platform.report', record: { requestId: 'x' } });
    case 7: return JSON.stringify(JSON.parse(accessLogLine({ requestId: text })), (k, v) => (k === 'tenant' ? { nested: [text, 1, {}] } : v));
    default: return JSON.stringify({ time: 't', tenant: text, extra: { a: {}, b: [other], c: null }, 0: text, error: 404 });
  }
}

/** Records of 50 events each (about 700 events), then a CONTROL_MESSAGE and a record that is not a subscription payload. */
export function goldenBatch(): FirehoseTransformationEventRecord[] {
  const corpus = batchTexts();
  // Each text in three of the nine message shapes.
  const events: PayloadEvent[] = corpus.flatMap((text) => [text, text, text]).map((text, i) => ({
    id: `3819566423492348129348129348123948129348129348123${String(i).padStart(5, '0')}`,
    timestamp: i % 11 === 10 ? TIMESTAMPS[(i / 11) % TIMESTAMPS.length | 0] : 1732788000000 + i * 37,
    message: message(i, text, corpus),
  }));
  const records: FirehoseTransformationEventRecord[] = [];
  for (let i = 0; i < events.length; i += 50) records.push(firehoseRecord(`golden-${i / 50}`, subscriptionData(events.slice(i, i + 50))));
  records.push(firehoseRecord('control', CONTROL_MESSAGE_DATA), firehoseRecord('junk', Buffer.from('not gzip').toString('base64')));
  return records;
}
