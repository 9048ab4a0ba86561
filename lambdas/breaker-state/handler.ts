import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import Redis from 'ioredis';
import { initAtLoad } from '../init-at-load';
import { CloudWatchAlarmStates } from './alarm-states';
import { bakedBreakerStateConfigJson, BREAKER_STATE_ENV, type BreakerStateConfig } from './config';
import { logger, recordOutcome } from './observability';
import { createBreakerStateChange, type BreakerStateOutcome } from './state-change';

type Apply = (raw: unknown) => Promise<BreakerStateOutcome>;

/**
 * The middy + Powertools pipeline around the state change that `build` creates once per execution
 * environment (as lambdas/authorizer/handler.ts): the build starts at module load (Lambda init:
 * config parsed, Redis connecting) and a failed build is retried by the next invocation.
 * A refused event resolves (logged, never retried); a Redis or CloudWatch failure rejects, so
 * Lambda's asynchronous invocation retries the event (twice, then drops it: see the construct).
 */
export function createHandler(build: () => Promise<Apply>) {
  const apply = initAtLoad(build);

  const lambdaHandler = async (event: EventBridgeEvent<string, unknown>): Promise<BreakerStateOutcome> => {
    if (typeof event?.id === 'string') logger.setCorrelationId(event.id);
    const outcome = await (await apply())(event);
    recordOutcome(outcome);
    return outcome;
  };

  return middy(lambdaHandler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logFailure);
}

/** The event the function could not apply, as one structured line before Lambda retries it. */
const logFailure: MiddlewareObj<EventBridgeEvent<string, unknown>> = {
  onError: (request) => {
    logger.error('breaker state not applied; Lambda retries the event', { error: request.error as Error, source: request.event?.source, detailType: request.event?.['detail-type'] });
  },
};

/**
 * The deployed wiring: the baked config, the rate-limit cache over TLS (`rediss://`), CloudWatch
 * in the function's region. Redis waits for its connection (a state change is worth a cold
 * start's handshake), unlike the authorizer's limiter, which must answer in milliseconds.
 */
export const handler = createHandler(async () => {
  const json = bakedBreakerStateConfigJson();
  if (!json) throw new Error(`${BREAKER_STATE_ENV.config} is not set (the breaker-state construct bakes it into the bundle)`);
  const url = process.env[BREAKER_STATE_ENV.redisUrl];
  if (!url) throw new Error(`${BREAKER_STATE_ENV.redisUrl} is not set (the rate-limit cache holds the breaker records)`);
  const redis = new Redis(url, { connectTimeout: 5000, maxRetriesPerRequest: 2 });
  redis.on('error', (err) => logger.warn('redis connection error; ioredis reconnects', { error: err }));
  return createBreakerStateChange({ config: JSON.parse(json) as BreakerStateConfig, redis, alarms: new CloudWatchAlarmStates() });
});
