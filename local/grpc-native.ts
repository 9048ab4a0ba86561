import { connect, constants, createServer, type ClientHttp2Session, type Http2Server, type Http2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { GatewayConfig } from '../lib/config/schema';
import { COGNITO_ISSUER_NAME } from '../lib/contract/issuers';
import { cognitoAppClientNames, COGNITO_ACCESS_TOKEN_CLAIM, nativeGrpcServiceConfigs, nativeJwtCheck, nativeServiceOfPath, type AlbJwtClaim, type NativeJwtCheck } from '../lib/contract/native-grpc';
import { REFUSAL, refusalBody } from '../lib/contract/refusals';
import type { LocalIssuers } from './issuers';
import { hostPort } from './listen';
import type { RequestLogger } from './request-log';

/**
 * The twin's native gRPC path (docs/grpc.md, "the native path in the twin"): one HTTP/2 listener
 * that stands in for CloudFront's gRPC behaviour `/<package.Service>/*` and the internal ALB's
 * native listener (:8443). Per native service, as the ALB's rule does: the path matched, then the
 * `jwt-validation` check of lib/contract/native-grpc.ts (RS256, `iss`, `exp`, `nbf`/`iat` when
 * present, the extra claims) with jose against the local issuer standing in for the service's
 * `grpc.native.issuer`, then the HTTP/2 stream (headers, messages, trailers, any streaming kind)
 * proxied to the service's upstream. A bad or missing token: 401 (grpc-js: UNAUTHENTICATED); a path
 * no rule matches: the listener's default 404 (grpc-js: UNIMPLEMENTED). Nothing else of the
 * gateway runs here, as on AWS: no authorizer, consumer records, tier limits or transformations.
 *
 * Plaintext HTTP/2 (h2c): on AWS the viewer connection is TLS to CloudFront and the origin one TLS
 * to the ALB; the twin listens on loopback, where a gRPC client connects with insecure credentials.
 */

/** One native service as the twin serves it. */
export interface NativeGrpcRoute {
  readonly service: string;
  readonly grpcService: string;
  /** The service's upstream base URL (the sample gRPC upstream or `local_url`). */
  readonly upstream: string;
  /** The ALB's check with the local issuer's `iss` and JWKS; absent: no local issuer to verify against (every call 401). */
  readonly jwt?: NativeJwtCheck;
  /** The issuer is the Cognito stand-in (see {@link claimHolds}). */
  readonly cognitoStandIn: boolean;
}

export interface NativeGrpcListenerOptions {
  readonly config: Pick<GatewayConfig, 'services' | 'identity'>;
  /** Service name -> upstream base URL. */
  readonly upstreams: Readonly<Record<string, string>>;
  readonly issuers?: Pick<LocalIssuers, 'cognito' | 'standIns'>;
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** When `port` is in use, listen on a free one instead of failing (the default port of `gatehouse start`). */
  readonly fallbackToFreePort?: boolean;
  /** @default Date.now (the `exp`/`nbf`/`iat` checks) */
  readonly clock?: () => number;
  readonly log?: RequestLogger;
}

export interface NativeGrpcListener {
  /** `http://host:port` (h2c). */
  readonly url: string;
  /** `host:port`, what a gRPC client dials. */
  readonly target: string;
  readonly routes: readonly NativeGrpcRoute[];
  /** Startup warnings (a native issuer without a local stand-in). */
  readonly warnings: readonly string[];
  close(): Promise<void>;
}

/** The native services of the config with their upstream and the check the ALB would apply. */
export function nativeGrpcRoutes(options: Pick<NativeGrpcListenerOptions, 'config' | 'upstreams' | 'issuers'>): { routes: NativeGrpcRoute[]; warnings: string[] } {
  const { config, upstreams, issuers } = options;
  const warnings: string[] = [];
  const routes = nativeGrpcServiceConfigs(config).map((s): NativeGrpcRoute => {
    const issuerName = s.grpc!.native.issuer!;
    const base = { service: s.name, grpcService: s.grpc!.service, upstream: upstreams[s.name], cognitoStandIn: issuerName === COGNITO_ISSUER_NAME };
    if (issuerName === COGNITO_ISSUER_NAME) {
      const standIn = issuers?.cognito;
      // The check is computed as for AWS (it refuses what the ALB cannot check) with the stand-in's iss and JWKS.
      const jwt = nativeJwtCheck(config, s, standIn && { issuer: standIn.url, jwksEndpoint: standIn.jwksUri, clientIds: cognitoAppClientNames(config) });
      return { ...base, jwt };
    }
    const check = nativeJwtCheck(config, s);
    const standIn = issuers?.standIns[issuerName];
    if (!standIn) {
      warnings.push(`native gRPC: service ${s.name} takes tokens of ${issuerName}, which has no local stand-in (the twin runs one only for issuers a jwt route accepts): every native call to it is refused with 401`);
      return base;
    }
    return { ...base, jwt: { ...check, issuer: standIn.url, jwksEndpoint: standIn.jwksUri } };
  });
  return { routes, warnings };
}

/** Starts the listener; rejects with a one-line Error (naming GRPC_PORT) when it cannot listen. */
export async function startNativeGrpcListener(options: NativeGrpcListenerOptions): Promise<NativeGrpcListener> {
  const { routes, warnings } = nativeGrpcRoutes(options);
  const clock = options.clock ?? Date.now;
  const jwksByUrl = new Map<string, JWTVerifyGetKey>();
  const jwksOf = (url: string) => {
    let jwks = jwksByUrl.get(url);
    if (!jwks) { jwks = createRemoteJWKSet(new URL(url)); jwksByUrl.set(url, jwks); }
    return jwks;
  };
  const upstreamSessions = new Map<string, ClientHttp2Session>();
  const sessionTo = (url: string): ClientHttp2Session => {
    const existing = upstreamSessions.get(url);
    if (existing && !existing.closed && !existing.destroyed) return existing;
    const session = connect(url);
    session.on('error', () => { /* each stream on it reports its own error */ });
    session.once('close', () => { if (upstreamSessions.get(url) === session) upstreamSessions.delete(url); });
    upstreamSessions.set(url, session);
    return session;
  };

  const log = (method: string, path: string, status: number, started: number, extra: { route?: string; error?: string; grpcStatus?: string } = {}) => {
    options.log?.({
      time: new Date(clock()).toISOString(), requestId: '-', method, path: path.slice(0, 256), status, latencyMs: Date.now() - started,
      ...(extra.route ? { route: `grpc:${extra.route}` } : {}), ...(extra.error ? { error: extra.error } : {}),
    });
  };

  const server: Http2Server = createServer();
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => { sessions.add(session); session.once('close', () => sessions.delete(session)); });
  server.on('sessionError', () => { /* a client that went away */ });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    const started = Date.now();
    stream.on('error', () => { /* the client reset the stream */ });
    const method = String(headers[':method'] ?? '');
    const path = String(headers[':path'] ?? '/');
    const route = nativeServiceOfPath(routes, path.split('?')[0]);
    // The listener's default action: no rule matched.
    if (!route) { refuse(stream, 404, refusalBody(REFUSAL.noRouteMatched)); log(method, path, 404, started, { error: 'alb:no-rule' }); return; }
    void verifyBearer(route, headers.authorization, jwksOf, clock()).then((refused) => {
      if (refused) {
        refuse(stream, 401, JSON.stringify({ message: 'Unauthorized' }), { 'www-authenticate': 'Bearer error="invalid_token"' });
        log(method, path, 401, started, { route: route.service, error: `alb:jwt-validation: ${refused}` });
        return;
      }
      forward(stream, headers, route, sessionTo, (status) => log(method, path, status, started, { route: route.service }));
    });
  });

  const bound = await listenOn(server, options.host, options.port, options.fallbackToFreePort === true);
  const target = hostPort(options.host, bound);
  let closed: Promise<void> | undefined;
  return {
    url: `http://${target}`, target, routes, warnings,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        const forced = setTimeout(() => { for (const s of sessions) s.destroy(); }, 1000);
        forced.unref();
        server.close(() => { clearTimeout(forced); resolve(); });
        for (const s of sessions) s.close();
        for (const s of upstreamSessions.values()) s.close();
      });
      return closed;
    },
  };
}

