import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { REFUSAL, refusalBody, type RefusalText } from '../lib/contract/refusals';
import { VIEWER_CONTINENT_HEADER, VIEWER_COUNTRY_HEADER } from './edge-dns';

/**
 * CloudFront's one exchange with the origin the edge router chose (./edge-router.ts): the
 * viewer's request streamed to the region's gateway as it came (Host, header names, order and
 * repeats kept), the answer streamed back. Never a second try, on that region or another:
 * CloudFront does not resend a request it sent (origin groups, which would, are ruled out by
 * decision 0026 D3), so a request in flight when a region dies gets an error.
 *
 * undici (already the integration's client, ./api-gateway/integration.ts) rather than
 * @fastify/reply-from: reply-from would put a second fastify, with its own body parsing and
 * method list, in front of the twin's, and it retries a GET that got a 503 unless told not to.
 */

/**
 * The viewer's address, from the router to the gateway behind it, which plays CloudFront's
 * viewer-request function and needs it (X-Gatehouse-Client-IP, X-Forwarded-For, allowed_cidrs).
 * A viewer's own value never passes the router; a gateway of a multi-region twin reads it and
 * drops it (./server.ts).
 */
export const EDGE_VIEWER_ADDRESS_HEADER = 'x-gatehouse-edge-viewer-address';

/** CloudFront's defaults for a custom origin (lib/stacks/cdn-stack.ts sets the read timeout, 30 s). */
const ORIGIN_READ_TIMEOUT_MS = 30_000;
const ORIGIN_CONNECT_TIMEOUT_MS = 10_000;

/** Not passed on: hop-by-hop headers (RFC 9110 7.6.1), `expect` (Node answered the 100 itself), the twin's own. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect', EDGE_VIEWER_ADDRESS_HEADER, VIEWER_COUNTRY_HEADER, VIEWER_CONTINENT_HEADER]);
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'trailer', 'upgrade']);

/** How one forward ended: the origin's status, or the edge's own answer when there was none. */
export type ForwardOutcome =
  | { readonly answered: true; readonly statusCode: number }
  | { readonly answered: false; readonly statusCode: 502 | 504; readonly cause: string };

export class OriginForwarder {
  private readonly agent = new Agent({
    keepAliveTimeout: 30_000, pipelining: 1,
    headersTimeout: ORIGIN_READ_TIMEOUT_MS, bodyTimeout: ORIGIN_READ_TIMEOUT_MS, connect: { timeout: ORIGIN_CONNECT_TIMEOUT_MS },
  });

  /**
   * Sends `req` to `origin` once and answers `res` with what came back. Without an answer
   * (refused, reset, timed out), the edge answers 502 `upstream_unavailable` or 504
   * `upstream_timeout` (deployed, CloudFront sends its own error page with the same status).
   */
  async forward(req: IncomingMessage, res: ServerResponse, origin: string, viewerIp: string): Promise<ForwardOutcome> {
    const headers: string[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      if (!NOT_FORWARDED.has(req.rawHeaders[i].toLowerCase())) headers.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    headers.push(EDGE_VIEWER_ADDRESS_HEADER, viewerIp);
    const length = req.headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
    const sent = hasBody ? headers : withoutContentLength(headers);
    const abort = new AbortController();
    res.once('close', () => { if (!res.writableFinished) abort.abort(); });
    let answer: Dispatcher.ResponseData;
    try {
      answer = await this.agent.request({
        origin, path: req.url ?? '/', method: req.method as Dispatcher.HttpMethod, headers: sent,
        body: hasBody ? req : null, signal: abort.signal,
      });
    } catch (err) {
      const outcome = failure(err);
      if (!res.headersSent && !res.destroyed) sendRefusal(res, outcome.statusCode, outcome.statusCode === 504 ? REFUSAL.upstreamTimeout : REFUSAL.upstreamUnavailable);
      return outcome;
    }
    const out: Record<string, string | string[]> = {};
    for (const name in answer.headers) {
      const value = answer.headers[name];
      if (value !== undefined && !NOT_RETURNED.has(name)) out[name] = value;
    }
    res.writeHead(answer.statusCode, out);
    // An answer cut off mid-body reaches the viewer cut off too, as through CloudFront.
    pipeline(answer.body, res, () => undefined);
    return { answered: true, statusCode: answer.statusCode };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** An edge answer of the twin's own: JSON `{message, code}` like every refusal of the twin's edge. */
export function sendRefusal(res: ServerResponse, statusCode: number, text: RefusalText, extra: Record<string, string> = {}): void {
  const body = refusalBody(text);
  res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...extra }).end(body);
}

function failure(err: unknown): ForwardOutcome & { answered: false } {
  const e = err as Error & { code?: string };
  const code = e.code ?? e.name;
  const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
  return { answered: false, statusCode: timedOut ? 504 : 502, cause: code };
}

function withoutContentLength(flat: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i].toLowerCase() !== 'content-length') out.push(flat[i], flat[i + 1]);
  return out;
}
