import { createServer, STATUS_CODES, type Server } from 'node:http';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { GatewayEnvironment } from '../lib/config/environments';
import type { GatewayConfig } from '../lib/config/schema';
import type { Clock } from '../lib/rate-limit/rate-limiter';
import { InMemoryRateLimiter } from '../lib/rate-limit/memory-limiter';
import type { AuthorizerConfig } from '../lambdas/authorizer/config';
import { ApiGateway, type ApiResponse } from './api-gateway/pipeline';
import { createLocalAuthorizer, type LocalAuthorizer } from './authorizer-adapter';
import { BAD_REQUEST, CLOUDFRONT_METHODS, compileViewerResponse, edgeBody, INTERNAL_ERROR, MAX_URL_BYTES, originRequestHeaders, parserRefusal, viewerRequestRefusal, type EdgeRefusal } from './cloudfront';
import { localAuthorizerConfig, startLocalIssuers, type IssuerContinuity, type LocalIssuers } from './issuers';
import type { LocalIssuer } from './oidc-issuer';
import { redactUrl } from './env';
import { hostPort, ListenError } from './listen';
import { silentLogger, type RequestLogger } from './request-log';
import { checkSeedTiers, seedConsumerStore, type Seed } from './seed';
import { startSampleUpstream, type SampleUpstream } from './upstreams';
import { startSampleGrpcUpstream } from './grpc-upstreams';
import { startNativeGrpcListener, type NativeGrpcListener } from './grpc-native';
import { nativeGrpcServiceConfigs } from '../lib/contract/native-grpc';
import { resetStaleRecords } from './breaker-records';
import { EDGE_VIEWER_ADDRESS_HEADER } from './edge-proxy';
import type { InMemoryConsumerStore } from '../lambdas/authorizer/consumer-store';
import { refusalBody, tooLarge } from '../lib/contract/refusals';
import { HEALTH_ROUTE_NAME } from './api-gateway/stages/health-route';

import { portalSite, registerPortal, type PortalSite } from './portal';
export { MAX_HEADER_BYTES, MAX_URL_BYTES } from './cloudfront';
/** Node's own parser limit (request line + headers); beyond it Node answers 431 itself. */
const NODE_MAX_HEADER_SIZE = 32 * 1024;

