import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { METRIC, METRIC_DIMENSION } from '../../lib/observability/metric-names';
import { logger, metrics, tracer } from './powertools';
import { readSettings } from './settings';
import { transformRecords } from './transform';

const settings = readSettings(process.env);

/** Firehose data-transformation Lambda: subscription payloads in, masked audit records out. */
async function lambdaHandler(event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> {
  const outcome = transformRecords(event.records, settings);
  for (const [type, count] of Object.entries(outcome.masked)) {
    const metric = metrics.singleMetric();
    metric.addDimension(METRIC_DIMENSION.type, type);
    metric.addMetric(METRIC.maskedFields, MetricUnit.Count, count);
  }
  for (const failure of outcome.failures) logger.error('record not transformed; Firehose writes it to the error prefix', failure);
  logger.info('batch transformed', { ...outcome.stats });
  return { records: outcome.records };
}

export const handler = middy(lambdaHandler)
  .use(tracer.middleware())
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
