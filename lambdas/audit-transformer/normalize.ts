import { ACCESS_LOG_FIELDS } from '../../lib/contract/access-log';
import type { SubscriptionLogEvent } from './decode';
import { limitNesting } from './nesting';

/** Version of {@link AuditRecord}; bump it when a field changes meaning (readers branch on it). */
export const AUDIT_SCHEMA_VERSION = 1;

/**
 * One line of the audit trail (S3, newline-delimited JSON). Every source is normalised to this
 * shape; fields a source does not know are absent, never `"-"`.
 */
export interface AuditRecord {
  readonly schemaVersion: typeof AUDIT_SCHEMA_VERSION;
  /** `access`: an API Gateway access log line; `authorizer`: a structured authorizer log; `application`: any other line. */
  readonly kind: 'access' | 'authorizer' | 'application';
  /** ISO 8601 time of the log event (when its timestamp is not a representable time: when Firehose received it). */
  readonly time: string;
  readonly environment?: string;
  readonly source: {
    readonly logGroup: string; readonly logStream: string; readonly eventId: string;
    /** The event's own timestamp, when it is not a time `time` can show (`time` is then the arrival time). */
    readonly invalidTimestamp?: string;
  };
  readonly requestId?: string;
  readonly traceId?: string;
  readonly consumer?: string;
  readonly tenant?: string;
  readonly tier?: string;
  readonly route?: string;
  readonly canary?: string;
  readonly http?: {
    readonly method?: string; readonly path?: string; readonly resourcePath?: string; readonly status?: number;
    readonly protocol?: string; readonly domain?: string; readonly userAgent?: string; readonly responseBytes?: number;
  };
  readonly latencyMs?: { readonly total?: number; readonly authorizer?: number; readonly integration?: number };
  readonly authorizer?: { readonly status?: number; readonly error?: string; readonly decision?: string; readonly reason?: string };
  readonly integration?: { readonly status?: number; readonly error?: string };
  readonly waf?: { readonly responseCode?: string; readonly webAclArn?: string };
  readonly tls?: { readonly version?: string; readonly cipher?: string };
  readonly client?: { readonly ip?: string; readonly usagePlanKeyId?: string };
  readonly error?: { readonly type?: string; readonly message?: string };
  /** Authorizer / application logs: level and message. */
  readonly log?: { readonly level?: string; readonly message?: string };
  /** Every other field of the source line (masked like the rest). */
  readonly detail?: Record<string, unknown>;
}

export interface NormalizeContext {
  readonly logGroup: string;
  readonly logStream: string;
  readonly environment?: string;
  /** When Firehose received the record (epoch ms): the time of an event whose own timestamp is out of range. */
  readonly receivedAt?: number;
}

/** Access log keys, from the one definition of the access log format. */
const ACCESS_KEYS = new Set(Object.keys(ACCESS_LOG_FIELDS));
/** Keys the authorizer record maps to first-class fields (the rest goes to `detail`). */
const AUTHORIZER_MAPPED = new Set(['level', 'message', 'timestamp', 'time', 'requestId', 'request_id', 'xray_trace_id', 'traceId',
  'consumer', 'tenant', 'tier', 'route', 'canary', 'decision', 'effect', 'reason', 'denyReason', 'error']);
/** Keys that make a structured line an authorizer record. */
const AUTHORIZER_HINTS = ['consumer', 'tier', 'route', 'decision', 'effect', 'reason'];
const PLATFORM_TEXT = /^(START|END|REPORT|INIT_START) RequestId:|^INIT_START /;

/**
 * A record being built. Fields are only ever set to a value, never to `undefined`, and groups
 * (`http`, `detail`, …) only when they hold a field: records stay small and readable without a
 * second pass that copies them.
 */
type Fields = Record<string, unknown>;

/**
 * Normalises one log event to an {@link AuditRecord}; `undefined` for lines that are not audit
 * material (Lambda platform START/END/REPORT events).
 */
