/**
 * Records the answer to Firehose has no room for are put back into the delivery stream, the way
 * AWS's CloudWatch Logs processor blueprint does it: Firehose has no per-record retry. A record
 * missing from the answer fails the whole invocation (`Lambda.MissingRecordId`), and a
 * `ProcessingFailed` one goes to the error prefix, unmasked. Re-put records are answered
 * `Dropped` (successfully processed: this copy is done) and come back in a later batch.
 */
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';

/** A record to put back: its id in this batch and its original data (base64, as Firehose sent it). */
export interface RequeueCandidate {
  readonly recordId: string;
  readonly data: string;
}

/** Puts records back into a delivery stream. */
export interface RecordRequeue {
  /** Resolves with the ids of the records the stream accepted; never rejects. */
  requeue(deliveryStreamArn: string, records: readonly RequeueCandidate[]): Promise<ReadonlySet<string>>;
}

/** PutRecordBatch limits: 500 records and 4 MiB per call. */
const MAX_RECORDS_PER_CALL = 500;
const MAX_BYTES_PER_CALL = 4 * 1024 * 1024;

/**
 * The deployed seam: `firehose:PutRecordBatch` on the stream the records came from (named by the
 * invocation's `deliveryStreamArn`). The client is created on first use.
 */
export class FirehoseRequeue implements RecordRequeue {
  private client?: FirehoseClient;

  constructor(private readonly createClient: (region: string) => FirehoseClient = (region) => new FirehoseClient({ region })) {}

  async requeue(deliveryStreamArn: string, records: readonly RequeueCandidate[]): Promise<ReadonlySet<string>> {
    const accepted = new Set<string>();
    const stream = /^arn:[\w-]+:firehose:([\w-]+):\d+:deliverystream\/(.+)$/.exec(deliveryStreamArn);
    if (!stream || records.length === 0) return accepted;
    this.client ??= this.createClient(stream[1]);
    for (const chunk of chunks(records)) {
      try {
        const answer = await this.client.send(new PutRecordBatchCommand({
          DeliveryStreamName: stream[2],
          Records: chunk.map((r) => ({ Data: Buffer.from(r.data, 'base64') })),
        }));
        (answer.RequestResponses ?? []).forEach((response, i) => {
          if (!response.ErrorCode && chunk[i]) accepted.add(chunk[i].recordId);
        });
      } catch {
        // Not accepted: those records keep their failed-record stub (docs/compliance.md).
      }
    }
    return accepted;
  }
}

/** For tests and local runs: accepts everything (or nothing) and remembers what it was given. */
export class InMemoryRequeue implements RecordRequeue {
  readonly received: RequeueCandidate[] = [];

  constructor(private readonly accept = true) {}

  async requeue(_deliveryStreamArn: string, records: readonly RequeueCandidate[]): Promise<ReadonlySet<string>> {
    this.received.push(...records);
    return new Set(this.accept ? records.map((r) => r.recordId) : []);
  }
}

function* chunks(records: readonly RequeueCandidate[]): Generator<RequeueCandidate[]> {
  let chunk: RequeueCandidate[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Math.ceil((record.data.length * 3) / 4);
    if (chunk.length > 0 && (chunk.length === MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
