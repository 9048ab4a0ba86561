import { HEALTH_PATH, healthBody } from '../../../lib/contract/health-route';
import { CONTINUE, gatewayResponse, type RequestContext, type StageResult } from './context';

/**
 * The gateway's own health route (lib/contract/health-route.ts): a MOCK method API Gateway
 * answers itself, after the web ACL and the stage throttle, before any config route, with no
 * authorizer and no usage key (lib/constructs/api-health-route.ts). GET only: another method on
 * its resource is MISSING_AUTHENTICATION_TOKEN, as for any resource without that method. The MOCK
 * has a mapping template for application/json only and passes nothing through, so a request whose
 * Content-Type is another media type is UNSUPPORTED_MEDIA_TYPE (none counts as JSON). The twin emulates no
 * origin-verify secret (its CloudFront is in the same process and always sends it), so a probe
 * needs none here; deployed, the prober sends it like CloudFront.
 */

/** The request log's `route` of a health answer (config route names start with a letter). */
export const HEALTH_ROUTE_NAME = '_gatehouse-health';

export function healthRoute(ctx: RequestContext): StageResult {
  if (ctx.path !== HEALTH_PATH) return CONTINUE;
  const log = { ...ctx.log, route: HEALTH_ROUTE_NAME };
  if (ctx.req.method !== 'GET') return gatewayResponse(ctx, log, 'MISSING_AUTHENTICATION_TOKEN');
  const type = ctx.headers['content-type'];
  if (type !== undefined && type.split(';')[0].trim().toLowerCase() !== 'application/json') return gatewayResponse(ctx, log, 'UNSUPPORTED_MEDIA_TYPE');
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-amzn-requestid': ctx.requestId },
    body: JSON.stringify(healthBody(ctx.gateway.region)),
    log,
  };
}
