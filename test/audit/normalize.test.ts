import { normalizeLogEvent } from '../../lambdas/audit-transformer/normalize';
import { accessLogLine, ACCESS_LOG_GROUP, event } from './fixtures';

const ctx = { logGroup: ACCESS_LOG_GROUP, logStream: 'stream-1', environment: 'dev' };

describe('normalizeLogEvent', () => {
  it('maps an API Gateway access log line to the audit schema, dropping "-" values', () => {
    const record = normalizeLogEvent(event(1, accessLogLine({ status: '429', denyReason: 'rate_limited', authorizerError: '-' })), ctx);
    expect(record).toEqual({
      schemaVersion: 1,
      kind: 'access',
      time: '2024-11-28T10:00:00.001Z',
      environment: 'dev',
      source: { logGroup: ACCESS_LOG_GROUP, logStream: 'stream-1', eventId: expect.any(String) },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      traceId: '1-67484a80-0123456789abcdef01234567',
      consumer: 'acme-partner', tenant: 'acme', tier: 'pro', route: 'api-v1-users', canary: 'false',
      http: {
        method: 'GET', path: '/v1/users/42', resourcePath: '/v1/users/{proxy+}', status: 429, protocol: 'HTTP/1.1',
        domain: 'api.example.com', userAgent: 'partner-sdk/2.1 (+https://partner.example)', responseBytes: 512,
      },
      latencyMs: { total: 87, authorizer: 14, integration: 61 },
      authorizer: { status: 200, reason: 'rate_limited' },
      integration: { status: 200 },
      waf: { responseCode: 'WAF_ALLOW', webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/gatehouse-dev-origin/abc' },
      tls: { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
      client: { ip: '203.0.113.77', usagePlanKeyId: 'k2j3h4g5f6' },
      detail: { extendedRequestId: 'CSD5bHdXoAMEL7g=' },
    });
  });

  it('maps a Powertools authorizer log line, keeping unknown fields in detail', () => {
    const line = JSON.stringify({
      level: 'WARN', message: 'denied', timestamp: '2024-11-28T10:00:00.010Z', service: 'gatehouse-authorizer',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', xray_trace_id: '1-67484a80-0123456789abcdef01234567',
      consumer: 'acme-partner', tier: 'free', decision: 'Deny', reason: 'scope_missing', function_request_id: 'f-1', cold_start: false,
    });
    expect(normalizeLogEvent(event(2, line), ctx)).toMatchObject({
      kind: 'authorizer', requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', traceId: '1-67484a80-0123456789abcdef01234567',
      consumer: 'acme-partner', tier: 'free', authorizer: { decision: 'Deny', reason: 'scope_missing' },
      log: { level: 'WARN', message: 'denied' },
      detail: { service: 'gatehouse-authorizer', function_request_id: 'f-1', cold_start: false },
    });
  });

  it('keeps a plain text line as an application record', () => {
    expect(normalizeLogEvent(event(3, 'Redis unavailable, failing open\n'), ctx)).toMatchObject({ kind: 'application', log: { message: 'Redis unavailable, failing open' } });
  });

  it.each([
    ['a JSON platform event', JSON.stringify({ time: '2024-11-28T10:00:00.000Z', type: 'platform.report', record: { requestId: 'x' } })],
    ['a text START line', 'START RequestId: 6f1c Version: $LATEST'],
    ['a text REPORT line', 'REPORT RequestId: 6f1c\tDuration: 12.3 ms'],
  ])('drops %s (not audit material)', (_what, message) => {
    expect(normalizeLogEvent(event(4, message), ctx)).toBeUndefined();
  });
});
