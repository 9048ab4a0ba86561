import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord, FirehoseTransformationResultRecord } from 'aws-lambda';
import { decodeSubscriptionBytes, PayloadDecodeError } from './decode';
import { failedEventLine, failedRecordLine, type FailureReason } from './failed-record';
import { maskPii } from './mask';
import { addCounts, type MaskCounts } from './mask-types';
import { normalizeLogEvent } from './normalize';
import type { RecordRequeue, RequeueCandidate } from './requeue';
import { entryBytes, RESPONSE_BUDGET_BYTES, RESPONSE_FRAME_BYTES, stubEntryBound } from './response-budget';
import type { TransformerSettings } from './settings';

export { RESPONSE_BUDGET_BYTES } from './response-budget';

export interface TransformOutcome {
  readonly records: FirehoseTransformationResultRecord[];
  /** Masked values by type, summed over the batch (the `MaskedFields` metric). */
  readonly masked: MaskCounts;
  readonly stats: {
    readonly ok: number; readonly dropped: number; readonly failed: number; readonly requeued: number;
    readonly auditRecords: number; readonly failedEvents: number;
  };
  /** Why records failed, for the log (codes, never their content). */
  readonly failures: ReadonlyArray<{ readonly recordId: string; readonly reason: FailureReason }>;
  /**
   * Records the answer had no room for. Their entry is a failed-record stub (`over-response-budget`)
   * until {@link settleRequeue} learns the stream took them back.
   */
  readonly requeue: readonly RequeueCandidate[];
}

/** What one record became, before the response budget is applied. */
type Processed =
  | { readonly kind: 'ok'; readonly data: string; readonly auditRecords: number; readonly failedEvents: number; readonly masked: MaskCounts }
  | { readonly kind: 'dropped' }
  | { readonly kind: 'failed'; readonly reason: FailureReason };

class OutputTooLargeError extends Error {
  constructor() {
    super('masked output exceeds the response budget');
    this.name = 'OutputTooLargeError';
  }
}

/**
 * Firehose data transformation: each incoming record is one CloudWatch Logs subscription
 * payload (gzip + base64). Each becomes newline-delimited JSON {@link AuditRecord}s, masked.
 * No input fails the batch: every record is processed inside its own guard.
 * - DATA_MESSAGE with audit lines -> `Ok`
 * - CONTROL_MESSAGE, or only platform lines -> `Dropped`
 * - a record that cannot be processed -> `Ok` with one `gatehouse_failed_record` line (failed-record.ts)
 * - a good record the answer has no room for -> listed in `requeue`
 */
export function transformRecords(
  input: readonly FirehoseTransformationEventRecord[],
  settings: TransformerSettings,
  budget = RESPONSE_BUDGET_BYTES,
): TransformOutcome {
  const masked: MaskCounts = {};
  const failures: Array<{ recordId: string; reason: FailureReason }> = [];
  const requeue: RequeueCandidate[] = [];
  const records: FirehoseTransformationResultRecord[] = [];
  const stats = { ok: 0, dropped: 0, failed: 0, requeued: 0, auditRecords: 0, failedEvents: 0 };
  const stubs = input.map((r) => stubEntryBound(r.recordId));
  // Room kept for the stubs of the records not yet processed: they always fit.
  let reserved = stubs.reduce((a, b) => a + b, 0);
  let used = RESPONSE_FRAME_BYTES;

  input.forEach((record, i) => {
    reserved -= stubs[i];
    const original = Buffer.from(record.data, 'base64');
    const processed = processRecord(record, original, settings, budget);
    const stub = (reason: FailureReason): FirehoseTransformationResultRecord => {
      failures.push({ recordId: record.recordId, reason });
      const data = Buffer.from(failedRecordLine(reason, record.recordId, original, record.approximateArrivalTimestamp), 'utf8').toString('base64');
      return { recordId: record.recordId, result: 'Ok', data };
    };
    let entry: FirehoseTransformationResultRecord;
    let counted: 'ok' | 'dropped' | 'failed' = 'failed';
    if (processed.kind === 'dropped') {
      entry = { recordId: record.recordId, result: 'Dropped' };
      counted = 'dropped';
    } else if (processed.kind === 'failed') {
      entry = stub(processed.reason);
    } else {
      const ok: FirehoseTransformationResultRecord = { recordId: record.recordId, result: 'Ok', data: processed.data };
      if (used + entryBytes(ok) + reserved <= budget) {
        entry = ok;
        counted = 'ok';
        addCounts(masked, processed.masked);
        stats.auditRecords += processed.auditRecords;
        stats.failedEvents += processed.failedEvents;
      } else if (RESPONSE_FRAME_BYTES + entryBytes(ok) > budget) {
        // Would not fit an answer of its own either: putting it back would loop forever.
        entry = stub('output-too-large');
      } else {
        entry = stub('over-response-budget');
        requeue.push({ recordId: record.recordId, data: record.data });
      }
    }
    // Last resort for a batch of thousands of tiny records: a bare Dropped always fits (it is
    // smaller than the request entry it answers); the failure is in `failures`, for the log.
    if (used + entryBytes(entry) + reserved > budget) {
      if (counted !== 'failed') failures.push({ recordId: record.recordId, reason: 'over-response-budget' });
      entry = { recordId: record.recordId, result: 'Dropped' };
      counted = 'failed';
    }
    stats[counted]++;
    used += entryBytes(entry);
    records.push(entry);
  });

  return { records, masked, failures, requeue, stats };
}

