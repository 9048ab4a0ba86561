import type { GatewayConfig } from '../lib/config/schema';
import type { CorsPolicy } from '../lib/contract/cors';
import { CLIENT_IP_HEADER, FORWARDED_HOST_HEADER, VIEWER_FUNCTION_HEADERS } from '../lib/contract/headers';
import { REFUSAL, refusalBody, type RefusalText } from '../lib/contract/refusals';
import { responseHeadersPolicy, securityHeaderValues, type ResponseHeadersPolicy } from '../lib/contract/response-headers-policy';

/**
 * What CloudFront does to requests and responses in front of the API (lib/stacks/cdn-stack.ts):
 * - viewer-request function: `X-Forwarded-Host` = the viewer's Host (a client value is overwritten);
 * - allowed methods: GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE; anything else is refused here;
 * - response headers policy: lib/contract/response-headers-policy.ts, the data the CDN stack
 *   deploys (security headers, custom headers, removed headers, CORS), applied here.
 */
export const CLOUDFRONT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);

/** Limits of the front door (CloudFront): URL 8,192 bytes, all headers 20,480 bytes. */
export const MAX_URL_BYTES = 8192;
export const MAX_HEADER_BYTES = 20_480;

/** The response headers the policy sets and removes, as the twin applies them (lower-case names). */
export interface ViewerHeaderRules {
  readonly remove: readonly string[];
  /** Security headers, then custom headers (name -> value); a later custom name wins. */
  readonly add: Readonly<Record<string, string>>;
}

/** The policy's headers as header operations: CloudFront matches names case-insensitively. */
export function viewerHeaderRules(policy: ResponseHeadersPolicy): ViewerHeaderRules {
  const custom: Record<string, string> = {};
  for (const { header, value } of policy.customHeaders) custom[header.toLowerCase()] = value;
  return { remove: policy.removeHeaders.map((h) => h.toLowerCase()), add: { ...securityHeaderValues(policy.security), ...custom } };
}

const VIA = '1.1 local.cloudfront.net (CloudFront)';

/** Receives each response header the viewer gets (lower-case name): a fastify reply is one. */
export interface HeaderSink {
  header(name: string, value: string | string[]): unknown;
}

/** An origin response's headers (lower-case names). */
export type OriginHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The response headers policy applied to an origin response (lower-case names): the policy's
 * removals dropped, its headers set (over the origin's), `Server: CloudFront` when the config
 * removes Server or the origin sent none, `Via` as CloudFront adds it. One pass per response,
 * emitted to `sink` without changing (or copying) the origin's header object; `content-length`
 * is left out (the server computes it). `dropCors` leaves out the origin's `access-control-*`
 * headers (the CORS policy replaces them).
 */
export function compileResponseHeaders(policy: ViewerHeaderRules, removeServer: boolean): (headers: OriginHeaders, sink: HeaderSink, dropCors?: boolean) => void {
  const skip = new Set([...policy.remove, ...Object.keys(policy.add), 'server', 'via', 'content-length']);
  const add = Object.entries(policy.add);
  const emit = (sink: HeaderSink, dropCors: boolean, name: string, value: string | string[]) => {
    if (!dropCors || !name.startsWith('access-control-')) sink.header(name, value);
  };
  return (headers, sink, dropCors = false) => {
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined && !skip.has(name)) emit(sink, dropCors, name, value);
    }
    for (let i = 0; i < add.length; i++) emit(sink, dropCors, add[i][0], add[i][1]);
    const server = headers.server;
    emit(sink, dropCors, 'server', removeServer || server === undefined ? 'CloudFront' : server);
    emit(sink, dropCors, 'via', VIA);
  };
}

/**
 * The CORS part of the response headers policy (lib/contract/cors.ts, origin override on): for a
 * request whose Origin is allowed, the CORS headers replace the origin's; preflight answers
 * (OPTIONS with Access-Control-Request-Method) get the allowed methods, headers and max age, other
 * responses the exposed headers. Other requests get no CORS header.
 */
export function compileCors(cors: CorsPolicy | undefined): (origin: string | undefined, preflight: boolean) => Record<string, string> | undefined {
  if (!cors) return () => undefined;
  const any = cors.allowOrigins.includes('*');
  const allowed = new Set(cors.allowOrigins);
  const methods = cors.allowMethods.join(', ');
  return (origin, preflight) => {
    if (!origin || (!any && !allowed.has(origin))) return undefined;
    const out: Record<string, string> = { 'access-control-allow-origin': any ? '*' : origin };
    if (!any) out.vary = 'Origin';
    if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
    if (preflight) {
      out['access-control-allow-methods'] = methods;
      out['access-control-allow-headers'] = cors.allowHeaders.join(', ');
      out['access-control-max-age'] = String(cors.maxAgeSeconds);
    } else if (cors.exposeHeaders.length > 0) {
      out['access-control-expose-headers'] = cors.exposeHeaders.join(', ');
    }
    return out;
  };
}

/**
 * The headers the viewer-request function sets (lib/constructs/cdn-forwarded-host-function.ts):
 * the forwarded host from Host, and the viewer's IP. Client-sent values of both are dropped.
 */
export function viewerRequestHeaders(host: string | undefined, viewerIp: string): Array<[string, string]> {
  return [...(host ? [[FORWARDED_HOST_HEADER, host] as [string, string]] : []), [CLIENT_IP_HEADER, viewerIp]];
}

/** Header names the viewer-request function owns (lower case). */
export const VIEWER_REQUEST_HEADERS = VIEWER_FUNCTION_HEADERS.map((h) => h.toLowerCase());

