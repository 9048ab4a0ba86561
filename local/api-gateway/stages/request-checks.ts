import { CONTINUE, gatewayResponse, type RequestContext, type StageResult } from './context';

/**
 * The checks before any resource is chosen, in API Gateway's order: the web ACL rules (the
 * regional WAF sits in front of the stage), then the stage-wide throttle.
 */

/** Web ACL rules (body size, content type, repeated cache-key parameter): the WAF's own answer. */
export function wafRules(ctx: RequestContext): StageResult {
  const { req } = ctx;
  const blocked = ctx.gateway.wafChecks({ method: req.method, contentType: ctx.headers['content-type'], bodyBytes: req.body.length, rawQuery: req.rawQuery });
  if (!blocked) return CONTINUE;
  return { statusCode: blocked.statusCode, headers: { 'content-type': 'application/json' }, body: blocked.body, log: { ...ctx.log, error: `waf:${blocked.rule}` } };
}

/** The stage throttle's token bucket, taken before the authorizer runs -> THROTTLED. */
export function stageThrottle(ctx: RequestContext): StageResult {
  return ctx.gateway.usagePlans.admitStage() ? CONTINUE : gatewayResponse(ctx, ctx.log, 'THROTTLED');
}