/** Answers without a gRPC status: grpc-js maps the HTTP status (401 UNAUTHENTICATED, 404 UNIMPLEMENTED, 502 UNAVAILABLE). */
function refuse(stream: ServerHttp2Stream, status: number, body: string, headers: OutgoingHttpHeaders = {}): void {
  if (stream.destroyed || stream.closed) return;
  if (stream.headersSent) { stream.close(constants.NGHTTP2_INTERNAL_ERROR); return; }
  stream.respond({ ':status': status, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  stream.end(body);
}

/** Headers HTTP/2 forbids or a proxy does not pass on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings', 'host']);

/** The ALB's forward action: the stream to the target, its answer (headers, messages, trailers) back. */
function forward(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, route: NativeGrpcRoute, sessionTo: (url: string) => ClientHttp2Session, done: (status: number) => void): void {
  if (stream.destroyed || stream.closed) return;
  const out: OutgoingHttpHeaders = { ':method': headers[':method'], ':path': headers[':path'] };
  if (headers[':authority']) out[':authority'] = headers[':authority'];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || HOP_BY_HOP.has(name) || value === undefined) continue;
    out[name] = value;
  }
  // The ALB appends the peer's address (CloudFront adds its own hop on AWS).
  const peer = stream.session?.socket?.remoteAddress?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  if (peer) out['x-forwarded-for'] = headers['x-forwarded-for'] ? `${String(headers['x-forwarded-for'])}, ${peer}` : peer;

  let upstream;
  try {
    upstream = sessionTo(route.upstream).request(out);
  } catch {
    refuse(stream, 502, JSON.stringify({ message: 'Bad Gateway' }));
    done(502);
    return;
  }
  let trailers: OutgoingHttpHeaders | undefined;
  let trailersOnly = false;
  stream.pipe(upstream);
  stream.once('close', () => { if (!upstream.closed) upstream.close(constants.NGHTTP2_CANCEL); });
  stream.on('wantTrailers', () => { if (trailers) stream.sendTrailers(trailers); else stream.close(); });
  upstream.once('response', (answer, flags) => {
    if (stream.destroyed || stream.closed) return;
    const response: OutgoingHttpHeaders = { ':status': answer[':status'] };
    for (const [name, value] of Object.entries(answer)) if (!name.startsWith(':') && !HOP_BY_HOP.has(name)) response[name] = value;
    // A trailers-only answer (a status without messages, UNIMPLEMENTED for one) ends with its headers.
    trailersOnly = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    stream.respond(response, trailersOnly ? { endStream: true } : { waitForTrailers: true });
    done(Number(answer[':status']));
  });
  upstream.on('trailers', (t) => {
    trailers = {};
    for (const [name, value] of Object.entries(t)) if (!name.startsWith(':') && value !== undefined) trailers[name] = value as string | string[];
  });
  upstream.pipe(stream, { end: false });
  upstream.once('end', () => { if (!trailersOnly && !stream.destroyed && !stream.closed) stream.end(); });
  upstream.once('error', () => {
    // No answer yet: the ALB's 502 (an unreachable target); mid-stream: the stream is reset.
    if (!stream.headersSent) { refuse(stream, 502, JSON.stringify({ message: 'Bad Gateway' })); done(502); } else if (!stream.closed) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  });
}

