import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { FirehoseRequeue, InMemoryRequeue } from '../../lambdas/audit-transformer/requeue';
import { readSettings } from '../../lambdas/audit-transformer/settings';
import { transformBatch } from '../../lambdas/audit-transformer/transform';
import { accessLogLine, event, firehoseRecord, subscriptionData } from './fixtures';

const STREAM_ARN = 'arn:aws:firehose:eu-west-1:111111111111:deliverystream/gatehouse-prod-audit';
const settings = readSettings({});

/** Six records of ~2 MB of masked output each: the answer has room for two. */
function overfullBatch(): FirehoseTransformationEvent {
  const big = Array.from({ length: 400 }, (_, i) => event(i, accessLogLine({ userAgent: `agent-${i}-${'x'.repeat(4000)}` })));
  return {
    invocationId: 'i-1', deliveryStreamArn: STREAM_ARN, region: 'eu-west-1',
    records: Array.from({ length: 6 }, (_, i) => firehoseRecord(`r${i}`, subscriptionData(big))),
  };
}

describe('records the answer has no room for', () => {
  it('are put back into the delivery stream and answered Dropped', async () => {
    const requeue = new InMemoryRequeue();
    const event = overfullBatch();
    const outcome = await transformBatch(event, { settings, requeue });
    const results = outcome.records.map((r) => r.result);
    expect(results.filter((r) => r === 'Ok').length).toBe(2);
    expect(results.slice(2)).toEqual(['Dropped', 'Dropped', 'Dropped', 'Dropped']);
    expect(requeue.received.map((r) => [r.recordId, r.data])).toEqual(event.records.slice(2).map((r) => [r.recordId, r.data]));
    expect(outcome.stats).toMatchObject({ ok: 2, failed: 0, requeued: 4, dropped: 0 });
    expect(outcome.failures).toEqual([]);
  });

  it('keep their failed-record stub when the stream does not take them back (nothing raw, nothing lost silently)', async () => {
    const outcome = await transformBatch(overfullBatch(), { settings, requeue: new InMemoryRequeue(false) });
    const stubs = outcome.records.slice(2).map((r) => JSON.parse(Buffer.from(r.data!, 'base64').toString()).gatehouse_failed_record.reason);
    expect(stubs).toEqual(['over-response-budget', 'over-response-budget', 'over-response-budget', 'over-response-budget']);
    expect(outcome.stats).toMatchObject({ ok: 2, failed: 4, requeued: 0 });
  });
});

describe('FirehoseRequeue', () => {
  const records = (n: number) => Array.from({ length: n }, (_, i) => ({ recordId: `r${i}`, data: Buffer.from(`data-${i}`).toString('base64') }));

  function fakeClient(answer: (records: number) => { RequestResponses: Array<{ ErrorCode?: string }> } | Error) {
    const calls: Array<{ stream: string; data: string[] }> = [];
    const regions: string[] = [];
    const client = {
      send: async (command: { input: { DeliveryStreamName: string; Records: Array<{ Data: Uint8Array }> } }) => {
        calls.push({ stream: command.input.DeliveryStreamName, data: command.input.Records.map((r) => Buffer.from(r.Data).toString()) });
        const result = answer(command.input.Records.length);
        if (result instanceof Error) throw result;
        return result;
      },
    } as unknown as FirehoseClient;
    return { calls, regions, requeue: new FirehoseRequeue((region) => (regions.push(region), client)) };
  }

  it('puts the original bytes back with PutRecordBatch, 500 records per call, in the stream and region of the ARN', async () => {
    const fake = fakeClient((n) => ({ RequestResponses: Array.from({ length: n }, () => ({})) }));
    const accepted = await fake.requeue.requeue(STREAM_ARN, records(501));
    expect(accepted.size).toBe(501);
    expect(fake.calls.map((c) => [c.stream, c.data.length])).toEqual([['gatehouse-prod-audit', 500], ['gatehouse-prod-audit', 1]]);
    expect(fake.calls[0].data[0]).toBe('data-0');
    expect(fake.regions).toEqual(['eu-west-1']);
  });

  it('reports only the records the stream accepted', async () => {
    const fake = fakeClient((n) => ({ RequestResponses: Array.from({ length: n }, (_, i) => (i === 1 ? { ErrorCode: 'ServiceUnavailableException' } : {})) }));
    expect([...await fake.requeue.requeue(STREAM_ARN, records(3))]).toEqual(['r0', 'r2']);
  });

  it('reports none when the call fails, and never throws', async () => {
    const fake = fakeClient(() => new Error('AccessDeniedException: not authorized to perform firehose:PutRecordBatch'));
    expect((await fake.requeue.requeue(STREAM_ARN, records(2))).size).toBe(0);
    expect((await fake.requeue.requeue('not-an-arn', records(2))).size).toBe(0);
  });
});
