/**
 * What the audit trail holds for a record the transformer could not process: facts about it,
 * never its content. The content is exactly what masking exists to keep out of a bucket that
 * nobody can delete from for years (Object Lock COMPLIANCE).
 *
 * Why this is returned as `Ok` and not as `ProcessingFailed`: Firehose writes a ProcessingFailed
 * record to the error prefix with `rawData`, documented only as "the base64-encoded record data";
 * its own CloudWatch Logs processor blueprint returns ProcessingFailed without any data, so that
 * data is the record Firehose received, unmasked. An `Ok` stub is the one answer under which
 * nothing unmasked can reach S3 (docs/compliance.md, "Failed records").
 */
import { createHash } from 'node:crypto';
import { METRIC } from '../../lib/observability/metric-names';

/** Why a record or event became a stub; fixed codes, never text taken from the data. */
export type FailureReason =
  | 'not-gzip' | 'too-large' | 'not-json' | 'not-a-subscription-payload'
  | 'output-too-large' | 'over-response-budget' | 'unprocessable-event' | 'internal-error';

export const FAILURE_DESCRIPTIONS: Readonly<Record<FailureReason, string>> = {
  'not-gzip': 'record data is not gzip-compressed (expected a CloudWatch Logs subscription payload)',
  'too-large': 'record data decompresses to more than the 10 MiB limit (possible gzip bomb)',
  'not-json': 'record data is gzip but not JSON',
  'not-a-subscription-payload': 'record data is JSON but not a CloudWatch Logs subscription payload',
  'output-too-large': 'the masked audit records of this one record exceed the Lambda response budget on their own',
  'over-response-budget': 'the batch answer was full and the record could not be put back into the delivery stream',
  'unprocessable-event': 'one log event could not be normalised or masked',
  'internal-error': 'the transformer failed on this record',
};

/** The one NDJSON line written for a failed record (`gatehouse_failed_record`) or event (`gatehouse_failed_event`). */
export interface FailedRecordLine {
  readonly reason: FailureReason;
  readonly description: string;
  readonly recordId: string;
  /** Size of the original data: of the record after base64 decoding, of the event's message in UTF-8. */
  readonly bytes: number;
  /** SHA-256 (hex) of those same bytes: proves which data failed without keeping it. */
  readonly sha256: string;
  /** When Firehose received the record (ISO 8601), if known. */
  readonly receivedAt?: string;
  /** Events only: the position of the event in its subscription payload. */
  readonly eventIndex?: number;
}

/** The failure line for a whole record, from its original (base64-decoded) data. */
export function failedRecordLine(reason: FailureReason, recordId: string, original: Buffer, receivedAt?: number): string {
  return `${JSON.stringify({ gatehouse_failed_record: describe(reason, recordId, original, receivedAt) })}\n`;
}

/** The failure line for one log event inside an otherwise good record. */
export function failedEventLine(recordId: string, eventIndex: number, message: string, receivedAt?: number): string {
  const line: FailedRecordLine = { ...describe('unprocessable-event', recordId, Buffer.from(message, 'utf8'), receivedAt), eventIndex };
  return `${JSON.stringify({ gatehouse_failed_event: line })}\n`;
}

function describe(reason: FailureReason, recordId: string, original: Buffer, receivedAt?: number): FailedRecordLine {
  const time = receivedAt !== undefined && Number.isFinite(receivedAt) && Math.abs(receivedAt) <= 8.64e15 ? new Date(receivedAt).toISOString() : undefined;
  return {
    reason,
    description: FAILURE_DESCRIPTIONS[reason],
    recordId,
    bytes: original.length,
    sha256: createHash('sha256').update(original).digest('hex'),
    ...(time ? { receivedAt: time } : {}),
  };
}

/** Metric: records answered with a failed-record stub in a batch (one truth: lib/observability/metric-names.ts). */
export const FAILED_RECORDS_METRIC = METRIC.auditFailedRecords;
