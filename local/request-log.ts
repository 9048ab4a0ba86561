/** One structured line per request (JSON), like the API's access log plus the local extras. */
export interface RequestLogLine {
  /** The region that served it, in a multi-region twin (local/multi-region.ts); absent with one region. */
  readonly region?: string;
  readonly time: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly route?: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly consumer?: string;
  readonly tier?: string;
  /** true: the authorizer result came from the cache; false: the authorizer ran; absent: not reached. */
  readonly authorizerCacheHit?: boolean;
  /** allowed, limited, degraded (limiter down, fault_tolerant), unavailable, or a usage plan verdict. */
  readonly limiter?: string;
  readonly upstreamLatencyMs?: number;
  /** Upstream calls made, on a route with `retries` (a twin-only feature: AWS calls once). */
  readonly upstreamTries?: number;
  readonly stageCache?: 'hit' | 'miss' | 'bypass';
  /** The gateway response type or WAF rule that answered, when the upstream did not. */
  readonly error?: string;
  /**
   * Why the request was refused (local only, never sent to the caller): the authorizer's `reason`
   * (e.g. jwt_expired, jwt_signature_invalid, api_key_unknown, insufficient_scope, rate_limited), or
   * `identity_source_missing` when API Gateway answered 401 without invoking it. Decision 0018.
   */
  readonly reason?: string;
}

export type RequestLogger = (line: RequestLogLine) => void;

/** A logger that batches its lines; `flush()` writes what is pending now (call it before exiting). */
export interface BufferedRequestLogger extends RequestLogger {
  flush(): void;
}

export interface JsonLineLoggerOptions {
  /** Pending bytes that trigger a write before the end of the event-loop turn. @default 65_536 */
  readonly batchBytes?: number;
  /** While the stream applies backpressure, lines beyond this many pending bytes are dropped (and counted on stderr). @default 16 MiB */
  readonly maxPendingBytes?: number;
}

/**
 * Writes JSON lines to a stream (stdout by default), batched: the lines of one event-loop turn
 * go out in one write (`setImmediate`), like pino's asynchronous destination, instead of one
 * synchronous write per request. Memory stays bounded when the stream cannot keep up.
 */
export function jsonLineLogger(stream: NodeJS.WritableStream = process.stdout, options: JsonLineLoggerOptions = {}): BufferedRequestLogger {
  const batchBytes = options.batchBytes ?? 65_536;
  const maxPending = options.maxPendingBytes ?? 16 * 1024 * 1024;
  let pending = '';
  let scheduled = false;
  let draining = false;
  let dropped = 0;
  const flush = () => {
    scheduled = false;
    if (draining || pending === '') return;
    const chunk = pending;
    pending = '';
    if (!stream.write(chunk)) {
      draining = true;
      stream.once('drain', () => {
        draining = false;
        if (dropped > 0) { process.stderr.write(`request log: ${dropped} lines dropped (output too slow)\n`); dropped = 0; }
        flush();
      });
    }
  };
  const logger = ((line: RequestLogLine) => {
    if (draining && pending.length > maxPending) { dropped++; return; }
    pending += `${JSON.stringify(line)}\n`;
    if (pending.length >= batchBytes) flush();
    else if (!scheduled) { scheduled = true; setImmediate(flush); }
  }) as BufferedRequestLogger;
  logger.flush = flush;
  return logger;
}

export const silentLogger: RequestLogger = () => {};