export function normalizeLogEvent(event: SubscriptionLogEvent, ctx: NormalizeContext): AuditRecord | undefined {
  const parsed = parseJsonObject(event.message);
  if (!parsed) {
    if (PLATFORM_TEXT.test(event.message)) return undefined;
    const record = recordBase(event, ctx);
    record.kind = 'application';
    record.log = { message: event.message.trimEnd() };
    return record as unknown as AuditRecord;
  }
  if (typeof parsed.type === 'string' && parsed.type.startsWith('platform.')) return undefined;
  const keys = Object.keys(parsed);
  const record = recordBase(event, ctx);
  const accessKeys = accessKeyCount(parsed, keys);
  if (accessKeys >= keys.length / 2) addAccessLog(record, parsed, accessKeys < keys.length ? keys : undefined);
  else addStructuredLog(record, parsed, keys);
  return record as unknown as AuditRecord;
}

/** What every record starts with, in this order: schema version, time, environment, source. */
function recordBase(event: SubscriptionLogEvent, ctx: NormalizeContext): Fields {
  const eventTime = isoTime(event.timestamp);
  const record: Fields = { schemaVersion: AUDIT_SCHEMA_VERSION, time: eventTime ?? isoTime(ctx.receivedAt) ?? isoTime(0)! };
  if (ctx.environment) record.environment = ctx.environment;
  record.source = eventTime === undefined
    ? { logGroup: ctx.logGroup, logStream: ctx.logStream, eventId: event.id, invalidTimestamp: String(event.timestamp) }
    : { logGroup: ctx.logGroup, logStream: ctx.logStream, eventId: event.id };
  return record;
}

/**
 * An access log line has the four keys every one has and mostly access log keys: how many of
 * its keys are (-1 when one of the four is missing).
 */
function accessKeyCount(o: Fields, keys: readonly string[]): number {
  if (!('requestId' in o && 'httpMethod' in o && 'status' in o && 'resourcePath' in o)) return -1;
  let known = 0;
  for (const k of keys) if (ACCESS_KEYS.has(k)) known++;
  return known;
}

/** `keys`: those of the line when some are not access log keys (they go to `detail`). */
function addAccessLog(r: Fields, o: Fields, keys: readonly string[] | undefined): void {
  r.kind = 'access';
  put(r, 'requestId', str(o.requestId));
  put(r, 'traceId', str(o.xrayTraceId));
  put(r, 'consumer', str(o.consumer));
  put(r, 'tenant', str(o.tenant));
  put(r, 'tier', str(o.tier));
  put(r, 'route', str(o.route));
  put(r, 'canary', str(o.canary));
  // Each group is added only when one of its fields was (`put` answers 1 for a field set).
  const http: Fields = {};
  if (put(http, 'method', str(o.httpMethod)) + put(http, 'path', str(o.path)) + put(http, 'resourcePath', str(o.resourcePath))
    + put(http, 'status', num(o.status)) + put(http, 'protocol', str(o.protocol)) + put(http, 'domain', str(o.domainName))
    + put(http, 'userAgent', str(o.userAgent)) + put(http, 'responseBytes', num(o.responseLength))) r.http = http;
  const latencyMs: Fields = {};
  if (put(latencyMs, 'total', num(o.responseLatency)) + put(latencyMs, 'authorizer', num(o.authorizerLatency))
    + put(latencyMs, 'integration', num(o.integrationLatency))) r.latencyMs = latencyMs;
  const authorizer: Fields = {};
  if (put(authorizer, 'status', num(o.authorizerStatus)) + put(authorizer, 'error', str(o.authorizerError))
    + put(authorizer, 'reason', str(o.denyReason))) r.authorizer = authorizer;
  const integration: Fields = {};
  if (put(integration, 'status', num(o.integrationStatus)) + put(integration, 'error', str(o.integrationError))) r.integration = integration;
  const waf: Fields = {};
  if (put(waf, 'responseCode', str(o.wafResponseCode)) + put(waf, 'webAclArn', str(o.webAclArn))) r.waf = waf;
  const tls: Fields = {};
  if (put(tls, 'version', str(o.tlsVersion)) + put(tls, 'cipher', str(o.cipherSuite))) r.tls = tls;
  const client: Fields = {};
  if (put(client, 'ip', str(o.ip)) + put(client, 'usagePlanKeyId', str(o.usagePlanKeyId))) r.client = client;
  const error: Fields = {};
  if (put(error, 'type', str(o.responseType)) + put(error, 'message', str(o.errorMessage))) r.error = error;
  const detail: Fields = {};
  let details = put(detail, 'extendedRequestId', str(o.extendedRequestId));
  if (keys) for (const k of keys) if (!ACCESS_KEYS.has(k)) details += putLogged(detail, k, o[k]);
  if (details) r.detail = detail;
}

