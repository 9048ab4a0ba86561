import { CACHE_CONTROL_IGNORED_WARNING, requestsInvalidation, stageCacheKey } from '../stage-cache';
import { CONTINUE, type RequestContext, type StageResult } from './context';

/**
 * The method's stage cache (from the route table: GET/HEAD answered by one route with
 * cache.ttl): a hit is answered here; a conditional request bypasses it; `Cache-Control:
 * max-age=0` is ignored with a warning (local/api-gateway/stage-cache.ts says why). The key
 * (`ctx.stageKey`) lets response mapping store a 200.
 */
export function stageCacheLookup(ctx: RequestContext): StageResult {
  const cache = ctx.method!.cache;
  if (!cache) return CONTINUE;
  const { headers, req } = ctx;
  const conditional = headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined;
  const stageKey = conditional ? undefined : stageCacheKey(cache, { httpMethod: req.method, resourcePath: ctx.resourcePath, pathParameters: ctx.pathParameters, query: ctx.query, headers });
  ctx.stageKey = stageKey;
  const hit = stageKey ? ctx.gateway.stageCache.get(stageKey) : undefined;
  if (requestsInvalidation(headers['cache-control'])) ctx.warning = CACHE_CONTROL_IGNORED_WARNING;
  const { warning } = ctx;
  if (hit) {
    return { statusCode: hit.statusCode, headers: { ...hit.headers, 'x-amzn-requestid': ctx.requestId, ...(warning ? { warning } : {}) }, body: hit.body, log: { ...ctx.log, stageCache: 'hit' } };
  }
  ctx.log.stageCache = stageKey ? 'miss' : 'bypass';
  return CONTINUE;
}