/** The reason the ALB's `jwt-validation` refuses the call, or undefined when the token passes. */
export async function verifyBearer(route: Pick<NativeGrpcRoute, 'jwt' | 'cognitoStandIn'>, authorization: string | undefined, jwksOf: (url: string) => JWTVerifyGetKey, now: number): Promise<string | undefined> {
  const token = /^Bearer +([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/.exec(authorization ?? '')?.[1];
  if (!token) return 'no Authorization: Bearer <JWT>';
  const check = route.jwt;
  if (!check) return 'no local issuer to verify against';
  let payload: JWTPayload;
  let typ: string | undefined;
  try {
    // RS256 only; signature against the issuer's JWKS; iss; exp required and in the future; nbf when present.
    const verified = await jwtVerify(token, jwksOf(check.jwksEndpoint), { issuer: check.issuer, algorithms: ['RS256'], requiredClaims: ['exp'], currentDate: new Date(now) });
    payload = verified.payload;
    typ = verified.protectedHeader.typ;
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  }
  if (typeof payload.iat === 'number' && payload.iat > Math.floor(now / 1000)) return 'iat is in the future';
  if (payload.iat !== undefined && typeof payload.iat !== 'number') return 'iat is not a number';
  for (const claim of check.claims) {
    if (!claimHolds(claim, payload, typ, route.cognitoStandIn)) return `claim ${claim.name} is not ${claim.values.join(' or ')}`;
  }
  return undefined;
}

/**
 * One extra claim as the ALB checks it: `single-string` a string equal to one of the values (an
 * `aud` array passes when one of its entries does: docs/grpc.md lists this as assumed),
 * `string-array` an array with one of them, `space-separated-values` a string with one of them
 * among its words. The Cognito stand-in (oidc-provider) marks an access token as RFC 9068 does,
 * with the `typ: at+jwt` header, not with Cognito's `token_use` claim: for its tokens that header
 * stands for `token_use = access`.
 */
function claimHolds(claim: AlbJwtClaim, payload: JWTPayload, typ: string | undefined, cognitoStandIn: boolean): boolean {
  const value = payload[claim.name];
  if (cognitoStandIn && claim.name === COGNITO_ACCESS_TOKEN_CLAIM.name && value === undefined) {
    return /^(application\/)?at\+jwt$/i.test(typ ?? '');
  }
  switch (claim.format) {
    case 'single-string':
      if (typeof value === 'string') return claim.values.includes(value);
      return claim.name === 'aud' && Array.isArray(value) && value.some((v) => typeof v === 'string' && claim.values.includes(v));
    case 'string-array':
      return Array.isArray(value) && value.some((v) => typeof v === 'string' && claim.values.includes(v));
    case 'space-separated-values':
      return typeof value === 'string' && value.split(' ').some((v) => claim.values.includes(v));
  }
}

/** Listens on `port`, or on a free port when it is in use and `fallback`; resolves with the port. */
function listenOn(server: Http2Server, host: string, port: number, fallback: boolean): Promise<number> {
  const attempt = (p: number) => new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(err);
    server.once('error', onError);
    server.listen(p, host, () => { server.off('error', onError); resolve((server.address() as AddressInfo).port); });
  });
  return attempt(port).catch((err: NodeJS.ErrnoException) => {
    if (fallback && err.code === 'EADDRINUSE' && port !== 0) return attempt(0);
    throw new Error(`native gRPC listener cannot listen on ${hostPort(host, port)}: ${err.code ?? err.message}; set GRPC_PORT to a free port (0: any free port)`, { cause: err });
  });
}