/** What the edge answers itself, as `{message, code}` (lib/contract/refusals.ts; logged as `edge:<code>`). */
export interface EdgeRefusal extends RefusalText {
  readonly statusCode: number;
  /** Extra response headers (the 405's `Allow`). */
  readonly headers?: Readonly<Record<string, string>>;
}

const URI_TOO_LONG: EdgeRefusal = { statusCode: 414, ...REFUSAL.uriTooLong };
const HEADERS_TOO_LARGE: EdgeRefusal = { statusCode: 431, ...REFUSAL.headerTooLarge };
const METHOD_NOT_ALLOWED: EdgeRefusal = { statusCode: 405, ...REFUSAL.methodNotAllowed, headers: { allow: [...CLOUDFRONT_METHODS].join(', ') } };
export const BAD_REQUEST: EdgeRefusal = { statusCode: 400, ...REFUSAL.badRequest };
export const INTERNAL_ERROR: EdgeRefusal = { statusCode: 500, ...REFUSAL.internalError };
const REQUEST_TIMEOUT: EdgeRefusal = { statusCode: 408, ...REFUSAL.requestTimeout };

/**
 * The viewer request checks, in CloudFront's order: URL over 8,192 bytes -> 414, headers (raw
 * name/value list, 2 bytes each for `: `/CRLF) over 20,480 bytes -> 431, a method the behaviour
 * does not allow -> 405 with `Allow`.
 */
export function viewerRequestRefusal(method: string, url: string, rawHeaders: readonly string[]): EdgeRefusal | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short URLs need no byte count.
  if (url.length * 3 > MAX_URL_BYTES && Buffer.byteLength(url) > MAX_URL_BYTES) return URI_TOO_LONG;
  let headerBytes = 0;
  for (let i = 0; i < rawHeaders.length; i++) headerBytes += rawHeaders[i].length + 2;
  if (headerBytes > MAX_HEADER_BYTES) return HEADERS_TOO_LARGE;
  if (!CLOUDFRONT_METHODS.has(method)) return METHOD_NOT_ALLOWED;
  return undefined;
}

/**
 * A request the HTTP parser refused, as the edge answers it: header overflow -> 431, a
 * well-formed request line with an unknown method -> 405 (bytes that are not HTTP are 400), a
 * request that took too long -> 408, anything else -> 400.
 */
export function parserRefusal(code: string | undefined, rawPacket: unknown): EdgeRefusal {
  const packet = Buffer.isBuffer(rawPacket) ? rawPacket.toString('latin1') : '';
  if (code === 'HPE_INVALID_METHOD' && !/^[A-Za-z-]{1,32} \S+ HTTP\/1\.[01]\r?\n/.test(packet)) code = 'HPE_INVALID';
  return code === 'HPE_HEADER_OVERFLOW' ? HEADERS_TOO_LARGE
    : code === 'HPE_INVALID_METHOD' ? METHOD_NOT_ALLOWED
      : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? REQUEST_TIMEOUT
        : BAD_REQUEST;
}

/** The body of an edge refusal. */
export const edgeBody = (refusal: EdgeRefusal): string => refusalBody(refusal);

/** Header names the viewer-request function sets, and X-Forwarded-For (appended to), lower case. */
const VIEWER_OWNED = new Set([...VIEWER_REQUEST_HEADERS, 'x-forwarded-for']);

/**
 * The headers CloudFront sends the origin for a viewer's raw header list (`name, value, ...`):
 * the viewer's own minus those the viewer-request function owns, then X-Forwarded-Host (from the
 * first Host) and the client IP, X-Forwarded-For with the viewer's IP appended, and
 * X-Forwarded-Proto https.
 */
export function originRequestHeaders(rawHeaders: readonly string[], viewerIp: string): [string, string][] {
  const headers: [string, string][] = [];
  let viewerHost: string | undefined;
  let forwardedFor = '';
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    const lower = name.toLowerCase();
    if (lower === 'host') viewerHost ??= rawHeaders[i + 1];
    if (lower === 'x-forwarded-for') { forwardedFor += `${rawHeaders[i + 1]}, `; continue; }
    if (!VIEWER_OWNED.has(lower)) headers.push([name, rawHeaders[i + 1]]);
  }
  for (const pair of viewerRequestHeaders(viewerHost, viewerIp)) headers.push(pair);
  headers.push(['X-Forwarded-For', `${forwardedFor}${viewerIp}`], ['X-Forwarded-Proto', 'https']);
  return headers;
}

/** The viewer's request headers the CORS policy reads (Node's lower-cased header object). */
export interface ViewerCorsHeaders {
  readonly origin?: string | string[];
  readonly 'access-control-request-method'?: string | string[];
}

/**
 * The whole response side for one config: CORS for the request's Origin (a preflight is OPTIONS
 * with Access-Control-Request-Method), then the response headers policy; the CORS headers
 * replace the origin's `access-control-*`.
 */
export function compileViewerResponse(config: GatewayConfig): (method: string, request: ViewerCorsHeaders, headers: OriginHeaders, sink: HeaderSink) => void {
  const policy = responseHeadersPolicy(config);
  const viewerHeaders = compileResponseHeaders(viewerHeaderRules(policy), policy.removesServer);
  const cors = compileCors(policy.cors);
  return (method, request, headers, sink) => {
    const corsHeaders = cors(typeof request.origin === 'string' ? request.origin : undefined, method === 'OPTIONS' && request['access-control-request-method'] !== undefined);
    viewerHeaders(headers, sink, corsHeaders !== undefined);
    if (corsHeaders) for (const name in corsHeaders) sink.header(name, corsHeaders[name]);
  };
}
