import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { GATEWAY_PATH_PREFIX, HEALTH_PATH, isHealthyAnswer } from '../lib/contract/health-route';
import { GATEWAY_PATHS_REGEX } from '../lib/contract/edge-waf-rules';
import { REFUSAL } from '../lib/contract/refusals';
import { edgeBody, parserRefusal } from './cloudfront';
import { candidateRegions, edgeLocation, locationKey, resolveRegion, ResolverCache, VIEWER_CONTINENT_HEADER, VIEWER_COUNTRY_HEADER, type CachedAnswer, type TwinRouting } from './edge-dns';
import { OriginForwarder, sendRefusal } from './edge-proxy';
import { hostPort, listen } from './listen';
import { probeTiming, RegionHealth, type ProbeResult, type ProbeTiming } from './region-health';
import { silentLogger, type RequestLogger } from './request-log';

/**
 * The front of a multi-region twin (local/multi-region.ts): the stand-in for CloudFront's choice
 * of origin and for Route 53 behind it (decision 0026 D3, D4). It probes every region's health
 * route, keeps each region in or out of rotation (./region-health.ts), resolves the API's name
 * by the routing policy with the resolver's TTL (./edge-dns.ts), and forwards each request once
 * to the region of the answer (./edge-proxy.ts). What CloudFront does to requests and responses
 * (viewer function, response headers policy) stays in each region's gateway, which plays it as
 * in a one-region twin. The edge web ACL refuses `/_gatehouse/*` to viewers (its GatewayPaths rule,
 * 404 without a body); the router does the same, but for its own status and controls below
 * {@link TWIN_CONTROL_PATH} (loopback only).
 */

export interface RegionOrigin {
  readonly region: string;
  /** `http://host:port` of the region's gateway. */
  readonly url: string;
}

/** Taking a region's gateway down and back (local/multi-region.ts), for the control paths. */
export interface RegionControl {
  stop(region: string): Promise<void>;
  start(region: string): Promise<void>;
  isRunning(region: string): boolean;
}

/** One probe of a region's health route; the default is an HTTP GET of {@link HEALTH_PATH}. */
export type HealthProbe = (origin: RegionOrigin, timeoutMs: number) => Promise<ProbeResult>;

export interface EdgeRouterOptions {
  /** The regions' gateways, primary first. */
  readonly regions: readonly RegionOrigin[];
  readonly routing: TwinRouting;
  /**
   * Multiplies every duration of `routing` (probe interval and timeout, period, TTL) and nothing
   * else: 0.01 runs a 60 s period in 600 ms with the same probe and failure counts. From 0.001 to 1.
   * @default 1
   */
  readonly timeScale?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** The router's own answers (502/504 without an origin answer, 404 for `/_gatehouse/*`), `region` set. */
  readonly log?: RequestLogger;
  /** Told when a region leaves or rejoins rotation. */
  readonly notice?: (line: string) => void;
  readonly control?: RegionControl;
  readonly probe?: HealthProbe;
  /** @default Date.now */
  readonly clock?: () => number;
}

export interface RegionStatus {
  readonly region: string;
  readonly primary: boolean;
  readonly url: string;
  /** Whether its gateway listens (only with a control). */
  readonly running?: boolean;
  readonly inRotation: boolean;
  /** Failed probes among the last period's (`probes` of them so far). */
  readonly failedProbes: number;
  readonly probes: number;
  readonly lastFailure?: string;
}

export interface RouterStatus {
  readonly policy: TwinRouting['policy'];
  readonly timeScale: number;
  readonly ttlMs: number;
  readonly probeIntervalMs: number;
  readonly probeTimeoutMs: number;
  readonly periodMs: number;
  readonly failedProbes: number;
  readonly regions: readonly RegionStatus[];
  /** The resolver's cached answers that are still valid. */
  readonly answers: readonly (CachedAnswer & { readonly expiresInMs: number })[];
}

export interface EdgeRouter {
  readonly url: string;
  readonly timing: ProbeTiming & { readonly ttlMs: number };
  status(): RouterStatus;
  close(): Promise<void>;
}

/** The router's status (GET) and, below it, `POST <region>/stop` and `POST <region>/start`. */
export const TWIN_CONTROL_PATH = `${GATEWAY_PATH_PREFIX}/twin/regions`;

