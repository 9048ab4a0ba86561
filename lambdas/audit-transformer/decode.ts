import { gunzipSync, gzipSync } from 'node:zlib';

/** One log event of a CloudWatch Logs subscription delivery. */
export interface SubscriptionLogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/**
 * What CloudWatch Logs delivers to a subscription destination (Lambda `awslogs.data`, or one
 * Firehose record): this JSON, gzip-compressed, base64-encoded. CONTROL_MESSAGE is sent once
 * when the subscription is created to check that the destination is reachable.
 */
export interface SubscriptionPayload {
  readonly messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  readonly logEvents: readonly SubscriptionLogEvent[];
}

/** The record is not a CloudWatch Logs subscription payload. */
export class PayloadDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayloadDecodeError';
  }
}

/** Decodes base64 + gzip + JSON and checks the documented shape; throws {@link PayloadDecodeError}. */
export function decodeSubscriptionPayload(base64: string): SubscriptionPayload {
  let json: string;
  try {
    json = gunzipSync(Buffer.from(base64, 'base64')).toString('utf8');
  } catch (err) {
    throw new PayloadDecodeError('record data is not gzip-compressed (expected a CloudWatch Logs subscription payload)', { cause: err });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch (err) {
    throw new PayloadDecodeError('record data is gzip but not JSON', { cause: err });
  }
  return checkShape(payload);
}

/** The inverse of {@link decodeSubscriptionPayload}: what CloudWatch Logs sends (fixtures, local gateway). */
export function encodeSubscriptionPayload(payload: SubscriptionPayload): string {
  return gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64');
}

function checkShape(value: unknown): SubscriptionPayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PayloadDecodeError('payload is not a JSON object');
  }
  const p = value as Record<string, unknown>;
  if (p.messageType !== 'DATA_MESSAGE' && p.messageType !== 'CONTROL_MESSAGE') {
    throw new PayloadDecodeError(`messageType is ${JSON.stringify(p.messageType)}; expected DATA_MESSAGE or CONTROL_MESSAGE`);
  }
  for (const key of ['owner', 'logGroup', 'logStream'] as const) {
    if (typeof p[key] !== 'string') throw new PayloadDecodeError(`${key} is missing or not a string`);
  }
  if (!Array.isArray(p.subscriptionFilters)) throw new PayloadDecodeError('subscriptionFilters is not a list');
  if (!Array.isArray(p.logEvents)) throw new PayloadDecodeError('logEvents is not a list');
  p.logEvents.forEach((e: unknown, i: number) => {
    const event = e as Record<string, unknown> | null;
    if (!event || typeof event.id !== 'string' || typeof event.timestamp !== 'number' || typeof event.message !== 'string') {
      throw new PayloadDecodeError(`logEvents[${i}] needs id (string), timestamp (number) and message (string)`);
    }
  });
  return p as unknown as SubscriptionPayload;
}
