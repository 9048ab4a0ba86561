import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { Authorize } from './authorizer';
import { logger, metrics, recordKeyCache, recordOutcome, tracer } from './observability';
import { authorizerFromEnv } from './runtime';

// Built once per execution environment, on the first invocation (JWKS hydrated, Redis connected).
let ready: Promise<Authorize> | undefined;
function authorizer(): Promise<Authorize> {
  ready ??= authorizerFromEnv(process.env, { onOutcome: recordOutcome, onKeyCache: recordKeyCache }).then((r) => r.authorize);
  ready.catch(() => { ready = undefined; });
  return ready;
}

const lambdaHandler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  // Correlation id = API Gateway request id (set directly: correlationIdPath needs a JMESPath search fn).
  const requestId = event?.requestContext?.requestId;
  if (typeof requestId === 'string') logger.setCorrelationId(requestId);
  return (await authorizer())(event);
};

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
