import { request } from 'node:https';
import { isHealthyAnswer } from '../../lib/contract/health-route';

/** Bytes of an answer read at most: the health body is ~40 bytes; anything longer is not it. */
export const MAX_ANSWER_BYTES = 4096;

/** One probe of one region. */
export interface ProbeRequest {
  /** The region probed: the answer must name it. */
  readonly region: string;
  /** Where to connect: the region's regional domain name (d-….execute-api.<region>.amazonaws.com). */
  readonly address: string;
  /** @default 443 */
  readonly port?: number;
  /** domains.api: TLS SNI, the certificate's expected name and the Host header (the custom domain is STRICT). */
  readonly host: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The whole probe (connect, TLS, answer) within this many ms. */
  readonly timeoutMs: number;
  /** Trusted CAs instead of Node's (tests only; the deployed prober verifies against the public CAs). */
  readonly ca?: string | Buffer;
}

/** What an answer (or its absence) says about the region. */
export type Verdict =
  | { readonly healthy: true; readonly status: number }
  | { readonly healthy: false; readonly reason: string; readonly status?: number };

export type ProbeResult = Verdict & { readonly ms: number };

export type Probe = (req: ProbeRequest) => Promise<ProbeResult>;

/**
 * GET `path` over a fresh TLS connection (no pooling: each probe also proves DNS, TCP and the
 * handshake, and follows the endpoint's addresses as they change). The certificate is verified
 * against `host`, unlike a Route 53 HTTPS check (F10), so an expired or wrong certificate, which
 * CloudFront would refuse too, fails the probe. Never rejects: a failure is a result.
 */
export const probe: Probe = (req) => new Promise((resolve) => {
  const started = Date.now();
  let settled = false;
  const finish = (result: Verdict) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    resolve({ ...result, ms: Date.now() - started });
  };
  const outgoing = request({
    host: req.address,
    port: req.port ?? 443,
    servername: req.host,
    method: 'GET',
    path: req.path,
    headers: { ...req.headers, host: req.host, accept: 'application/json', 'user-agent': 'gatehouse-health-prober' },
    agent: false,
    ca: req.ca,
  }, (res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        finish({ healthy: false, status: res.statusCode, reason: `answer longer than ${MAX_ANSWER_BYTES} bytes` });
        res.destroy();
      } else chunks.push(chunk);
    });
    res.on('end', () => finish(verdict(req.region, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
    res.on('error', (err) => finish({ healthy: false, status: res.statusCode, reason: `answer broken off: ${err.message}` }));
  });
  const timer = setTimeout(() => {
    finish({ healthy: false, reason: `no answer within ${req.timeoutMs} ms` });
    outgoing.destroy();
  }, req.timeoutMs);
  outgoing.on('error', (err) => finish({ healthy: false, reason: err.message }));
  outgoing.end();
});

/** The answer judged by the health contract: 200 and the body naming the region probed. */
export function verdict(region: string, status: number, text: string): Verdict {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isHealthyAnswer(status, body, region)) return { healthy: true, status };
  if (status !== 200) return { healthy: false, status, reason: `status ${status}` };
  const named = (body as { region?: unknown } | undefined)?.region;
  return { healthy: false, status, reason: typeof named === 'string' ? `answered by ${named}, not ${region}` : 'not the health answer' };
}
