import { ACCESS_LOG_FIELDS } from '../../lib/gateway/access-log';
import type { SubscriptionLogEvent } from './decode';

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
  /** ISO 8601 time of the log event. */
  readonly time: string;
  readonly environment?: string;
  readonly source: { readonly logGroup: string; readonly logStream: string; readonly eventId: string };
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
}

/** Access log keys, from the one definition of the access log format. */
const ACCESS_KEYS = new Set(Object.keys(ACCESS_LOG_FIELDS));
/** Keys the authorizer record maps to first-class fields (the rest goes to `detail`). */
const AUTHORIZER_MAPPED = new Set(['level', 'message', 'timestamp', 'time', 'requestId', 'request_id', 'xray_trace_id', 'traceId',
  'consumer', 'tenant', 'tier', 'route', 'canary', 'decision', 'effect', 'reason', 'denyReason', 'error']);

/**
 * Normalises one log event to an {@link AuditRecord}; `undefined` for lines that are not audit
 * material (Lambda platform START/END/REPORT events).
 */
export function normalizeLogEvent(event: SubscriptionLogEvent, ctx: NormalizeContext): AuditRecord | undefined {
  const base = {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    time: new Date(event.timestamp).toISOString(),
    ...(ctx.environment ? { environment: ctx.environment } : {}),
    source: { logGroup: ctx.logGroup, logStream: ctx.logStream, eventId: event.id },
  } as const;
  const parsed = parseJsonObject(event.message);
  if (!parsed) {
    if (/^(START|END|REPORT|INIT_START) RequestId:|^INIT_START /.test(event.message)) return undefined;
    return { ...base, kind: 'application', log: { message: event.message.trimEnd() } };
  }
  if (typeof parsed.type === 'string' && parsed.type.startsWith('platform.')) return undefined;
  if (isAccessLog(parsed)) return compact({ ...base, ...fromAccessLog(parsed) });
  return compact({ ...base, ...fromStructuredLog(parsed) });
}

function isAccessLog(o: Record<string, unknown>): boolean {
  return ['requestId', 'httpMethod', 'status', 'resourcePath'].every((k) => k in o)
    && Object.keys(o).filter((k) => ACCESS_KEYS.has(k)).length >= Object.keys(o).length / 2;
}

function fromAccessLog(o: Record<string, unknown>): Omit<AuditRecord, 'schemaVersion' | 'time' | 'source'> {
  const s = (k: string) => str(o[k]);
  const n = (k: string) => num(o[k]);
  const extra = Object.fromEntries(Object.entries(o).filter(([k]) => !ACCESS_KEYS.has(k)));
  return {
    kind: 'access',
    requestId: s('requestId'),
    traceId: s('xrayTraceId'),
    consumer: s('consumer'),
    tenant: s('tenant'),
    tier: s('tier'),
    route: s('route'),
    canary: s('canary'),
    http: {
      method: s('httpMethod'), path: s('path'), resourcePath: s('resourcePath'), status: n('status'),
      protocol: s('protocol'), domain: s('domainName'), userAgent: s('userAgent'), responseBytes: n('responseLength'),
    },
    latencyMs: { total: n('responseLatency'), authorizer: n('authorizerLatency'), integration: n('integrationLatency') },
    authorizer: { status: n('authorizerStatus'), error: s('authorizerError'), reason: s('denyReason') },
    integration: { status: n('integrationStatus'), error: s('integrationError') },
    waf: { responseCode: s('wafResponseCode'), webAclArn: s('webAclArn') },
    tls: { version: s('tlsVersion'), cipher: s('cipherSuite') },
    client: { ip: s('ip'), usagePlanKeyId: s('usagePlanKeyId') },
    error: { type: s('responseType'), message: s('errorMessage') },
    detail: { extendedRequestId: s('extendedRequestId'), ...extra },
  };
}

function fromStructuredLog(o: Record<string, unknown>): Omit<AuditRecord, 'schemaVersion' | 'time' | 'source'> {
  const s = (...keys: string[]) => keys.map((k) => str(o[k])).find((v) => v !== undefined);
  const detail = Object.fromEntries(Object.entries(o).filter(([k]) => !AUTHORIZER_MAPPED.has(k)));
  const looksLikeAuthorizer = ['consumer', 'tier', 'route', 'decision', 'effect', 'reason'].some((k) => k in o)
    || String(o.service ?? '').includes('authorizer');
  const err = o.error;
  return {
    kind: looksLikeAuthorizer ? 'authorizer' : 'application',
    requestId: s('requestId', 'request_id'),
    traceId: s('xray_trace_id', 'traceId'),
    consumer: s('consumer'),
    tenant: s('tenant'),
    tier: s('tier'),
    route: s('route'),
    canary: s('canary'),
    authorizer: looksLikeAuthorizer ? { decision: s('decision', 'effect'), reason: s('reason', 'denyReason') } : undefined,
    error: err === undefined ? undefined
      : typeof err === 'object' && err !== null
        ? { type: str((err as Record<string, unknown>).name), message: str((err as Record<string, unknown>).message) }
        : { message: str(err) },
    log: { level: s('level'), message: typeof o.message === 'string' ? o.message : o.message === undefined ? undefined : JSON.stringify(o.message) },
    detail: Object.keys(detail).length ? detail : undefined,
  };
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

/** API Gateway prints `-` for a variable without a value. */
function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '' || v === '-') return undefined;
  return typeof v === 'string' ? v : String(v);
}

function num(v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Drops undefined fields and empty groups so records stay small and readable. */
function compact<T>(value: T): T {
  if (Array.isArray(value) || typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const c = compact(v);
    if (typeof c === 'object' && c !== null && !Array.isArray(c) && Object.keys(c).length === 0) continue;
    out[k] = c;
  }
  return out as T;
}
