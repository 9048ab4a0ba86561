import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { initAtLoad } from '../init-at-load';
import { buildTranscoder } from './build-transcoder';
import { bakedTranscoderConfigJson, GRPC_TRANSCODER_ENV, type TranscoderConfig } from './config';
import { libraryTranscoderFactory } from './library-transcoder';
import { logger } from './observability';
import type { Transcode } from './transcode';

/**
 * The middy + Powertools pipeline around the transcoder that `build` creates once per execution
 * environment (as lambdas/authorizer/handler.ts): the build starts at module load (Lambda init:
 * config parsed, every service's protos compiled, its channel created) and a failed build is
 * retried by the next invocation. Exported for the bench and the tests.
 */
export function createHandler(build: () => Promise<Transcode>) {
  const transcode = initAtLoad(build);
  const lambdaHandler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const requestId = event?.requestContext?.requestId;
    if (typeof requestId === 'string') logger.setCorrelationId(requestId);
    return (await transcode())(event);
  };
  return middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** The deployed wiring: the baked config, the internal ALB's host from the environment, the transcoding library. */
export const handler = createHandler(async () => {
  const json = bakedTranscoderConfigJson();
  if (!json) throw new Error(`${GRPC_TRANSCODER_ENV.config} is not set (the transcoder construct bakes it into the bundle)`);
  return buildTranscoder(JSON.parse(json) as TranscoderConfig, libraryTranscoderFactory, process.env[GRPC_TRANSCODER_ENV.albHost]);
});
