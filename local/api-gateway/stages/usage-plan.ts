import { REASON } from '../../../lib/contract/authorizer-context';
import { CONTINUE, gatewayResponse, type RequestContext, type StageResult } from './context';

/**
 * The usage plan of a method with `apiKeyRequired`: the authorizer's `usageIdentifierKey` must
 * be in a plan (INVALID_API_KEY), within its throttle (THROTTLED) and quota (QUOTA_EXCEEDED).
 * A refusal the authorizer's own limiter explains is logged as `limited`.
 */
export function usagePlan(ctx: RequestContext): StageResult {
  if (!ctx.method!.authorizer.apiKeyRequired) return CONTINUE;
  const verdict = ctx.gateway.usagePlans.admit(ctx.result!.usageIdentifierKey);
  if (verdict.ok) return CONTINUE;
  const context = ctx.authorizer;
  ctx.log.limiter = context.reason === REASON.rateLimited || context.reason === REASON.quotaExceeded ? 'limited' : `usage-plan:${verdict.type}`;
  return gatewayResponse(ctx, ctx.log, verdict.type, verdict.type === 'INVALID_API_KEY' ? context : undefined);
}