function addStructuredLog(r: Fields, o: Fields, keys: readonly string[]): void {
  const looksLikeAuthorizer = hasAnyKey(o, AUTHORIZER_HINTS) || (str(o.service) ?? '').includes('authorizer');
  r.kind = looksLikeAuthorizer ? 'authorizer' : 'application';
  put(r, 'requestId', str(o.requestId) ?? str(o.request_id));
  put(r, 'traceId', str(o.xray_trace_id) ?? str(o.traceId));
  put(r, 'consumer', str(o.consumer));
  put(r, 'tenant', str(o.tenant));
  put(r, 'tier', str(o.tier));
  put(r, 'route', str(o.route));
  put(r, 'canary', str(o.canary));
  if (looksLikeAuthorizer) {
    const authorizer: Fields = {};
    if (put(authorizer, 'decision', str(o.decision) ?? str(o.effect)) + put(authorizer, 'reason', str(o.reason) ?? str(o.denyReason))) r.authorizer = authorizer;
  }
  const err = o.error;
  if (err !== undefined) {
    const error: Fields = {};
    const fields = typeof err === 'object' && err !== null
      ? put(error, 'type', str((err as Fields).name)) + put(error, 'message', str((err as Fields).message))
      : put(error, 'message', str(err));
    if (fields) r.error = error;
  }
  const log: Fields = {};
  const message = typeof o.message === 'string' ? o.message : o.message === undefined ? undefined : JSON.stringify(limitNesting(o.message));
  if (put(log, 'level', str(o.level)) + put(log, 'message', message)) r.log = log;
  const detail: Fields = {};
  let details = 0;
  for (const k of keys) if (!AUTHORIZER_MAPPED.has(k)) details += putLogged(detail, k, o[k]);
  if (details) r.detail = detail;
}

function hasAnyKey(o: Fields, keys: readonly string[]): boolean {
  for (const k of keys) if (k in o) return true;
  return false;
}

function parseJsonObject(message: string): Record<string, unknown> | undefined {
  const t = message.trim();
  if (!t.startsWith('{')) {
    // Lambda's text format: "<time>\t<requestId>\t<level>\t{json}"
    const tab = t.lastIndexOf('\t{');
    if (tab < 0) return undefined;
    return parseJsonObject(t.slice(tab + 1));
  }
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Largest time `toISOString` writes with a four-digit year (9999-12-31T23:59:59.999Z). */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
// The events of one payload mostly share their second: its text is formatted once and only the
// milliseconds are appended (a toISOString per event, ~0.6 µs, cost as much as the rest of
// normalising an access line).
let lastSecond = -1;
let lastSecondText = '';

/** `new Date(ms).toISOString()` throws outside ±8.64e15 ms; this answers `undefined` instead. */
function isoTime(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_YEAR_MS) return new Date(ms).toISOString();
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    // `YYYY-MM-DDTHH:mm:ss.` of that second.
    lastSecondText = new Date(second * 1000).toISOString().slice(0, 20);
    lastSecond = second;
  }
  const millis = ms - second * 1000;
  return `${lastSecondText}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/**
 * A field as text. API Gateway prints `-` for a variable without a value. Never `String(object)`:
 * a logged `{"toString": 1}` makes that throw; structures are written as (bounded) JSON.
 */
function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '' || v === '-') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(limitNesting(v));
}

function num(v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Sets `key` unless `value` is undefined; 1 when set, so a group knows it is not empty. */
function put(into: Fields, key: string, value: unknown): number {
  if (value === undefined) return 0;
  into[key] = value;
  return 1;
}

/**
 * A field of the logged line kept in `detail` as logged, unless it is an empty object (records
 * carry no empty groups). Assigning `__proto__` would set the prototype: a logged `__proto__`
 * key stays a plain field.
 */
function putLogged(into: Fields, key: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && isEmpty(value)) return 0;
  if (key === '__proto__') Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
  return 1;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
