import { CORS_PREFLIGHT_STATUS } from '../../../lib/contract/cors';
import { CONTINUE, gatewayResponse, type RequestContext, type StageResult } from './context';

/**
 * Choosing the method: the decoded path, the CORS preflight mock, then the resource tree
 * (local/api-gateway/resources.ts).
 */

const NEEDS_DECODING = /[%.\\\u0000]/;

/**
 * The decoded path, or undefined for what no AWS front door passes on: invalid percent-encoding,
 * encoded NUL, dot segments (path traversal) in raw or encoded form.
 */
export function decodePath(rawPath: string): string | undefined {
  // Without '%', '.', '\\' or NUL there is nothing to decode and no dot segment.
  if (!NEEDS_DECODING.test(rawPath)) return rawPath;
  let decoded: string;
  try { decoded = decodeURIComponent(rawPath); } catch { return undefined; }
  if (decoded.includes('\u0000') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((s) => s === '.' || s === '..')) return undefined;
  return rawPath;
}

/** A path API Gateway cannot pass on -> DEFAULT_4XX; otherwise `ctx.path`. */
export function decodeRequestPath(ctx: RequestContext): StageResult {
  const path = decodePath(ctx.req.rawPath);
  if (path === undefined) return gatewayResponse(ctx, ctx.log, 'DEFAULT_4XX');
  ctx.path = path;
  return CONTINUE;
}

/**
 * CORS preflight: the MOCK OPTIONS method every resource gets when cors is set (no authorizer,
 * no backend, lib/contract/cors.ts's status); the CloudFront step adds the CORS headers
 * (local/cloudfront.ts), which replace the MOCK's own as CloudFront's origin override does.
 */
export function corsPreflight(ctx: RequestContext): StageResult {
  if (ctx.req.method !== 'OPTIONS' || !ctx.gateway.config.cors || !ctx.gateway.tree.hasPath(ctx.path)) return CONTINUE;
  return { statusCode: CORS_PREFLIGHT_STATUS, headers: { 'x-amzn-requestid': ctx.requestId }, body: '', log: { ...ctx.log, route: 'cors-preflight' } };
}

/** Resource and HTTP method -> the method (`ctx.method`), or MISSING_AUTHENTICATION_TOKEN. */
export function matchMethod(ctx: RequestContext): StageResult {
  const match = ctx.gateway.tree.match(ctx.req.method, ctx.path);
  if (!match) return gatewayResponse(ctx, ctx.log, 'MISSING_AUTHENTICATION_TOKEN');
  ctx.method = match.method;
  ctx.resourcePath = match.resourcePath;
  ctx.pathParameters = match.pathParameters;
  ctx.compiled = ctx.gateway.compiled.get(match.method)!;
  ctx.log.route = match.method.primary.name;
  return CONTINUE;
}
