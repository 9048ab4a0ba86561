import { gzipSync } from 'node:zlib';
import type { FirehoseTransformationEventRecord } from 'aws-lambda';
import { ACCESS_LOG_FIELDS } from '../../lib/contract/access-log';

export const ACCESS_LOG_GROUP = 'gatehouse-dev-Api-LogsAccessLogs1A2B3C4D-abcdEFGH1234';

/**
 * An access log line exactly as API Gateway writes it with ACCESS_LOG_FORMAT: every field a
 * string, `-` where the variable has no value.
 */
export function accessLogLine(overrides: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    extendedRequestId: 'CSD5bHdXoAMEL7g=',
    xrayTraceId: '1-67484a80-0123456789abcdef01234567',
    ip: '203.0.113.77',
    userAgent: 'partner-sdk/2.1 (+https://partner.example)',
    requestTime: '28/Nov/2024:10:00:00 +0000',
    requestTimeEpoch: '1732788000000',
    domainName: 'api.example.com',
    httpMethod: 'GET',
    resourcePath: '/v1/users/{proxy+}',
    path: '/v1/users/42',
    protocol: 'HTTP/1.1',
    tlsVersion: 'TLSv1.3',
    cipherSuite: 'TLS_AES_128_GCM_SHA256',
    status: '200',
    responseType: '-',
    errorMessage: '-',
    responseLength: '512',
    responseLatency: '87',
    integrationLatency: '61',
    integrationStatus: '200',
    integrationError: '-',
    authorizerLatency: '14',
    authorizerStatus: '200',
    authorizerError: '-',
    authorizerIntegrationLatency: '11',
    consumer: 'acme-partner',
    tenant: 'acme',
    tier: 'pro',
    route: 'api-v1-users',
    canary: 'false',
    denyReason: '-',
    usagePlanKeyId: 'k2j3h4g5f6',
    wafResponseCode: 'WAF_ALLOW',
    webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/gatehouse-dev-origin/abc',
    ...overrides,
  };
  // Same key order as the real format (the fixture must not invent fields).
  return JSON.stringify(Object.fromEntries(Object.keys(ACCESS_LOG_FIELDS).map((k) => [k, values[k]])));
}

export interface PayloadEvent { id: string; timestamp: number; message: string }

/** The documented subscription JSON, gzip-compressed and base64-encoded, built with zlib directly. */
export function subscriptionData(logEvents: PayloadEvent[], logGroup = ACCESS_LOG_GROUP, messageType = 'DATA_MESSAGE'): string {
  const payload = {
    messageType,
    owner: '111111111111',
    logGroup,
    logStream: messageType === 'CONTROL_MESSAGE' ? '' : 'c6af9ac6b0d2a3e8c2b2a0e8b3c1f7a9',
    subscriptionFilters: messageType === 'CONTROL_MESSAGE' ? [] : ['gatehouse-dev-audit-access'],
    logEvents,
  };
  return gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64');
}

/** CloudWatch Logs' reachability check, sent once when the subscription is created. */
export const CONTROL_MESSAGE_DATA = subscriptionData([{
  id: '',
  timestamp: 1732788000000,
  message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.',
}], 'testLogGroup', 'CONTROL_MESSAGE');

export const event = (n: number, message: string): PayloadEvent => ({
  id: `3819566423492348129348129348123948129348129348123${String(n).padStart(4, '0')}`,
  timestamp: 1732788000000 + n,
  message,
});

export const firehoseRecord = (recordId: string, data: string): FirehoseTransformationEventRecord => ({
  recordId,
  approximateArrivalTimestamp: 1732788001000,
  data,
});
