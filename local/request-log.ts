/** One structured line per request (JSON), like the API's access log plus the local extras. */
export interface RequestLogLine {
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
  readonly stageCache?: 'hit' | 'miss' | 'bypass';
  /** The gateway response type or WAF rule that answered, when the upstream did not. */
  readonly error?: string;
}

export type RequestLogger = (line: RequestLogLine) => void;

/** Writes JSON lines to a stream (stdout by default). */
export function jsonLineLogger(stream: NodeJS.WritableStream = process.stdout): RequestLogger {
  return (line) => { stream.write(`${JSON.stringify(line)}\n`); };
}

export const silentLogger: RequestLogger = () => {};
