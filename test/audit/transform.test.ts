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
    expect(outcome.stats).toEqual({ ok: 2, dropped: 0, failed: 0, auditRecords: 3 });
  });

  it('drops the CONTROL_MESSAGE and payloads with only platform lines', () => {
    const outcome = transformRecords([
      firehoseRecord('c', CONTROL_MESSAGE_DATA),
      firehoseRecord('p', subscriptionData([event(1, 'START RequestId: 1 Version: $LATEST')])),
    ], GDPR);
    expect(outcome.records).toEqual([{ recordId: 'c', result: 'Dropped' }, { recordId: 'p', result: 'Dropped' }]);
  });

  it('fails a record that is not a subscription payload, keeping its original data for the error prefix', () => {
    const garbage = Buffer.from('not gzip').toString('base64');
    const outcome = transformRecords([firehoseRecord('bad', garbage), firehoseRecord('good', subscriptionData([event(1, accessLogLine())]))], GDPR);
    expect(outcome.records[0]).toEqual({ recordId: 'bad', result: 'ProcessingFailed', data: garbage });
    expect(outcome.records[1].result).toBe('Ok');
    expect(outcome.failures).toEqual([{ recordId: 'bad', reason: 'record data is not gzip-compressed (expected a CloudWatch Logs subscription payload)' }]);
  });

  it('fails records beyond the 6 MB response budget instead of failing the whole batch', () => {
    const big = Array.from({ length: 400 }, (_, i) => event(i, accessLogLine({ userAgent: 'x'.repeat(4000) })));
    const records = Array.from({ length: 6 }, (_, i) => firehoseRecord(`r${i}`, subscriptionData(big)));
    const outcome = transformRecords(records, GDPR);
    const okBytes = outcome.records.filter((r) => r.result === 'Ok').reduce((n, r) => n + r.data!.length, 0);
    expect(okBytes).toBeLessThanOrEqual(RESPONSE_BUDGET_BYTES);
    expect(outcome.stats.failed).toBeGreaterThan(0);
    expect(outcome.records.filter((r) => r.result === 'ProcessingFailed').every((r) => r.data === records.find((x) => x.recordId === r.recordId)!.data)).toBe(true);
  });

  it('reads settings with safe defaults: mask personal data, keep IPs', () => {
    expect(readSettings({})).toEqual({ mask: { pii: true, truncateClientIp: false, apiKeyHeader: 'x-api-key' }, environment: undefined });
    expect(readSettings({ GATEHOUSE_PII_MASKING: 'false', GATEHOUSE_API_KEY_HEADER: 'X-Acme-Key' }).mask).toEqual({ pii: false, truncateClientIp: false, apiKeyHeader: 'X-Acme-Key' });
    expect(maskPii({ ip: '203.0.113.7' }, readSettings({}).mask).value).toEqual({ ip: '203.0.113.7' });
  });
});
