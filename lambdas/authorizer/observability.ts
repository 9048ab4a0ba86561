import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { REASON } from '../../lib/contract/authorizer-context';
import { AUTHORIZER_SERVICE, METRIC, METRIC_DIMENSION, METRICS_NAMESPACE } from '../../lib/observability/metric-names';
import type { Outcome } from './authorizer';
import { CounterBatch } from './metric-batch';

/**
 * Share of invocations that log at DEBUG, i.e. also write the decision line of an allowed request
 * (Powertools debug sampling, decided per invocation). `POWERTOOLS_LOGGER_SAMPLE_RATE` overrides it.
 */
export const ALLOW_LOG_SAMPLE_RATE = 0.01;

/** Created once per execution environment. Never log tokens, keys or client IPs. */
export const logger = new Logger({
  serviceName: AUTHORIZER_SERVICE,
  sampleRateValue: process.env.POWERTOOLS_LOGGER_SAMPLE_RATE === undefined ? ALLOW_LOG_SAMPLE_RATE : undefined,
});
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: AUTHORIZER_SERVICE });
/** The hot path's counters, written at most once a second (metric-batch.ts); the rest goes to `metrics`. */
export const counters = new CounterBatch(metrics);
// No in-process tracer: X-Ray data comes from Lambda active tracing (lib/observability/tracing.ts,
// docs/decisions/0012-authorizer-tracing.md); Logger adds xray_trace_id to every line.

/**
 * The metrics of a decision and its log line: denials, 401s and degraded admissions at INFO; plain
 * allows (the hot path, counted by the Allowed metric anyway) at DEBUG, so only the sampled
 * invocations pay for writing them. Every line carries the correlation id (the request id).
 */
export function recordOutcome(outcome: Outcome): void {
  if (outcome.effect === 'allow') {
    counters.count(METRIC.allowed);
  } else if (outcome.effect === 'unavailable') {
    // Fail closed (API Gateway answers 503): counted with the degraded admissions, one alarm for both.
    metrics.addMetric(METRIC.limiterFallback, MetricUnit.Count, 1);
    logger.warn('authorizer decision', { ...outcome });
    return;
  } else if (outcome.effect === 'shed') {
    // Per API method, as API Gateway names it: a public service's breaker alarm subtracts these 503s from 5XXError.
    const shed = metrics.singleMetric();
    shed.addDimension(METRIC_DIMENSION.resource, outcome.apiMethod?.resource ?? 'unknown');
    shed.addDimension(METRIC_DIMENSION.method, outcome.apiMethod?.method ?? 'unknown');
    shed.addMetric(METRIC.shed, MetricUnit.Count, 1);
  } else {
    const single = metrics.singleMetric();
    single.addDimension(METRIC_DIMENSION.reason, outcome.reason ?? 'unknown');
    single.addMetric(outcome.effect === 'deny' ? METRIC.denied : METRIC.unauthorized, MetricUnit.Count, 1);
    if (outcome.reason === REASON.rateLimited && outcome.tier) {
      const limited = metrics.singleMetric();
      limited.addDimension(METRIC_DIMENSION.tier, outcome.tier);
      limited.addMetric(METRIC.rateLimited, MetricUnit.Count, 1);
    }
  }
  if (outcome.limiterDegraded) metrics.addMetric(METRIC.limiterFallback, MetricUnit.Count, 1);
  if (outcome.effect === 'allow' && !outcome.limiterDegraded) logger.debug('authorizer decision', { ...outcome });
  else logger.info('authorizer decision', { ...outcome });
}

export function recordKeyCache(hit: boolean): void {
  counters.count(hit ? METRIC.keyCacheHit : METRIC.keyCacheMiss);
}
