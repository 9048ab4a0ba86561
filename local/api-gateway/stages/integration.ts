import { REFUSAL, refusalBody } from '../../../lib/contract/refusals';
import { resolveUpstreamHeaders, SCRUBBED_VALUE } from '../../../lib/contract/transformations';
import type { HttpMethod } from '../../../lib/config/schema';
import { HOP_BY_HOP, type IntegrationResult } from '../integration';
import { callWithRetries } from '../retries';
import type { UpstreamExchange } from '../service-upstream';
import { gatewayResponse, type RequestContext, type StageResult } from './context';

/**
 * The HTTP_PROXY integration through the "ALB" (the service's instances, ../service-upstream.ts),
 * then the integration response as the caller gets it.
 */

/** The internal ALB's default action (lib/constructs/network-internal-alb.ts), from the same words. */
const NO_ROUTE_MATCHED = refusalBody(REFUSAL.noRouteMatched);

/**
 * The primary route's URI, transformation and timeout (as deployed: one integration per API
 * method, so routes sharing a path and method share the primary route's timeout); the "ALB" picks
 * the service from X-Gatehouse-Route, or answers its default 404 when no rule matches. The served
 * route's retries apply to its idempotent methods (twin only, ../retries.ts). Calling the
 * upstream is an await point.
 */
export function callIntegration(ctx: RequestContext): StageResult {
  const { gateway, req, route, requestId } = ctx;
  const method = ctx.method!;
  const compiled = ctx.compiled!;
  const targetService = method.directService ?? (route ? gateway.services.get(route.service) : undefined);
  if (!targetService) {
    return { statusCode: 404, headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, body: NO_ROUTE_MATCHED, log: { ...ctx.log, error: 'alb:no_route' } };
  }
  const upstreamHeaders: Record<string, string | string[]> = {};
  for (const [name, value] of req.rawHeaders) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    const prev = upstreamHeaders[lower];
    upstreamHeaders[lower] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  const gatewayHeaders = resolveUpstreamHeaders(compiled.transformation, { requestId, clientIp: req.sourceIp, requestTimeEpoch: ctx.now, authorizer: ctx.authorizer });
  const grpc = targetService.protocol === 'grpc' ? grpcHeaders(upstreamHeaders, gatewayHeaders) : undefined;
  // Names are lower case in the compiled transformation, so the values land over the client's.
  if (!grpc) Object.assign(upstreamHeaders, gatewayHeaders);
  const exchange: UpstreamExchange = {
    path: compiled.target(ctx.pathParameters),
    rawQuery: req.rawQuery,
    method: req.method,
    headers: grpc?.headers ?? upstreamHeaders,
    body: req.body,
    timeoutMs: gateway.routeResilience.get(method.primary.name)!.timeoutMs,
    metadata: grpc?.metadata,
  };
  const upstream = gateway.upstreams.get(targetService.name)!;
  const retries = gateway.routeResilience.get((route ?? method.primary).name)?.retries;
  if (retries?.methods.has(req.method as HttpMethod)) return callWithRetries(upstream, exchange, retries, ctx.log);
  return upstream.call(exchange);
}

/**
 * A gRPC service's headers as the transcoding Lambda splits them: what the gateway sets goes as
 * metadata, a scrubbed credential not at all (gRPC can drop a header, so it does), and of the
 * client's own headers only those the gateway does not set (the service's metadata_headers then
 * select among them).
 */
function grpcHeaders(client: Record<string, string | string[]>, gateway: Record<string, string>): { headers: Record<string, string | string[]>; metadata: Record<string, string> } {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(gateway)) if (value !== SCRUBBED_VALUE) metadata[name] = value;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(client)) if (!Object.hasOwn(gateway, name)) headers[name] = value;
  return { headers, metadata };
}

/**
 * The upstream's answer: a failed exchange -> its gateway response (INTEGRATION_TIMEOUT or
 * INTEGRATION_FAILURE); a 200 of a cached method is stored; the request id (and the stage
 * cache's warning) added.
 */
export function mapIntegrationResponse(ctx: RequestContext): StageResult {
  // The integration never rejects; if it ever does, the server answers its 500 as before.
  if (ctx.failed) throw ctx.failure;
  const upstream = ctx.settled as IntegrationResult;
  const { log } = ctx;
  log.upstreamLatencyMs = upstream.latencyMs;
  if (!upstream.ok) return gatewayResponse(ctx, log, upstream.type, ctx.authorizer);
  const cache = ctx.method!.cache;
  if (ctx.stageKey && cache && upstream.statusCode === 200) {
    ctx.gateway.stageCache.set(ctx.stageKey, { statusCode: upstream.statusCode, headers: { ...upstream.headers }, body: upstream.body }, cache.ttl);
  }
  // The integration's header object is this request's own: add to it instead of copying it.
  const responseHeaders = upstream.headers;
  responseHeaders['x-amzn-requestid'] = ctx.requestId;
  if (ctx.warning) responseHeaders.warning = ctx.warning;
  return { statusCode: upstream.statusCode, headers: responseHeaders, body: upstream.body, log };
}

