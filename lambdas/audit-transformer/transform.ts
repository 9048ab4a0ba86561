import type { FirehoseTransformationEventRecord, FirehoseTransformationResultRecord } from 'aws-lambda';
import { decodeSubscriptionPayload, PayloadDecodeError } from './decode';
import { maskPii, type MaskCounts } from './mask';
import { normalizeLogEvent } from './normalize';
import type { TransformerSettings } from './settings';

/**
 * Lambda's synchronous response limit is 6 MB; Firehose fails the whole invocation above it.
 * Output beyond this budget is returned as ProcessingFailed, which Firehose writes to the
 * error prefix (nothing is lost) instead of failing every record of the batch.
 */
export const RESPONSE_BUDGET_BYTES = 5_500_000;

export interface TransformOutcome {
  readonly records: FirehoseTransformationResultRecord[];
  /** Masked values by type, summed over the batch (the `maskedFields` metric). */
  readonly masked: MaskCounts;
  readonly stats: { readonly ok: number; readonly dropped: number; readonly failed: number; readonly auditRecords: number };
  /** Why records failed, for the log (never their content). */
  readonly failures: ReadonlyArray<{ readonly recordId: string; readonly reason: string }>;
}

/**
 * Firehose data transformation: each incoming record is one CloudWatch Logs subscription
 * payload (gzip + base64). Each becomes newline-delimited JSON {@link AuditRecord}s, masked.
 * - DATA_MESSAGE with audit lines -> `Ok`
 * - CONTROL_MESSAGE, or only platform lines -> `Dropped`
 * - not a subscription payload, or over the response budget -> `ProcessingFailed` (error prefix)
 */
export function transformRecords(input: readonly FirehoseTransformationEventRecord[], settings: TransformerSettings): TransformOutcome {
  const masked: MaskCounts = {};
  const failures: Array<{ recordId: string; reason: string }> = [];
  let bytes = 0;
  let auditRecords = 0;
  const records = input.map((record): FirehoseTransformationResultRecord => {
    let payload;
    try {
      payload = decodeSubscriptionPayload(record.data);
    } catch (err) {
      failures.push({ recordId: record.recordId, reason: err instanceof PayloadDecodeError ? err.message : String(err) });
      return { recordId: record.recordId, result: 'ProcessingFailed', data: record.data };
    }
    if (payload.messageType === 'CONTROL_MESSAGE') return { recordId: record.recordId, result: 'Dropped' };

    const lines: string[] = [];
    for (const event of payload.logEvents) {
      const normalized = normalizeLogEvent(event, { logGroup: payload.logGroup, logStream: payload.logStream, environment: settings.environment });
      if (!normalized) continue;
      const { value, counts } = maskPii(normalized, settings.mask);
      for (const [type, n] of Object.entries(counts)) masked[type as keyof MaskCounts] = (masked[type as keyof MaskCounts] ?? 0) + n;
      lines.push(JSON.stringify(value));
    }
    if (lines.length === 0) return { recordId: record.recordId, result: 'Dropped' };

    const data = Buffer.from(`${lines.join('\n')}\n`, 'utf8').toString('base64');
    if (bytes + data.length > RESPONSE_BUDGET_BYTES) {
      failures.push({ recordId: record.recordId, reason: 'transformed batch exceeds the Lambda response budget' });
      return { recordId: record.recordId, result: 'ProcessingFailed', data: record.data };
    }
    bytes += data.length;
    auditRecords += lines.length;
    return { recordId: record.recordId, result: 'Ok', data };
  });
  const count = (r: FirehoseTransformationResultRecord['result']) => records.filter((x) => x.result === r).length;
  return { records, masked, failures, stats: { ok: count('Ok'), dropped: count('Dropped'), failed: count('ProcessingFailed'), auditRecords } };
}