export async function startEdgeRouter(options: EdgeRouterOptions): Promise<EdgeRouter> {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0.001 && timeScale <= 1)) throw new Error(`edge router: time scale ${timeScale} is not from 0.001 to 1`);
  const { routing, regions } = options;
  const clock = options.clock ?? Date.now;
  const log = options.log ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const timing = { ...probeTiming(routing.health_check, timeScale), ttlMs: routing.ttl_seconds * 1000 * timeScale };
  const names = regions.map((r) => r.region);
  const origins = new Map(regions.map((r) => [r.region, r]));
  const health = new Map(regions.map((r) => [r.region, new RegionHealth(routing.health_check)]));
  const cache = new ResolverCache(timing.ttlMs, clock);
  const forwarder = new OriginForwarder();
  const probeAgent = new Agent({ keepAliveTimeout: 30_000, pipelining: 1 });
  const probe = options.probe ?? httpProbe(probeAgent);
  let closed = false;

  const status = (): RouterStatus => {
    const now = clock();
    return {
      policy: routing.policy, timeScale, ttlMs: timing.ttlMs, probeIntervalMs: timing.intervalMs, probeTimeoutMs: timing.timeoutMs, periodMs: timing.periodMs,
      failedProbes: routing.health_check.failed_probes,
      regions: regions.map(({ region, url }, i) => {
        const h = health.get(region)!;
        const { failed, of, why } = h.failures;
        return { region, primary: i === 0, url, running: options.control?.isRunning(region), inRotation: h.inRotation, failedProbes: failed, probes: of, lastFailure: why };
      }),
      answers: cache.valid().map((a) => ({ ...a, expiresInMs: a.expiresAt - now })),
    };
  };

  const timers = regions.map((origin) => {
    const judge = health.get(origin.region)!;
    const tick = async () => {
      const result = await probe(origin, timing.timeoutMs).catch((err: Error): ProbeResult => ({ ok: false, why: err.message }));
      if (closed) return;
      const change = judge.record(result);
      if (!change) return;
      options.notice?.(change.inRotation
        ? `edge router: ${origin.region} back in rotation (${change.failed} of the last ${change.of} probes failed)`
        : `edge router: ${origin.region} out of rotation (${change.failed} of the last ${change.of} probes failed: ${change.why}); cached answers naming it expire within ${formatMs(timing.ttlMs)}`);
    };
    void tick();
    return setInterval(() => void tick(), timing.intervalMs);
  });

  const ownAnswer = (req: IncomingMessage, started: number, statusCode: number, error: string, region?: string) => {
    log({ time: new Date(clock()).toISOString(), requestId: '-', method: req.method ?? '-', path: pathOf(req.url).slice(0, 256), status: statusCode, latencyMs: clock() - started, error: `edge:${error}`, ...(region ? { region } : {}) });
  };

  const control = async (req: IncomingMessage, res: ServerResponse, path: string, started: number) => {
    const json = (statusCode: number, body: unknown) => res.writeHead(statusCode, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(`${JSON.stringify(body, null, 2)}\n`);
    if (path === TWIN_CONTROL_PATH && req.method === 'GET') return json(200, status());
    const action = /^\/([a-z0-9-]+)\/(stop|start)$/.exec(path.slice(TWIN_CONTROL_PATH.length));
    if (!action || req.method !== 'POST' || !options.control) {
      ownAnswer(req, started, 404, 'twin_control');
      return sendRefusal(res, 404, REFUSAL.notFound);
    }
    const [, region, verb] = action;
    if (!origins.has(region)) return json(404, { message: `no region ${region}; regions: ${names.join(', ')}`, code: 'not_found' });
    try {
      await (verb === 'stop' ? options.control.stop(region) : options.control.start(region));
    } catch (err) {
      return json(500, { message: `${verb} ${region}: ${(err as Error).message}`, code: 'internal_error' });
    }
    return json(200, status());
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const started = clock();
    const path = pathOf(req.url);
    if (path === TWIN_CONTROL_PATH || path.startsWith(`${TWIN_CONTROL_PATH}/`)) {
      if (isLoopback(req.socket.remoteAddress)) return void control(req, res, path, started);
    }
    if (GATEWAY_PATHS.test(asGatewayPathsRuleSees(path))) {
      // The edge web ACL's GatewayPaths rule: gateway-owned paths are reached only around CloudFront.
      ownAnswer(req, started, 404, 'GatewayPaths');
      return void res.writeHead(404, { 'content-length': 0 }).end();
    }
    const location = edgeLocation(header(req, VIEWER_COUNTRY_HEADER), header(req, VIEWER_CONTINENT_HEADER));
    const region = cache.regionFor(locationKey(routing.policy, location), () => resolveRegion(candidateRegions(routing, names, location), (r) => health.get(r)!.inRotation));
    if (region === undefined) {
      ownAnswer(req, started, 502, 'no_dns_answer');
      return sendRefusal(res, 502, REFUSAL.upstreamUnavailable);
    }
    void forwarder.forward(req, res, origins.get(region)!.url, viewerAddress(req)).then((outcome) => {
      if (!outcome.answered) ownAnswer(req, started, outcome.statusCode, `origin_${outcome.cause}`, region);
    });
  };

  const server: Server = createServer({
    // As the gateways' own parser (./server.ts), so the router refuses nothing a gateway would take.
    maxHeaderSize: 32 * 1024, requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 60_000, connectionsCheckingInterval: 1000,
  }, handle);
  server.on('clientError', (err: Error & { code?: string; rawPacket?: unknown }, socket) => {
    if (!socket.writable) { socket.destroy(); return; }
    const refusal = parserRefusal(err.code, err.rawPacket);
    const body = edgeBody(refusal);
    socket.end(`HTTP/1.1 ${refusal.statusCode} ${STATUS_CODES[refusal.statusCode]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  try {
    await listen(server, 'gateway', options.port ?? 0, host);
  } catch (err) {
    closed = true;
    for (const t of timers) clearInterval(t);
    await Promise.all([forwarder.close(), probeAgent.close()]);
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostPort(host, port)}`,
    timing,
    status,
    close: () => {
      closing ??= (async () => {
        closed = true;
        for (const t of timers) clearInterval(t);
        await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); setTimeout(() => server.closeAllConnections(), 5000).unref(); });
        await Promise.all([forwarder.close(), probeAgent.close()]);
      })();
      return closing;
    },
  };
}

