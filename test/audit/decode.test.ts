import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeSubscriptionPayload, encodeSubscriptionPayload, PayloadDecodeError } from '../../lambdas/audit-transformer/decode';
import { accessLogLine, ACCESS_LOG_GROUP, CONTROL_MESSAGE_DATA, event, subscriptionData } from './fixtures';

describe('decodeSubscriptionPayload', () => {
  it('decodes a real DATA_MESSAGE (base64 of gzip of the documented JSON) and round-trips it', () => {
    // Prepare
    const data = subscriptionData([event(1, accessLogLine()), event(2, accessLogLine({ status: '503' }))]);
    // Act
    const payload = decodeSubscriptionPayload(data);
    // Assess
    expect(payload).toMatchObject({
      messageType: 'DATA_MESSAGE', owner: '111111111111', logGroup: ACCESS_LOG_GROUP, subscriptionFilters: ['gatehouse-dev-audit-access'],
    });
    expect(payload.logEvents).toHaveLength(2);
    expect(JSON.parse(payload.logEvents[1].message).status).toBe('503');
    const reencoded = encodeSubscriptionPayload(payload);
    expect(JSON.parse(gunzipSync(Buffer.from(reencoded, 'base64')).toString())).toEqual(JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString()));
  });

  it('decodes the CONTROL_MESSAGE CloudWatch Logs sends when the subscription is created', () => {
    expect(decodeSubscriptionPayload(CONTROL_MESSAGE_DATA)).toMatchObject({ messageType: 'CONTROL_MESSAGE', logGroup: 'testLogGroup' });
  });

  it.each([
    ['plain base64 text', Buffer.from('hello').toString('base64'), 'record data is not gzip-compressed (expected a CloudWatch Logs subscription payload)'],
    ['gzip of text', encodeRaw('not json'), 'record data is gzip but not JSON'],
    // The message never quotes the data: it is logged, and the data is unmasked.
    ['another messageType', encodeRaw(JSON.stringify({ messageType: 'jane@example.org' })), 'messageType is another string; expected DATA_MESSAGE or CONTROL_MESSAGE'],
    ['an event without message', encodeRaw(JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', subscriptionFilters: [], logEvents: [{ id: '1', timestamp: 1 }] })),
      'logEvents[0] needs id (string), timestamp (number) and message (string)'],
  ])('rejects %s with a PayloadDecodeError saying why', (_what, data, message) => {
    expect(() => decodeSubscriptionPayload(data)).toThrow(PayloadDecodeError);
    expect(() => decodeSubscriptionPayload(data)).toThrow(message);
  });
});

function encodeRaw(text: string): string {
  return gzipSync(Buffer.from(text)).toString('base64');
}
