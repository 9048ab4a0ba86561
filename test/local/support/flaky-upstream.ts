import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real upstream instance whose behaviour a test sets between requests: healthy, failing a
 * share of its calls, slow, dropping connections, or holding requests until released. It answers
 * `{"instance": name}`, so a test sees which instance served, and counts what it received.
 */
export type Behaviour =
  | { readonly kind: 'healthy' }
  /** Answers `status` to exactly `percent` % of the calls from now on: call k fails when floor(k x percent / 100) grows. */
  | { readonly kind: 'failing'; readonly percent: number; readonly status: number }
  /** Answers after `delayMs`. */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** Closes the connection without answering (a crashed instance, as the gateway sees it). */
  | { readonly kind: 'dropping' }
  /** Keeps each request open until `release()`. */
  | { readonly kind: 'holding' };

export interface FlakyUpstream {
  readonly name: string;
  readonly url: string;
  /** Requests received since the start or the last `behave`, by method. */
  readonly hits: { total: number; readonly byMethod: Record<string, number> };
  /** Sets the behaviour and zeroes the counts. */
  behave(behaviour: Behaviour): void;
  /** Answers every held request (200). */
  release(): void;
  close(): Promise<void>;
}

export async function startFlakyUpstream(name: string): Promise<FlakyUpstream> {
  let behaviour: Behaviour = { kind: 'healthy' };
  let calls = 0;
  const hits = { total: 0, byMethod: {} as Record<string, number> };
  let held: ServerResponse[] = [];
  const ok = (res: ServerResponse) => { if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ instance: name })); };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      hits.total += 1;
      hits.byMethod[req.method!] = (hits.byMethod[req.method!] ?? 0) + 1;
      const b = behaviour;
      switch (b.kind) {
        case 'healthy': return ok(res);
        case 'failing': {
          const fails = Math.floor((calls * b.percent) / 100) > Math.floor(((calls - 1) * b.percent) / 100);
          if (!fails) return ok(res);
          res.writeHead(b.status, { 'content-type': 'application/json' }).end(JSON.stringify({ instance: name, failed: true }));
          return undefined;
        }
        case 'slow': { setTimeout(() => ok(res), b.delayMs).unref(); return undefined; }
        case 'dropping': { req.socket.destroy(); return undefined; }
        case 'holding': { held.push(res); return undefined; }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    hits,
    behave: (next) => {
      behaviour = next;
      calls = 0;
      hits.total = 0;
      for (const m of Object.keys(hits.byMethod)) delete hits.byMethod[m];
    },
    release: () => { const answering = held; held = []; answering.forEach(ok); },
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
