/**
 * Owns: the request and response transformations (headers set, removed, rewritten) as API
 * Gateway mappings and as the twin applies them.
 */
import type { GatewayConfig, RouteConfig } from '../config/schema';
import { HEADER_TEMPLATES } from '../config/header-templates';
import { formatPath } from '../config/errors';
import { CLIENT_IP_HEADER, CONTEXT_HEADERS, ORIGIN_VERIFY_HEADER, ROUTE_HEADER, type ContextKey } from './headers';

/**
 * Request headers the gateway sets on every upstream request: the authorizer's decision
 * (`CONTEXT_HEADERS`, `X-Gatehouse-Route`) and the configured `transformations.request.add_headers`,
 * with a route's Kong `request-transformer` plugin merged over them.
 *
 * One compiled description serves two runtimes: the API stack turns it into integration request
 * parameter mappings ({@link toIntegrationRequestParameters}); the local gateway evaluates it per
 * request ({@link resolveUpstreamHeaders}). Header templates are whole values (`$(uuid)`), because
 * an API Gateway mapping cannot concatenate a template with text.
 */

/** Where an upstream header's value comes from. */
export type HeaderSource =
  /** `$(uuid)`: the API Gateway request id (a UUID). */
  | { readonly kind: 'request-id' }
  /** `$(client_ip)`: the caller's source IP as API Gateway saw it. */
  | { readonly kind: 'client-ip' }
  /** `$(request_time)`: request time, epoch milliseconds. */
  | { readonly kind: 'request-time' }
  /** A flat authorizer context key (`$(consumer)`, ..., and `route`). */
  | { readonly kind: 'authorizer'; readonly key: AuthorizerContextKey }
  /** A literal value. */
  | { readonly kind: 'static'; readonly value: string };

export type AuthorizerContextKey = ContextKey | 'route';

export interface UpstreamHeader {
  readonly name: string;
  readonly source: HeaderSource;
}

export interface RequestTransformation {
  /**
   * Headers set (overwritten) on the upstream request, in a stable order. Headers the config
   * removes (request-transformer `remove`, `hide_credentials`) are among them, set to
   * {@link SCRUBBED_VALUE}: API Gateway HTTP_PROXY integrations cannot drop a client header,
   * only overwrite it, and the local gateway does exactly the same.
   */
  readonly set: readonly UpstreamHeader[];
}

/** A header template or value that cannot be compiled, at the config key `keyPath`; `problem` is what is wrong there. */
export class TransformationError extends Error {
  constructor(public readonly keyPath: readonly PropertyKey[], public readonly problem: string) {
    super(`${formatPath(keyPath)}: ${problem}`);
    this.name = 'TransformationError';
  }
}

/**
 * Value sent instead of a header the gateway keeps from the upstream (the origin-verify secret,
 * consumed credentials, removed headers): HTTP_PROXY forwards every client header, so without
 * this the CloudFront secret and the caller's key would reach every upstream.
 */
export const SCRUBBED_VALUE = '-';

