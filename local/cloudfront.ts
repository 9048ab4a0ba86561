import type { GatewayConfig } from '../lib/config/schema';
import { CLIENT_IP_HEADER, FORWARDED_HOST_HEADER, UNREMOVABLE_RESPONSE_HEADERS, VIEWER_FUNCTION_HEADERS } from '../lib/gateway/headers';
import { corsAllowMethods } from '../lib/gateway/cors';

/**
 * What CloudFront does to requests and responses in front of the API (lib/stacks/cdn-stack.ts):
 * - viewer-request function: `X-Forwarded-Host` = the viewer's Host (a client value is overwritten);
 * - allowed methods: GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE; anything else is refused here;
 * - response headers policy: security headers (HSTS 730 days with subdomains and preload,
 *   nosniff, X-Frame-Options DENY, Referrer-Policy no-referrer), `transformations.response.add_headers`
 *   without templates, `remove_headers` minus those CloudFront cannot remove; removing `Server`
 *   makes CloudFront answer `Server: CloudFront`.
 */
export const CLOUDFRONT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);

const SECURITY_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export interface ResponseHeadersPolicy {
  readonly remove: readonly string[];
  readonly add: Readonly<Record<string, string>>;
}

export function responseHeadersPolicy(config: GatewayConfig): ResponseHeadersPolicy {
  const { add_headers: add, remove_headers: remove } = config.transformations.response;
  const reserved = new Set(Object.keys(SECURITY_HEADERS));
  const custom: Record<string, string> = {};
  for (const [name, value] of Object.entries(add)) {
    if (reserved.has(name.toLowerCase()) || value.includes('$(')) continue;
    custom[name.toLowerCase()] = value;
  }
  const removable = remove.map((h) => h.toLowerCase()).filter((h) => !UNREMOVABLE_RESPONSE_HEADERS.includes(h) && !reserved.has(h) && !(h in custom));
  return { remove: removable, add: { ...SECURITY_HEADERS, ...custom } };
}

const VIA = '1.1 local.cloudfront.net (CloudFront)';

/** Receives each response header the viewer gets (lower-case name). */
export type HeaderSink = (name: string, value: string | string[]) => void;

/**
 * The response headers policy applied to an origin response (lower-case names): the policy's
 * removals dropped, its headers set (over the origin's), `Server: CloudFront` when the config
 * removes Server or the origin sent none, `Via` as CloudFront adds it. One pass per response,
 * emitted to `sink` without changing (or copying) the origin's header object; `content-length`
 * is left out (the server computes it).
 */
export function compileResponseHeaders(policy: ResponseHeadersPolicy, removeServer: boolean): (headers: Readonly<Record<string, string | string[] | undefined>>, sink: HeaderSink) => void {
  const skip = new Set([...policy.remove, ...Object.keys(policy.add), 'server', 'via', 'content-length']);
  const add = Object.entries(policy.add);
  return (headers, sink) => {
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined && !skip.has(name)) sink(name, value);
    }
    for (let i = 0; i < add.length; i++) sink(add[i][0], add[i][1]);
    const server = headers.server;
    sink('server', removeServer || server === undefined ? 'CloudFront' : server);
    sink('via', VIA);
  };
}

/**
 * The CORS part of the response headers policy (lib/stacks/cdn-stack.ts `corsBehavior`, origin
 * override on): for a request whose Origin is allowed, the CORS headers replace the origin's;
 * preflight answers (OPTIONS with Access-Control-Request-Method) get the allowed methods, headers
 * and max age, other responses the exposed headers. Other requests get no CORS header.
 */
export function compileCors(cors: GatewayConfig['cors']): (origin: string | undefined, preflight: boolean) => Record<string, string> | undefined {
  if (!cors) return () => undefined;
  const any = cors.origins.includes('*');
  const allowed = new Set(cors.origins);
  const methods = corsAllowMethods(cors).join(', ');
  return (origin, preflight) => {
    if (!origin || (!any && !allowed.has(origin))) return undefined;
    const out: Record<string, string> = { 'access-control-allow-origin': any ? '*' : origin };
    if (!any) out.vary = 'Origin';
    if (cors.credentials) out['access-control-allow-credentials'] = 'true';
    if (preflight) {
      out['access-control-allow-methods'] = methods;
      out['access-control-allow-headers'] = cors.headers.join(', ');
      out['access-control-max-age'] = String(cors.max_age);
    } else if (cors.expose_headers.length > 0) {
      out['access-control-expose-headers'] = cors.expose_headers.join(', ');
    }
    return out;
  };
}

/** Whether the config asks to remove Server (CloudFront then sends `Server: CloudFront`). */
export const removesServer = (config: GatewayConfig) => config.transformations.response.remove_headers.some((h) => h.toLowerCase() === 'server');

/**
 * The headers the viewer-request function sets (lib/constructs/cdn-forwarded-host-function.ts):
 * the forwarded host from Host, and the viewer's IP. Client-sent values of both are dropped.
 */
export function viewerRequestHeaders(host: string | undefined, viewerIp: string): Array<[string, string]> {
  return [...(host ? [[FORWARDED_HOST_HEADER, host] as [string, string]] : []), [CLIENT_IP_HEADER, viewerIp]];
}

/** Header names the viewer-request function owns (lower case). */
export const VIEWER_REQUEST_HEADERS = VIEWER_FUNCTION_HEADERS.map((h) => h.toLowerCase());
