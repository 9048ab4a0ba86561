import { createHash } from 'node:crypto';
import { maskPii } from '../../lambdas/audit-transformer/mask';
import { readSettings } from '../../lambdas/audit-transformer/settings';
import { RESPONSE_BUDGET_BYTES, transformRecords } from '../../lambdas/audit-transformer/transform';
import { accessLogLine, CONTROL_MESSAGE_DATA, event, firehoseRecord, subscriptionData } from './fixtures';

const GDPR = readSettings({ GATEHOUSE_TRUNCATE_CLIENT_IP: 'true', GATEHOUSE_ENVIRONMENT: 'prod' });
const decodeLines = (data: string) => Buffer.from(data, 'base64').toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l));

describe('transformRecords (Firehose data transformation)', () => {
  const pii = accessLogLine({
    path: '/v1/users/jane%40example.org',
    errorMessage: 'card 4111 1111 1111 1111 rejected for jane@example.org',
    userAgent: 'curl/8.5 Authorization: Bearer abcdefghijklmnop',
  });
  const authorizerLine = JSON.stringify({
    level: 'INFO', message: 'allowed', service: 'gatehouse-authorizer', requestId: 'r-1', consumer: 'acme', tier: 'pro',
    headers: { authorization: 'Bearer abcdefghijklmnop', 'x-forwarded-for': '203.0.113.9' },
  });

  it('turns each subscription payload into masked newline-delimited audit records', () => {
    // Prepare
    const records = [firehoseRecord('r1', subscriptionData([event(1, pii), event(2, accessLogLine())])), firehoseRecord('r2', subscriptionData([event(3, authorizerLine)], '/aws/lambda/gatehouse-prod-authorizer'))];
    // Act
    const outcome = transformRecords(records, GDPR);
    // Assess
    expect(outcome.records.map((r) => [r.recordId, r.result])).toEqual([['r1', 'Ok'], ['r2', 'Ok']]);
    const [first, second] = decodeLines(outcome.records[0].data!);
    expect(first).toMatchObject({ kind: 'access', environment: 'prod', http: { path: '/v1/users/[REDACTED:email]', status: 200 }, client: { ip: '203.0.113.0' } });
    expect(second.requestId).toBe('c6af9ac6-7b61-11e6-9a41-93e8deadbeef');
    const all = outcome.records.map((r) => Buffer.from(r.data!, 'base64').toString()).join('');
    for (const leak of ['jane', '4111 1111', 'abcdefghijklmnop', '203.0.113.77', '203.0.113.9']) expect(all).not.toContain(leak);
    expect(decodeLines(outcome.records[1].data!)[0]).toMatchObject({ kind: 'authorizer', consumer: 'acme', detail: { headers: { authorization: '[REDACTED:authorization]', 'x-forwarded-for': '203.0.113.0' } } });
    expect(outcome.masked).toEqual({ email: 2, card: 1, authorization: 2, ip: 3 });
    expect(outcome.stats).toEqual({ ok: 2, dropped: 0, failed: 0, requeued: 0, auditRecords: 3, failedEvents: 0 });
  });

  it('drops the CONTROL_MESSAGE and payloads with only platform lines', () => {
    const outcome = transformRecords([
      firehoseRecord('c', CONTROL_MESSAGE_DATA),
      firehoseRecord('p', subscriptionData([event(1, 'START RequestId: 1 Version: $LATEST')])),
    ], GDPR);
    expect(outcome.records).toEqual([{ recordId: 'c', result: 'Dropped' }, { recordId: 'p', result: 'Dropped' }]);
  });

  it('answers a record that is not a subscription payload with a stub that holds facts about it, never its data', () => {
    const garbage = Buffer.from('not gzip: jane@example.org').toString('base64');
    const outcome = transformRecords([firehoseRecord('bad', garbage), firehoseRecord('good', subscriptionData([event(1, accessLogLine())]))], GDPR);
    expect(outcome.records[0].result).toBe('Ok');
    expect(decodeLines(outcome.records[0].data!)).toEqual([{
      gatehouse_failed_record: {
        reason: 'not-gzip',
        description: 'record data is not gzip-compressed (expected a CloudWatch Logs subscription payload)',
        recordId: 'bad',
        bytes: 26,
        sha256: createHash('sha256').update('not gzip: jane@example.org').digest('hex'),
        receivedAt: '2024-11-28T10:00:01.000Z',
      },
    }]);
    expect(outcome.records[1].result).toBe('Ok');
    expect(outcome.failures).toEqual([{ recordId: 'bad', reason: 'not-gzip' }]);
    expect(outcome.stats).toMatchObject({ ok: 1, failed: 1 });
  });

  it('never answers ProcessingFailed: Firehose would write the original, unmasked record to the error prefix', () => {
    const records = [firehoseRecord('a', Buffer.from('x').toString('base64')), firehoseRecord('b', subscriptionData([event(1, '{"deep":'.repeat(3000))]))];
    expect(transformRecords(records, GDPR).records.map((r) => r.result)).toEqual(['Ok', 'Ok']);
  });

  it('keeps the answer within the response budget, counting every entry, and lists what did not fit for re-ingestion', () => {
    const big = Array.from({ length: 400 }, (_, i) => event(i, accessLogLine({ userAgent: `agent-${i}-${'x'.repeat(4000)}` })));
    const records = [...Array.from({ length: 6 }, (_, i) => firehoseRecord(`r${i}`, subscriptionData(big))), firehoseRecord('junk', Buffer.from('junk').toString('base64'))];
    const outcome = transformRecords(records, GDPR);
    expect(Buffer.byteLength(JSON.stringify({ records: outcome.records }))).toBeLessThanOrEqual(RESPONSE_BUDGET_BYTES);
    expect(outcome.records.map((r) => r.recordId)).toEqual(records.map((r) => r.recordId));
    const ok = outcome.records.filter((r) => r.result === 'Ok' && !Buffer.from(r.data!, 'base64').toString().includes('gatehouse_failed_record'));
    expect(ok.length).toBeGreaterThan(0);
    expect(outcome.requeue.map((r) => r.recordId)).toEqual(records.slice(ok.length, 6).map((r) => r.recordId));
    expect(outcome.requeue.every((r) => r.data === records.find((x) => x.recordId === r.recordId)!.data)).toBe(true);
    expect(outcome.failures.at(-1)).toEqual({ recordId: 'junk', reason: 'not-gzip' });
  });

  it('reads settings with safe defaults: mask personal data, keep IPs', () => {
    expect(readSettings({})).toEqual({ mask: { pii: true, truncateClientIp: false, apiKeyHeader: 'x-api-key' }, environment: undefined });
    expect(readSettings({ GATEHOUSE_PII_MASKING: 'false', GATEHOUSE_API_KEY_HEADER: 'X-Acme-Key' }).mask).toEqual({ pii: false, truncateClientIp: false, apiKeyHeader: 'X-Acme-Key' });
    expect(maskPii({ ip: '203.0.113.7' }, readSettings({}).mask).value).toEqual({ ip: '203.0.113.7' });
  });
});
