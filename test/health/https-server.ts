import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

/** A self-signed certificate for `name` (openssl; Node 20's crypto cannot issue X.509 certificates). */
export function selfSignedCertificate(name: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gh-cert-'));
  try {
    const run = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`openssl could not make a test certificate: ${run.error?.message ?? run.stderr}`);
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the server saw of one request. */
export interface SeenRequest {
  readonly at: number;
  readonly method: string;
  readonly url: string;
  readonly host: string | undefined;
  /** The TLS SNI the client sent. */
  readonly servername: string | false | null | undefined;
  readonly headers: IncomingMessage['headers'];
}

export type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** A regional endpoint stand-in on 127.0.0.1: answers with `answer` (changeable per test), records every request. */
export class FakeRegionalEndpoint {
  readonly seen: SeenRequest[] = [];
  answer: Answer = (_req, res) => res.writeHead(500).end();
  private server?: Server;

  constructor(private readonly tls: { key: string; cert: string }) {}

  async start(): Promise<number> {
    this.server = createServer(this.tls, (req, res) => {
      this.seen.push({ at: Date.now(), method: req.method ?? '', url: req.url ?? '', host: req.headers.host, servername: (req.socket as TLSSocket).servername, headers: req.headers });
      this.answer(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** API Gateway's MOCK answer of the health route in `region`. */
export const healthyAnswer = (region: string): Answer => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', region }));
};
