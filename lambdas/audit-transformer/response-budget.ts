/**
 * Lambda answers a synchronous invocation with at most 6 MB; above that the invocation fails,
 * Firehose retries the whole batch and finally writes every record of it, unmasked, to the
 * error prefix. So the answer is sized before it is returned, counting every byte Lambda will
 * serialise: each entry's recordId, result and data (Ok stubs of failed records included), the
 * commas and the `{"records":[]}` around them.
 */
import type { FirehoseTransformationResultRecord } from 'aws-lambda';
import { FAILURE_DESCRIPTIONS, failedRecordLine, type FailureReason } from './failed-record';

/** Lambda's limit for a synchronous response payload. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** What the transformer allows itself: 5.5 MB leaves room for the runtime's own framing. */
export const RESPONSE_BUDGET_BYTES = 5_500_000;

/** `{"records":[` and `]}`. */
export const RESPONSE_FRAME_BYTES = Buffer.byteLength('{"records":[]}');

/** Bytes `entry` adds to the response: its JSON and one comma. */
export function entryBytes(entry: FirehoseTransformationResultRecord): number {
  const head = Buffer.byteLength(JSON.stringify({ recordId: entry.recordId, result: entry.result }));
  // data is base64 (ASCII, nothing to escape): `,"data":"…"` is 10 bytes plus its length.
  return head + (entry.data === undefined ? 0 : entry.data.length + 10) + 1;
}

const LONGEST_REASON = (Object.keys(FAILURE_DESCRIPTIONS) as FailureReason[])
  .reduce((a, b) => (FAILURE_DESCRIPTIONS[a].length + a.length >= FAILURE_DESCRIPTIONS[b].length + b.length ? a : b));

/**
 * An upper bound of the entry for a failed-record stub of `recordId`: what every record not yet
 * processed may still need, so the stubs always fit whatever the Ok records took.
 */
export function stubEntryBound(recordId: string): number {
  const line = failedRecordLine(LONGEST_REASON, recordId, Buffer.alloc(0), 8.64e15);
  // bytes: up to 10 digits instead of "0".
  const data = Buffer.from(line.replace('"bytes":0', '"bytes":9999999999'), 'utf8').toString('base64');
  return entryBytes({ recordId, result: 'Ok', data });
}