export interface LocalGatewayOptions {
  readonly gateway: GatewayEnvironment;
  readonly seed: Seed;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Port of the local OAuth issuer (the Cognito stand-in; external issuers' stand-ins take free ports); `false` runs without them. @default 0 */
  readonly issuerPort?: number | false;
  /** The issuers' ports and signing keys of the gateway this one replaces (`--watch`). */
  readonly issuerContinuity?: IssuerContinuity;
  /** Redis limiter (`redis://127.0.0.1:6380`); default in-memory. */
  readonly redisUrl?: string;
  readonly dynamodb?: { readonly endpoint: string; readonly tableName: string };
  /** @default Date.now */
  readonly clock?: Clock;
  readonly log?: RequestLogger;
  /** Seconds a slow client may take to send its request. @default 30 */
  readonly requestTimeoutSeconds?: number;
  /**
   * Stage throttle (rate per second, burst). The profile's is derived from `traffic` and capped
   * by API Gateway's default account throttle (10,000 rps); an account with a raised quota, or a
   * benchmark, sets its own.
   * @default profile.stageThrottle
   */
  readonly stageThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Told what happens later that a developer must know (a Redis that was down answers). */
  readonly notice?: (line: string) => void;
  /**
   * This gateway is one region (`gateway.env.region`) of a multi-region twin (./multi-region.ts):
   * it shares the issuers and the consumer store with the other regions (their owner starts and
   * closes them; `issuerPort` is not used), its sample upstreams name the region in their answers,
   * and it takes the viewer's address from the edge router in front ({@link EDGE_VIEWER_ADDRESS_HEADER}).
   */
  readonly regional?: RegionalShare;
  /**
   * Port of the native gRPC listener (./grpc-native.ts: CloudFront's gRPC behaviour + the ALB's
   * native listener), started when the config has a service with `grpc.native.enabled`; `false`
   * runs without it. Not started in a region of a multi-region twin (`regional`).
   * @default 0 (a free port)
   */
  readonly grpcPort?: number | false;
  /** When `grpcPort` is in use, take a free port instead of failing (the default port of `gatehouse start`). */
  readonly grpcPortFallback?: boolean;
}

/** What the regions of a multi-region twin share, as AWS shares the consumers table and the issuers. */
export interface RegionalShare {
  readonly issuers?: LocalIssuers;
  readonly consumers: InMemoryConsumerStore;
}

export interface LocalGateway {
  readonly url: string;
  /** The stand-in for Cognito. */
  readonly issuer?: LocalIssuer;
  /** Every local issuer: the Cognito stand-in and one stand-in per external issuer the routes use. */
  readonly issuers?: LocalIssuers;
  /** Service name -> upstream base URL actually used (with `local_instances`: the first instance's). */
  readonly upstreams: Readonly<Record<string, string>>;
  /** The native gRPC listener, when the config has natively called services. */
  readonly grpc?: NativeGrpcListener;
  readonly authorizerConfig: AuthorizerConfig;
  readonly api: ApiGateway;
  readonly app: FastifyInstance;
  /** Startup warnings to show the developer, one line each (e.g. REDIS_URL not answering). */
  readonly warnings: readonly string[];
  /** Which limiter and consumer store serve, for the banner: `in-memory`, `Redis redis://...`, `DynamoDB table T at URL`. */
  readonly runs: { readonly limiter: string; readonly consumers: string };
  /**
   * Counters back to startup: the authorizer cache, the usage plans and, with the in-memory
   * limiter, the tier windows (Redis counters are the Redis server's). For tests that share one
   * gateway, so no test depends on what an earlier one spent.
   */
  resetCounters(): void;
  /** Stops accepting, lets requests in flight finish (bounded), closes everything. */
  close(): Promise<void>;
}

/**
 * Starts the whole gateway on one machine: sample upstreams, the local OAuth issuer, the
 * authorizer (the Lambda's own modules), and a fastify server that plays CloudFront + WAF +
 * API Gateway + ALB in front of them.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const { gateway, seed } = options;
  const { config } = gateway;
  const clock = options.clock ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? silentLogger;
  const seedProblems = checkSeedTiers(seed, config.tiers.map((t) => t.name));
  if (seedProblems.length > 0) throw new Error(`Invalid seed file\n  ${seedProblems.join('\n  ')}`);

  const samples: SampleUpstream[] = [];
  const upstreams: Record<string, string> = {};
  const closers: (() => Promise<void>)[] = [];
  try {
    for (const service of config.services) {
      if (service.local_url) { upstreams[service.name] = service.local_url.replace(/\/+$/, ''); continue; }
      // The developer's own instances (balanced by the "ALB", ./api-gateway/service-upstream.ts); listed by the first.
      if (service.local_instances) { upstreams[service.name] = service.local_instances[0].url.replace(/\/+$/, ''); continue; }
      const region = options.regional ? gateway.env.region : undefined;
      const sample = service.protocol === 'grpc'
        ? await startSampleGrpcUpstream(service, dirname(gateway.file), host, region)
        : await startSampleUpstream(service.name, 0, host, region);
      samples.push(sample);
      upstreams[service.name] = sample.url;
    }
    closers.push(() => Promise.all(samples.map((s) => s.close())).then(() => undefined));

    const issuers = options.regional ? options.regional.issuers
      : options.issuerPort === false ? undefined : await startLocalIssuers(gateway, seed, host, options.issuerPort ?? 0, options.issuerContinuity);
    if (issuers && !options.regional) closers.push(() => issuers.close());
    const authorizerConfig = localAuthorizerConfig(gateway, issuers);
    const authorizer: LocalAuthorizer = await createLocalAuthorizer({
      config: authorizerConfig,
      consumers: options.regional?.consumers ?? seedConsumerStore(seed),
      dynamodb: options.dynamodb,
      redisUrl: options.redisUrl,
      clock,
      notice: options.notice,
    });
    closers.push(() => authorizer.close());
    const stale = authorizer.warnings.length > 0 ? undefined : await resetStaleRecords(authorizer.breakerRecords, Object.keys(authorizerConfig.breakers), options.notice);

    // The native gRPC path: no authorizer, no usage plan, no pipeline (docs/grpc.md).
    let grpc: NativeGrpcListener | undefined;
    if (options.grpcPort !== false && !options.regional && nativeGrpcServiceConfigs(config).length > 0) {
      grpc = await startNativeGrpcListener({ config, upstreams, issuers, host, port: options.grpcPort ?? 0, fallbackToFreePort: options.grpcPortFallback, clock, log });
      closers.push(() => grpc!.close());
    }
    const warnings = [...authorizer.warnings, ...(stale ? [stale] : []), ...(grpc?.warnings ?? [])];

    const sharedKeys = Object.fromEntries(Object.entries(authorizerConfig.usageKeys).map(([tier, key]) => [key, tier]));
    const consumerKeys = Object.fromEntries(seed.api_keys.filter((k) => k.usage_key).map((k) => [k.usage_key!, k.tier]));
    const api = new ApiGateway({ gateway, authorize: authorizer.authorize, upstreams, usageKeys: { shared: sharedKeys, consumers: consumerKeys }, clock, stageThrottle: options.stageThrottle, breakerRecords: authorizer.breakerRecords, notice: options.notice });
    closers.push(() => api.close());

    const app = buildServer(config, api, log, clock, options.requestTimeoutSeconds ?? 30, options.regional !== undefined, portalSite(gateway));
    // fastify rejects with the 'error' of the server; a ListenError says which listener and address.
    await app.listen({ host, port: options.port ?? 0 }).catch((err: NodeJS.ErrnoException) => {
      throw new ListenError('gateway', host, options.port ?? 0, err.code, err);
    });
    const { port } = app.server.address() as AddressInfo;
    let closed: Promise<void> | undefined;
    return {
      url: `http://${hostPort(host, port)}`,
      issuer: issuers?.cognito,
      issuers,
      upstreams,
      grpc,
      authorizerConfig,
      api,
      app,
      warnings,
      runs: {
        limiter: options.redisUrl ? `Redis ${redactUrl(options.redisUrl)}` : 'in-memory (REDIS_URL not set)',
        consumers: options.dynamodb ? `DynamoDB table ${options.dynamodb.tableName} at ${options.dynamodb.endpoint}` : 'in-memory',
      },
      resetCounters: () => {
        api.resetCounters();
        if (authorizer.limiter instanceof InMemoryRateLimiter) authorizer.limiter.reset();
      },
      close: () => {
        closed ??= (async () => {
          const forced = setTimeout(() => app.server.closeAllConnections(), 5000);
          forced.unref();
          app.server.closeIdleConnections();
          await app.close();
          clearTimeout(forced);
          for (const close of closers.reverse()) await close().catch(() => undefined);
        })();
        return closed;
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw err;
  }
}

function buildServer(config: GatewayConfig, api: ApiGateway, log: RequestLogger, clock: Clock, requestTimeoutSeconds: number, behindEdgeRouter: boolean, portal?: PortalSite): FastifyInstance {
  const viewer = behindEdgeRouter ? viewerBehindRouter : viewerOfSocket;
  const viewerHeaders = behindEdgeRouter ? (req: FastifyRequest) => viewerBehindRouter(req).rawHeaders : (req: FastifyRequest) => req.raw.rawHeaders;
  const viewerResponse = compileViewerResponse(config);
  // A little above the WAF limit so the WAF rule (not the parser) answers with its own body.
  const bodyLimit = config.security.max_body_bytes + 1;
  const app = Fastify<Server>({
    logger: false,
    bodyLimit,
    routerOptions: { maxParamLength: MAX_URL_BYTES },
    exposeHeadRoutes: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestIdHeader: false,
    // Requests the framework itself rejects: an undecodable URL (`/v1/users%zz`) goes on to the
    // pipeline, which answers it with the gateway's own 400, request id and log line, as API
    // Gateway does; anything else is the edge's 400 with CloudFront's headers. Never the framework's body.
    frameworkErrors: (error, req, reply) => {
      if ((error as { code?: string }).code === 'FST_ERR_BAD_URL') return void serve(req, reply);
      const started = (req as FastifyRequest & { started?: number }).started ?? clock();
      return void edgeError(reply, req, BAD_REQUEST, started);
    },
    serverFactory: (handler) => {
      const server = createServer({
        maxHeaderSize: NODE_MAX_HEADER_SIZE,
        requestTimeout: requestTimeoutSeconds * 1000,
        headersTimeout: Math.min(10, requestTimeoutSeconds) * 1000,
        keepAliveTimeout: 60_000,
        // How often Node looks for requests over their timeout (default 30 s would let slow clients linger).
        connectionsCheckingInterval: 1000,
      }, handler);
      return server;
    },
    clientErrorHandler: (error, socket) => {
      if (!socket.writable) { socket.destroy(); return; }
      const err = error as Error & { code?: string; rawPacket?: unknown };
      const refusal = parserRefusal(err.code, err.rawPacket);
      const status = refusal.statusCode;
      const body = edgeBody(refusal);
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

  const send = (reply: FastifyReply, method: string, res: { statusCode: number; headers: Record<string, string | string[] | undefined>; body: Buffer | string }) => {
    reply.code(res.statusCode);
    viewerResponse(method, reply.request.headers, res.headers, reply);
    return reply.send(method === 'HEAD' ? undefined : typeof res.body === 'string' ? Buffer.from(res.body) : res.body);
  };
  const edgeError = (reply: FastifyReply, req: FastifyRequest, refusal: EdgeRefusal, started: number) => {
    const { statusCode, code } = refusal;
    log({ time: isoTime(clock()), requestId: '-', method: req.method, path: pathOf(req.raw.url), status: statusCode, latencyMs: clock() - started, error: `edge:${code}` });
    if (refusal.headers) for (const name in refusal.headers) reply.header(name, refusal.headers[name]);
    return send(reply, req.method, { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: edgeBody(refusal) });
  };

  app.addHook('onRequest', (req, reply, done) => {
    const started = clock();
    (req as FastifyRequest & { started?: number }).started = started;
    const refusal = viewerRequestRefusal(req.method, req.raw.url ?? '/', viewerHeaders(req));
    if (refusal) { edgeError(reply, req, refusal, started); return; }
    done();
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const started = (req as FastifyRequest & { started?: number }).started ?? clock();
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const body = refusalBody(tooLarge(config.security.max_body_bytes));
      log({ time: isoTime(clock()), requestId: '-', method: req.method, path: pathOf(req.raw.url), status: 413, latencyMs: clock() - started, error: 'waf:MaxBodySize' });
      return send(reply, req.method, { statusCode: 413, headers: { 'content-type': 'application/json' }, body });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return edgeError(reply, req, status === 500 ? INTERNAL_ERROR : { ...BAD_REQUEST, statusCode: status }, started);
  });

  // CloudFront and API Gateway in front of the pipeline; also the fallback of a request the
  // framework could not route (a bad percent-encoding): the pipeline answers it as API Gateway does.
  const serve = async (req: FastifyRequest, reply: FastifyReply) => {
      const started = (req as FastifyRequest & { started?: number }).started ?? clock();
      const url = req.raw.url ?? '/';
      const q = url.indexOf('?');
      const rawPath = q >= 0 ? url.slice(0, q) : url;
      const rawQuery = q >= 0 ? url.slice(q + 1) : '';
      // CloudFront: X-Forwarded-Host from Host (a client value is dropped), X-Forwarded-For appended.
      const { ip: sourceIp, rawHeaders } = viewer(req);
      const headers = originRequestHeaders(rawHeaders, sourceIp);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let res: ApiResponse;
      try {
        res = await api.handle({ method: req.method, rawPath, rawQuery, rawHeaders: headers, body, sourceIp });
      } catch {
        return edgeError(reply, req, INTERNAL_ERROR, started);
      }
      // Healthy answers of the health route are left out: the edge router probes it every few seconds (deployed, API Gateway's access log has them).
      if (res.statusCode !== 200 || res.log.route !== HEALTH_ROUTE_NAME) {
        log({
          time: isoTime(clock()), method: req.method, path: rawPath, status: res.statusCode, latencyMs: clock() - started,
          ...res.log, requestId: res.log.requestId ?? '-',
        });
      }
      return send(reply, req.method, res);
  };
  // CloudFront's portal behaviour comes before the default one (the API).
  if (portal) registerPortal(app, portal, send);
  app.route({ method: [...CLOUDFRONT_METHODS], url: '/*', handler: serve });
  return app;
}

let lastIsoMs = NaN;
let lastIso = '';
/** ISO time of a log line; many lines share a millisecond under load. */
function isoTime(ms: number): string {
  if (ms !== lastIsoMs) { lastIsoMs = ms; lastIso = new Date(ms).toISOString(); }
  return lastIso;
}

function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return (q >= 0 ? u.slice(0, q) : u).slice(0, 256);
}

