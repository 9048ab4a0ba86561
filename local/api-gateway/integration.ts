import { Agent, errors, type Dispatcher } from 'undici';

/**
 * The HTTP_PROXY integration: one exchange with one upstream instance (./service-upstream.ts
 * picks it), the response buffered (API Gateway buffers integration responses; 10 MB payload
 * limit). Errors become gateway responses: no answer within the route's timeout (`timeout_ms`,
 * else the service's `read_timeout_ms`) -> INTEGRATION_TIMEOUT (504), connection refused/reset or
 * an oversized response -> INTEGRATION_FAILURE (502 here, customized in responses.ts).
 */
export interface IntegrationRequest {
  /** `http://host:port` of the upstream. */
  readonly origin: string;
  /** Path and query as sent upstream (see {@link upstreamTarget}). */
  readonly path: string;
  readonly method: string;
  readonly headers: Record<string, string | string[]>;
  readonly body?: Buffer;
  readonly timeoutMs: number;
  /** gRPC services only (./grpc-integration.ts): the headers the gateway itself sets, sent as metadata. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export type IntegrationResult =
  | { readonly ok: true; readonly statusCode: number; readonly headers: Record<string, string | string[]>; readonly body: Buffer; readonly latencyMs: number }
  | { readonly ok: false; readonly type: 'INTEGRATION_TIMEOUT' | 'INTEGRATION_FAILURE'; readonly cause: string; readonly latencyMs: number };

export const MAX_INTEGRATION_RESPONSE_BYTES = 10 * 1024 * 1024;
/** The `cause` of a response over that limit (never retried: every try would be as large). */
export const OVERSIZED_RESPONSE = 'response larger than 10 MB';

/** Hop-by-hop headers (RFC 9110 7.6.1) never forwarded in either direction. */
/**
 * Headers never forwarded to an upstream: hop-by-hop ones, and `expect`, which the front door
 * answers itself (Node sends the viewer its `100 Continue`, as CloudFront does; the body is then
 * forwarded whole, so the upstream must not wait for a second one: undici refused it, a 502).
 */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'host', 'content-length', 'expect']);

/** Characters a URL parser leaves alone in a path and query, so no normalisation is needed. */
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?]|$)/;

/**
 * The path and query of `base + path + ?query` exactly as a WHATWG URL parser sends it (what
 * the integration did when it called `request(url)`): plain targets as they are, anything else
 * (spaces, quotes, non-ASCII, dot segments) through `URL`.
 */
export function upstreamTarget(basePath: string, path: string, rawQuery: string): string {
  const target = rawQuery ? `${basePath}${path}?${rawQuery}` : `${basePath}${path}`;
  if (PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(target)) return target;
  const url = new URL(target, 'http://upstream');
  return `${url.pathname}${url.search}`;
}

class TimeoutError extends Error {
  constructor() { super('integration timeout'); this.name = 'TimeoutError'; }
}

/**
 * One upstream exchange on undici's dispatch API: the body is collected as it arrives (no
 * stream, no async iterator), and one plain timer bounds the whole exchange (headers and body)
 * by the route's timeout.
 */
class BufferingHandler implements Dispatcher.DispatchHandler {
  private statusCode = 0;
  private headers: Record<string, string | string[]> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private controller?: Dispatcher.DispatchController;
  private readonly timer: NodeJS.Timeout;
  private settled = false;

  constructor(
    private readonly started: number,
    private readonly clock: () => number,
    timeoutMs: number,
    private readonly done: (result: IntegrationResult) => void,
  ) {
    this.timer = setTimeout(() => this.fail(new TimeoutError()), timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.settled) controller.abort(new TimeoutError());
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[]>): void {
    if (statusCode < 200) return; // 1xx informational
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > MAX_INTEGRATION_RESPONSE_BYTES) {
      this.finish({ ok: false, type: 'INTEGRATION_FAILURE', cause: OVERSIZED_RESPONSE, latencyMs: this.clock() - this.started });
      controller.abort(new Error(OVERSIZED_RESPONSE));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const headers: Record<string, string | string[]> = {};
    for (const name in this.headers) {
      const value = this.headers[name];
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.finish({ ok: true, statusCode: this.statusCode, headers, body, latencyMs: this.clock() - this.started });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }

  fail(err: Error): void {
    if (this.settled) return;
    const e = err as Error & { code?: string };
    const timedOut = e instanceof TimeoutError || e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError
      || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT';
    this.finish({ ok: false, type: timedOut ? 'INTEGRATION_TIMEOUT' : 'INTEGRATION_FAILURE', cause: e.code ?? e.name, latencyMs: this.clock() - this.started });
    if (timedOut) this.controller?.abort(err);
  }

  private finish(result: IntegrationResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.done(result);
  }
}

export class Integration {
  /** Keep-alive pool per upstream origin (like the ALB's connections to its targets). */
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1, connect: { timeout: 2000 } });

  call(req: IntegrationRequest, clock: () => number = Date.now): Promise<IntegrationResult> {
    const started = clock();
    return new Promise((resolve) => {
      const handler = new BufferingHandler(started, clock, req.timeoutMs, resolve);
      try {
        this.agent.dispatch({
          origin: req.origin,
          path: req.path,
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.body && req.body.length > 0 ? req.body : null,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
        }, handler);
      } catch (err) {
        handler.fail(err as Error);
      }
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
