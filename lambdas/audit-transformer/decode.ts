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

/**
 * Largest decompressed payload accepted. CloudWatch Logs delivers about 1 MB of log events per
 * payload; 10 MiB is ten times that, and already more than one answer to Firehose can carry
 * (6 MB). A gzip bomb (410 KB -> 300 MB) stops here after 10 MiB instead of taking the
 * function's 512 MB.
 */
export const MAX_DECOMPRESSED_BYTES = 10 * 1024 * 1024;

/** Why a record is not a subscription payload: a fixed code, safe to log and to store. */
export type DecodeFailure = 'not-gzip' | 'too-large' | 'not-json' | 'not-a-subscription-payload';

/**
 * The record is not a CloudWatch Logs subscription payload. The message says why and where, but
 * never quotes the data: it is logged, and the data may hold what masking exists to remove.
 */
export class PayloadDecodeError extends Error {
  constructor(readonly reason: DecodeFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayloadDecodeError';
  }
}

/** Decodes base64 + gzip + JSON and checks the documented shape; throws {@link PayloadDecodeError}. */
export function decodeSubscriptionPayload(base64: string, maxBytes = MAX_DECOMPRESSED_BYTES): SubscriptionPayload {
  return decodeSubscriptionBytes(Buffer.from(base64, 'base64'), maxBytes);
}

/** {@link decodeSubscriptionPayload} for data already base64-decoded. */
export function decodeSubscriptionBytes(compressed: Buffer, maxBytes = MAX_DECOMPRESSED_BYTES): SubscriptionPayload {
  let json: string;
  try {
    json = gunzipSync(compressed, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PayloadDecodeError('too-large', `record data decompresses to more than ${maxBytes} bytes`, { cause: err });
    }
    throw new PayloadDecodeError('not-gzip', 'record data is not gzip-compressed (expected a CloudWatch Logs subscription payload)', { cause: err });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    // No cause: JSON.parse's message quotes the input.
    throw new PayloadDecodeError('not-json', 'record data is gzip but not JSON');
  }
  return checkShape(payload);
}

/** The inverse of {@link decodeSubscriptionPayload}: what CloudWatch Logs sends (fixtures, local gateway). */
export function encodeSubscriptionPayload(payload: SubscriptionPayload): string {
  return gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64');
}

function checkShape(value: unknown): SubscriptionPayload {
  const fail = (message: string) => new PayloadDecodeError('not-a-subscription-payload', message);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('payload is not a JSON object');
  const p = value as Record<string, unknown>;
  if (p.messageType !== 'DATA_MESSAGE' && p.messageType !== 'CONTROL_MESSAGE') {
    throw fail(`messageType is ${typeof p.messageType === 'string' ? 'another string' : typeof p.messageType}; expected DATA_MESSAGE or CONTROL_MESSAGE`);
  }
  for (const key of ['owner', 'logGroup', 'logStream'] as const) {
    if (typeof p[key] !== 'string') throw fail(`${key} is missing or not a string`);
  }
  if (!Array.isArray(p.subscriptionFilters)) throw fail('subscriptionFilters is not a list');
  if (!Array.isArray(p.logEvents)) throw fail('logEvents is not a list');
  p.logEvents.forEach((e: unknown, i: number) => {
    const event = e as Record<string, unknown> | null;
    if (!event || typeof event !== 'object' || typeof event.id !== 'string' || typeof event.timestamp !== 'number' || typeof event.message !== 'string') {
      throw fail(`logEvents[${i}] needs id (string), timestamp (number) and message (string)`);
    }
  });
  return p as unknown as SubscriptionPayload;
}
