import { REFUSAL, refusalBody } from '../../../lib/contract/refusals';
import { resolveUpstreamHeaders } from '../../../lib/contract/transformations';
import { HOP_BY_HOP, upstreamTarget, type IntegrationResult } from '../integration';
import { gatewayResponse, type RequestContext, type StageResult } from './context';

/**
 * The HTTP_PROXY integration through the "ALB", then the integration response as the caller
 * gets it.
 */

/** The internal ALB's default action (lib/constructs/network-internal-alb.ts), from the same words. */
const NO_ROUTE_MATCHED = refusalBody(REFUSAL.noRouteMatched);

/**
 * The primary route's URI and transformation (as deployed); the "ALB" picks the service from
 * X-Gatehouse-Route, or answers its default 404 when no rule matches. Calling the upstream is
 * an await point.
 */
export function callIntegration(ctx: RequestContext): StageResult {
  const { gateway, req, route, requestId } = ctx;
  const method = ctx.method!;
  const compiled = ctx.compiled!;
  const targetService = method.directService ?? (route ? gateway.services.get(route.service) : undefined);
  if (!targetService) {
    return { statusCode: 404, headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, body: NO_ROUTE_MATCHED, log: { ...ctx.log, error: 'alb:no_route' } };
  }
  const base = gateway.bases.get(targetService.name)!;
  const upstreamHeaders: Record<string, string | string[]> = {};
  for (const [name, value] of req.rawHeaders) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    const prev = upstreamHeaders[lower];
    upstreamHeaders[lower] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  // Names are lower case in the compiled transformation, so the values land over the client's.
  Object.assign(upstreamHeaders, resolveUpstreamHeaders(compiled.transformation, { requestId, clientIp: req.sourceIp, requestTimeEpoch: ctx.now, authorizer: ctx.authorizer }));
  return gateway.integration.call({
    origin: base.origin,
    path: upstreamTarget(base.basePath, compiled.target(ctx.pathParameters), req.rawQuery),
    method: req.method,
    headers: upstreamHeaders,
    body: req.body,
    timeoutMs: compiled.primaryService.read_timeout_ms,
  }, gateway.clock);
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