/** The viewer as CloudFront sees it: its address and its raw headers. */
interface Viewer {
  readonly ip: string;
  readonly rawHeaders: readonly string[];
}

function viewerOfSocket(req: FastifyRequest): Viewer {
  return { ip: normaliseIp(req.socket.remoteAddress ?? '127.0.0.1'), rawHeaders: req.raw.rawHeaders };
}

/**
 * Behind the edge router, the socket is the router's: the viewer's address is the one the router
 * adds (its last value: a viewer's own never passes the router), and the header is dropped.
 */
function viewerBehindRouter(req: FastifyRequest): Viewer {
  const cached = (req as FastifyRequest & { viewer?: Viewer }).viewer;
  if (cached) return cached;
  const raw = req.raw.rawHeaders;
  const rawHeaders: string[] = [];
  let ip: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].toLowerCase() === EDGE_VIEWER_ADDRESS_HEADER) ip = raw[i + 1];
    else rawHeaders.push(raw[i], raw[i + 1]);
  }
  const viewer = { ip: ip ?? viewerOfSocket(req).ip, rawHeaders };
  (req as FastifyRequest & { viewer?: Viewer }).viewer = viewer;
  return viewer;
}

function normaliseIp(ip: string): string {
  return ip.charCodeAt(0) === 58 /* ':' */ ? ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1') : ip;
}
