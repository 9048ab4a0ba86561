import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostPort, listen } from './listen';

/**
 * Built-in sample upstreams for services without `local_url`: each answers every request with a
 * JSON echo of what it received (method, path, query, headers, body), so the gateway's
 * transformations are visible. `GET /health` answers `{"status":"ok"}`.
 */
export interface SampleUpstream {
  readonly service: string;
  readonly url: string;
  close(): Promise<void>;
}

export const MAX_ECHO_BODY = 1024 * 1024;

/** `region`: the region it serves in a multi-region twin, named in every echo (`"region"`) so a caller sees which region answered. */
export async function startSampleUpstream(service: string, port = 0, host = '127.0.0.1', region?: string): Promise<SampleUpstream> {
  const server = createServer((req, res) => {
    readBody(req).then((body) => {
      if (req.method === 'GET' && req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://upstream');
      const payload = JSON.stringify({
        service,
        ...(region ? { region } : {}),
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: body.length > 0 ? body.toString('utf8') : undefined,
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-powered-by': 'gatehouse-sample', etag: `"${hash(payload)}"` }).end(payload);
    }, () => { res.writeHead(413).end(); });
  });
  server.keepAliveTimeout = 65_000;
  await listen(server, 'upstream', port, host);
  const { port: bound } = server.address() as AddressInfo;
  return { service, url: `http://${hostPort(host, bound)}`, close: () => closeServer(server) };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_ECHO_BODY) { req.destroy(); reject(new Error('too large')); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function hash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
