import { CONTINUE, gatewayResponse, str, type RequestContext, type StageResult } from './context';

/**
 * The route the authorizer chose (`context.route`, logged when the config has it), then the
 * request validator: a body the primary route's `request_schema` refuses -> BAD_REQUEST_BODY
 * with the validation errors.
 */
export function requestValidation(ctx: RequestContext): StageResult {
  const routeName = str(ctx.authorizer.route);
  const route = routeName ? ctx.gateway.routes.get(routeName) : undefined;
  ctx.route = route;
  if (route) ctx.log.route = route.name;
  const validationErrors = ctx.gateway.validator.validate(ctx.method!.primary, ctx.req.method, ctx.req.body);
  if (validationErrors) return gatewayResponse(ctx, ctx.log, 'BAD_REQUEST_BODY', ctx.authorizer, validationErrors);
  return CONTINUE;
}