export interface TransformerDeps {
  readonly settings: TransformerSettings;
  readonly requeue: RecordRequeue;
}

/**
 * One invocation: transform every record (none can fail the batch), put back into the stream
 * what the answer has no room for, and settle the answer accordingly.
 */
export async function transformBatch(event: FirehoseTransformationEvent, deps: TransformerDeps): Promise<TransformOutcome> {
  const outcome = transformRecords(event.records, deps.settings);
  if (outcome.requeue.length === 0) return outcome;
  return settleRequeue(outcome, await deps.requeue.requeue(event.deliveryStreamArn, outcome.requeue));
}

/** The answer once the stream took back `accepted` of the `requeue` records: those become `Dropped`. */
export function settleRequeue(outcome: TransformOutcome, accepted: ReadonlySet<string>): TransformOutcome {
  const taken = new Set(outcome.requeue.filter((r) => accepted.has(r.recordId)).map((r) => r.recordId));
  if (taken.size === 0) return outcome;
  return {
    ...outcome,
    records: outcome.records.map((r) => (taken.has(r.recordId) ? { recordId: r.recordId, result: 'Dropped' as const } : r)),
    failures: outcome.failures.filter((f) => !taken.has(f.recordId)),
    stats: { ...outcome.stats, failed: outcome.stats.failed - taken.size, requeued: taken.size },
  };
}

/** Decode, normalise and mask one record; never throws. */
function processRecord(record: FirehoseTransformationEventRecord, original: Buffer, settings: TransformerSettings, budget: number): Processed {
  try {
    const payload = decodeSubscriptionBytes(original);
    if (payload.messageType === 'CONTROL_MESSAGE') return { kind: 'dropped' };
    const masked: MaskCounts = {};
    const lines: string[] = [];
    let length = 0;
    let auditRecords = 0;
    let failedEvents = 0;
    const ctx = { logGroup: payload.logGroup, logStream: payload.logStream, environment: settings.environment, receivedAt: record.approximateArrivalTimestamp };
    payload.logEvents.forEach((event, index) => {
      let line: string;
      try {
        const normalized = normalizeLogEvent(event, ctx);
        if (!normalized) return;
        const result = maskPii(normalized, settings.mask);
        line = `${JSON.stringify(result.value)}\n`;
        addCounts(masked, result.counts);
        auditRecords++;
      } catch {
        line = failedEventLine(record.recordId, index, event.message, record.approximateArrivalTimestamp);
        failedEvents++;
      }
      lines.push(line);
      length += line.length;
      // base64 grows 4/3; string length is a lower bound of the UTF-8 size: stop as soon as it cannot fit.
      if ((length * 4) / 3 > budget) throw new OutputTooLargeError();
    });
    if (lines.length === 0) return { kind: 'dropped' };
    return { kind: 'ok', data: Buffer.from(lines.join(''), 'utf8').toString('base64'), auditRecords, failedEvents, masked };
  } catch (err) {
    if (err instanceof PayloadDecodeError) return { kind: 'failed', reason: err.reason };
    if (err instanceof OutputTooLargeError) return { kind: 'failed', reason: 'output-too-large' };
    return { kind: 'failed', reason: 'internal-error' };
  }
}
