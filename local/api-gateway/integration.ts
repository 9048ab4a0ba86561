import { Agent, errors, request } from 'undici';

/**
 * The HTTP_PROXY integration: forwards the request to the upstream chosen by the route and
 * buffers the response (API Gateway buffers integration responses; 10 MB payload limit).
 * Errors become gateway responses: no answer within the service's `read_timeout_ms` ->
 * INTEGRATION_TIMEOUT (504), connection refused/reset or an oversized response ->
 * INTEGRATION_FAILURE (502 here, customized in responses.ts).
 */
export interface IntegrationRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string | string[]>;
  readonly body?: Buffer;
  readonly timeoutMs: number;
}

export type IntegrationResult =
  | { readonly ok: true; readonly statusCode: number; readonly headers: Record<string, string | string[]>; readonly body: Buffer; readonly latencyMs: number }
  | { readonly ok: false; readonly type: 'INTEGRATION_TIMEOUT' | 'INTEGRATION_FAILURE'; readonly cause: string; readonly latencyMs: number };

export const MAX_INTEGRATION_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Hop-by-hop headers (RFC 9110 7.6.1) never forwarded in either direction. */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'host', 'content-length']);

export class Integration {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1, connect: { timeout: 2000 } });

  async call(req: IntegrationRequest, clock: () => number = Date.now): Promise<IntegrationResult> {
    const started = clock();
    try {
      const res = await request(req.url, {
        method: req.method as 'GET',
        headers: req.headers,
        body: req.body && req.body.length > 0 ? req.body : undefined,
        dispatcher: this.agent,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        signal: AbortSignal.timeout(req.timeoutMs),
        maxRedirections: 0,
      } as Parameters<typeof request>[1]);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_INTEGRATION_RESPONSE_BYTES) {
          res.body.destroy();
          return { ok: false, type: 'INTEGRATION_FAILURE', cause: 'response larger than 10 MB', latencyMs: clock() - started };
        }
        chunks.push(chunk as Buffer);
      }
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      return { ok: true, statusCode: res.statusCode, headers, body: Buffer.concat(chunks), latencyMs: clock() - started };
    } catch (err) {
      const latencyMs = clock() - started;
      const e = err as Error & { code?: string };
      const timedOut = e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError
        || e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT';
      return { ok: false, type: timedOut ? 'INTEGRATION_TIMEOUT' : 'INTEGRATION_FAILURE', cause: e.code ?? e.name, latencyMs };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
