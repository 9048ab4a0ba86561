import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { Authorize } from './authorizer';
import { initAtLoad } from '../init-at-load';
import { counters, logger, recordKeyCache, recordOutcome } from './observability';
import { authorizerFromEnv, bakedConfigJson } from './runtime';

/**
 * The middy + Powertools pipeline around the authorizer that `build` creates once per execution
 * environment. The build starts when the handler is created (module load = Lambda init phase:
 * config parsed, Redis client loaded and connecting, JWKS fetching) and the first invocation
 * awaits it; a failed build is retried by the next invocation. Exported for the benchmark,
 * which hands in an authorizer with in-memory seams.
 */
export function createHandler(build: () => Promise<Authorize>) {
  const authorizer = initAtLoad(build);

  const lambdaHandler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    // Correlation id = API Gateway request id (set directly: correlationIdPath needs a JMESPath search fn).
    const requestId = event?.requestContext?.requestId;
    if (typeof requestId === 'string') logger.setCorrelationId(requestId);
    return (await authorizer())(event);
  };

  return middy(lambdaHandler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics);
}

/** In place of Powertools' logMetrics (which writes an EMF line on every invocation): the batch decides. */
const flushMetrics: MiddlewareObj = {
  after: () => counters.flush(),
  onError: () => counters.flush(),
};

export const handler = createHandler(async () => {
  const { authorize } = await authorizerFromEnv(process.env, { onOutcome: recordOutcome, onKeyCache: recordKeyCache }, bakedConfigJson());
  return authorize;
});
