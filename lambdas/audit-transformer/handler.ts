import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { METRIC, METRIC_DIMENSION } from '../../lib/observability/metric-names';
import { FAILED_RECORDS_METRIC } from './failed-record';
import { logger, metrics, tracer } from './powertools';
import { FirehoseRequeue } from './requeue';
import { readSettings } from './settings';
import { transformBatch, type TransformerDeps } from './transform';

/** Firehose data-transformation Lambda: subscription payloads in, masked audit records out. */
export function createHandler(deps: TransformerDeps) {
  return async (event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> => {
    const outcome = await transformBatch(event, deps);
    for (const [type, count] of Object.entries(outcome.masked)) {
      const metric = metrics.singleMetric();
      metric.addDimension(METRIC_DIMENSION.type, type);
      metric.addMetric(METRIC.maskedFields, MetricUnit.Count, count);
    }
    metrics.addMetric(FAILED_RECORDS_METRIC, MetricUnit.Count, outcome.stats.failed);
    for (const failure of outcome.failures) logger.error('record not transformed; its audit line is a gatehouse_failed_record stub', failure);
    logger.info('batch transformed', { ...outcome.stats });
    return { records: outcome.records };
  };
}

export const handler = middy(createHandler({ settings: readSettings(process.env), requeue: new FirehoseRequeue() }))
  .use(tracer.middleware())
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
