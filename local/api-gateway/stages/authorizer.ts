import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { REASON } from '../../../lib/contract/authorizer-context';
import { RateLimiterUnavailableError } from '../../../lib/rate-limit/rate-limiter';
import { refusalReason, type AuthorizerDecision } from '../../authorizer-adapter';
import { AuthorizerResultCache } from '../authorizer-cache';
import { authorizerEvent } from '../authorizer-event';
import { evaluatePolicy, methodArnOf } from '../policy';
import { API, CONTINUE, gatewayResponse, NO_QUERY, str, type AuthorizerContext, type RequestContext, type StageResult } from './context';

/**
 * The REQUEST authorizer as API Gateway runs it: identity sources, result cache, the Lambda,
 * then the policy it returned.
 */

/** The request log's reason when API Gateway answers 401 without invoking the authorizer. */
export const IDENTITY_SOURCE_MISSING = 'identity_source_missing';

/**
 * The query (`ctx.query`) and, when the method caches results, the identity source values:
 * one missing or empty -> 401 UNAUTHORIZED without invoking the authorizer; else `ctx.cacheKey`.
 */
export function identitySources(ctx: RequestContext): StageResult {
  const { req } = ctx;
  const query = req.rawQuery ? Object.fromEntries(new URLSearchParams(req.rawQuery)) : NO_QUERY;
  ctx.query = query;
  const compiled = ctx.compiled!;
  if (!compiled.identity) return CONTINUE;
  const identity = compiled.identity({ headers: ctx.headers, query, httpMethod: req.method, resourcePath: ctx.resourcePath });
  if (!identity.ok) return gatewayResponse(ctx, { ...ctx.log, reason: IDENTITY_SOURCE_MISSING }, 'UNAUTHORIZED');
  ctx.cacheKey = AuthorizerResultCache.key(compiled.authorizerId, identity.values);
  return CONTINUE;
}

/** The method ARN, and a cached result for the identity (`ctx.result`, logged as a hit). */
export function authorizerCache(ctx: RequestContext): StageResult {
  ctx.methodArn = methodArnOf(ctx.gateway.arnPrefix, ctx.req.method, ctx.path);
  const result = ctx.cacheKey ? ctx.gateway.authorizerCache.get(ctx.cacheKey) : undefined;
  ctx.result = result;
  ctx.log.authorizerCacheHit = result !== undefined;
  return CONTINUE;
}

/** On a cache miss, invokes the authorizer with API Gateway's REQUEST event (an await point). */
export function invokeAuthorizer(ctx: RequestContext): StageResult {
  if (ctx.result) return CONTINUE;
  const { req, headers } = ctx;
  const event = authorizerEvent({
    requestId: ctx.requestId, methodArn: ctx.methodArn, resourcePath: ctx.resourcePath, path: ctx.path, httpMethod: req.method, rawHeaders: req.rawHeaders, rawQuery: req.rawQuery,
    pathParameters: ctx.pathParameters, sourceIp: req.sourceIp, userAgent: headers['user-agent'], requestTimeEpoch: ctx.now,
    api: { id: API.id, stage: API.stage, account: ctx.gateway.account, domainName: headers.host ?? 'localhost', resourceId: API.resourceId },
  });
  try {
    // Promise.resolve hands a native promise back as it is; anything else becomes one.
    return Promise.resolve(ctx.gateway.authorize(event));
  } catch (err) {
    ctx.failure = err;
    ctx.failed = true;
    ctx.settled = undefined;
    return CONTINUE;
  }
}

/**
 * What the invoked authorizer answered: thrown `Unauthorized` -> UNAUTHORIZED (not cached), any
 * other failure -> AUTHORIZER_FAILURE, a malformed result -> AUTHORIZER_CONFIGURATION_ERROR;
 * a valid result is cached for the method's TTL. A cached result skips this stage.
 */
export function authorizerOutcome(ctx: RequestContext): StageResult {
  if (ctx.result) return CONTINUE;
  const { log } = ctx;
  const decision = ctx.settled as AuthorizerDecision | undefined;
  if (ctx.failed || decision == null) {
    const err = ctx.failed ? ctx.failure : new TypeError('the authorizer answered no decision');
    log.reason = refusalReason(err);
    if ((err as Error)?.message === 'Unauthorized') return gatewayResponse(ctx, log, 'UNAUTHORIZED');
    if (err instanceof RateLimiterUnavailableError) log.limiter = 'unavailable';
    return gatewayResponse(ctx, log, 'AUTHORIZER_FAILURE');
  }
  const result = decision.result;
  if (decision.limiterDegraded) log.limiter = 'degraded';
  if (!isAuthorizerResult(result)) {
    // A shed request ends here on purpose (lambdas/authorizer/shed.ts): 503 + Retry-After.
    log.reason = decision.reason;
    return gatewayResponse(ctx, log, 'AUTHORIZER_CONFIGURATION_ERROR');
  }
  if (ctx.cacheKey) ctx.gateway.authorizerCache.set(ctx.cacheKey, result, ctx.method!.authorizer.ttl);
  ctx.result = result;
  return CONTINUE;
}

/**
 * The result's context into the log (consumer, tier, reason, limiter) and `ctx.authorizer`;
 * its policy evaluated against the method ARN: anything but Allow -> ACCESS_DENIED.
 */
export function authorizerPolicy(ctx: RequestContext): StageResult {
  const result = ctx.result!;
  const { log } = ctx;
  const context = (result.context ?? {}) as AuthorizerContext;
  ctx.authorizer = context;
  log.consumer = str(context.consumer);
  log.tier = str(context.tier);
  log.reason = str(context.reason);
  if (context.reason === REASON.rateLimited || context.reason === REASON.quotaExceeded) log.limiter = 'limited';
  if (evaluatePolicy(result.policyDocument, ctx.methodArn) !== 'Allow') return gatewayResponse(ctx, log, 'ACCESS_DENIED', context);
  log.limiter ??= 'allowed';
  return CONTINUE;
}

/** API Gateway's check of an authorizer's output: a principal, a policy with statements, a flat context. */
function isAuthorizerResult(r: unknown): r is APIGatewayAuthorizerResult {
  const v = r as APIGatewayAuthorizerResult | undefined;
  return typeof v === 'object' && v !== null && typeof v.principalId === 'string' && typeof v.policyDocument === 'object'
    && Array.isArray(v.policyDocument?.Statement) && isFlatContext(v.context);
}

/** Context values must be strings, numbers or booleans (AWS-NOTES); anything else is a configuration error. */
function isFlatContext(context: unknown): boolean {
  if (context === undefined || context === null) return true;
  if (typeof context !== 'object' || Array.isArray(context)) return false;
  return Object.values(context).every((v) => v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v));
}