const TEMPLATE = /^\$\(([a-z_]+)\)$/;
const TEMPLATE_ANYWHERE = /\$\(/;

/** Compiles the headers for one route (`undefined`: only the global transformations). */
export function compileRequestTransformation(config: GatewayConfig, route?: RouteConfig): RequestTransformation {
  const set = new Map<string, UpstreamHeader>();
  const put = (header: UpstreamHeader) => set.set(header.name.toLowerCase(), header);

  for (const [key, name] of Object.entries(CONTEXT_HEADERS)) put({ name, source: { kind: 'authorizer', key: key as ContextKey } });
  put({ name: ROUTE_HEADER, source: { kind: 'authorizer', key: 'route' } });

  for (const [name, value] of Object.entries(config.transformations.request.add_headers)) {
    put(compileHeader(name, value, ['transformations', 'request', 'add_headers', name]));
  }
  const scrub = (name: string) => put({ name, source: { kind: 'static', value: SCRUBBED_VALUE } });
  if (route) {
    const routeIndex = config.routes.findIndex((r) => r.name === route.name);
    route.plugins.forEach((plugin, p) => {
      if (plugin.name !== 'request-transformer' && plugin.name !== 'request-transformer-advanced') return;
      const at = ['routes', routeIndex, 'plugins', p, 'config'];
      plugin.config.add.headers.forEach((entry, h) => {
        const { name, value } = splitKongHeader(entry, [...at, 'add', 'headers', h]);
        put(compileHeader(name, value, [...at, 'add', 'headers', h]));
      });
      plugin.config.remove.headers.forEach((name, h) => {
        if (isReserved(name)) throw new TransformationError([...at, 'remove', 'headers', h], `${name} is set by the gateway and cannot be removed`);
        scrub(name);
      });
    });
    // hide_credentials: the credential the gateway consumed stays at the gateway.
    if (route.auth.hide_credentials) for (const name of consumedCredentialHeaders(config, route)) scrub(name);
  }
  // Never forward the CloudFront origin secret upstream.
  scrub(ORIGIN_VERIFY_HEADER);
  return { set: [...set.values()] };
}

/** The request headers that carry a credential the route's strategies consume. */
export function consumedCredentialHeaders(config: Pick<GatewayConfig, 'identity'>, route: Pick<RouteConfig, 'auth'>): string[] {
  const { strategies } = route.auth;
  return [
    ...(strategies.includes('jwt') ? ['Authorization'] : []),
    ...(strategies.includes('api_key') ? [config.identity.api_keys.header] : []),
  ];
}

/** Compiles one configured header value: a whole-value template or a literal. */
export function compileHeader(name: string, value: string, path: readonly PropertyKey[]): UpstreamHeader {
  if (isReserved(name)) {
    throw new TransformationError(path, `${name} is set by the gateway from the authorizer decision and cannot be configured`);
  }
  const match = TEMPLATE.exec(value.trim());
  if (match) return { name, source: templateSource(match[1], path) };
  if (TEMPLATE_ANYWHERE.test(value)) {
    throw new TransformationError(path, `"${value}" mixes a template with text; a header value is either one template like $(uuid) or a literal`);
  }
  if (value.includes("'")) throw new TransformationError(path, 'a literal header value cannot contain a single quote (API Gateway static values are single-quoted)');
  return { name, source: { kind: 'static', value } };
}

function templateSource(template: string, path: readonly PropertyKey[]): HeaderSource {
  switch (template) {
    case 'uuid': return { kind: 'request-id' };
    case 'client_ip': return { kind: 'client-ip' };
    case 'request_time': return { kind: 'request-time' };
    default:
      if (template in CONTEXT_HEADERS) return { kind: 'authorizer', key: template as ContextKey };
      throw new TransformationError(path, `unknown template $(${template}); known templates: ${HEADER_TEMPLATES.map((t) => `$(${t})`).join(', ')}`);
  }
}

/** Kong request-transformer entries are `Name:value`. */
function splitKongHeader(entry: string, path: readonly PropertyKey[]): { name: string; value: string } {
  const colon = entry.indexOf(':');
  const name = colon > 0 ? entry.slice(0, colon).trim() : '';
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
    throw new TransformationError(path, `"${entry}" is not a Kong header entry; expected Name:value, e.g. X-Source:gatehouse`);
  }
  return { name, value: entry.slice(colon + 1).trim() };
}

const RESERVED = new Set([...Object.values(CONTEXT_HEADERS), ROUTE_HEADER, ORIGIN_VERIFY_HEADER].map((h) => h.toLowerCase()));
const isReserved = (name: string) => RESERVED.has(name.toLowerCase());

/** API Gateway integration request parameters (`integration.request.header.X` -> source expression). */
export function toIntegrationRequestParameters(transformation: RequestTransformation): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, source } of transformation.set) out[`integration.request.header.${name}`] = mappingExpression(source);
  return out;
}

/** The API Gateway mapping expression of a header source. */
export function mappingExpression(source: HeaderSource): string {
  switch (source.kind) {
    case 'request-id': return 'context.requestId';
    case 'client-ip': return `method.request.header.${CLIENT_IP_HEADER}`;
    case 'request-time': return 'context.requestTimeEpoch';
    case 'authorizer': return `context.authorizer.${source.key}`;
    case 'static': return `'${source.value}'`;
  }
}

/** What the local gateway knows about one request, mirroring API Gateway's `$context`. */
export interface RequestFacts {
  readonly requestId: string;
  readonly clientIp: string;
  readonly requestTimeEpoch: number;
  /** The authorizer's flat context. */
  readonly authorizer: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** Evaluates a compiled transformation for one request (local gateway). Missing context values become ''. */
export function resolveUpstreamHeaders(transformation: RequestTransformation, facts: RequestFacts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, source } of transformation.set) {
    switch (source.kind) {
      case 'request-id': out[name] = facts.requestId; break;
      case 'client-ip': out[name] = facts.clientIp; break;
      case 'request-time': out[name] = String(facts.requestTimeEpoch); break;
      case 'authorizer': out[name] = String(facts.authorizer[source.key] ?? ''); break;
      case 'static': out[name] = source.value; break;
    }
  }
  return out;
}