/** GET {@link HEALTH_PATH} on the region's gateway: healthy = 200 with `{status: ok, region: <this region>}`. */
function httpProbe(agent: Agent): HealthProbe {
  return async ({ region, url }, timeoutMs) => {
    try {
      const res = await agent.request({ origin: url, path: HEALTH_PATH, method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
      const text = await res.body.text();
      let body: unknown;
      try { body = JSON.parse(text); } catch { body = undefined; }
      if (isHealthyAnswer(res.statusCode, body, region)) return { ok: true };
      return { ok: false, why: res.statusCode === 200 ? `answer ${text.slice(0, 80)}` : `status ${res.statusCode}` };
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, why: `no answer within ${formatMs(timeoutMs)}` };
      return { ok: false, why: e.code === 'ECONNREFUSED' ? 'connection refused' : e.code ?? e.message };
    }
  };
}

const GATEWAY_PATHS = new RegExp(GATEWAY_PATHS_REGEX);

/**
 * The path as the GatewayPaths rule's text transformations leave it: URL_DECODE,
 * NORMALIZE_PATH (no `//`, `/./` or `/../`), LOWERCASE; so `/%5Fgatehouse/health` and
 * `//_Gatehouse/health` are caught like `/_gatehouse/health`.
 */
function asGatewayPathsRuleSees(path: string): string {
  let decoded = path;
  try { decoded = decodeURIComponent(path); } catch { /* WAF leaves an undecodable sequence as it is */ }
  const out: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop(); else out.push(segment);
  }
  return `/${out.join('/')}${decoded.endsWith('/') && out.length > 0 ? '/' : ''}`.toLowerCase();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q >= 0 ? u.slice(0, q) : u;
}

function viewerAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && /^(127\.|::1$|::ffff:127\.)/.test(address);
}

/** `600 ms`, `3 s`, `60 s`. */
export function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${Number((ms / 1000).toFixed(2))} s` : `${Number(ms.toFixed(1))} ms`;
}
