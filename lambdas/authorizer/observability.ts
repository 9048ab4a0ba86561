import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE } from '../../lib/gateway/authorizer-env';
import { METRIC, METRIC_DIMENSION } from '../../lib/observability/metric-names';
import { createTracer } from '../../lib/observability/tracing';
import type { Outcome } from './authorizer';

/** Created once per execution environment. Never log tokens, keys or client IPs. */
export const logger = new Logger({ serviceName: POWERTOOLS_SERVICE });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: POWERTOOLS_SERVICE });
/** Through the one tracing seam (backend and its cost: docs/decisions/0010-authorizer-bundle.md). */
export const tracer = createTracer(POWERTOOLS_SERVICE);

/** One log line and the metrics of a decision. */
export function recordOutcome(outcome: Outcome): void {
  if (outcome.effect === 'allow') {
    metrics.addMetric(METRIC.allowed, MetricUnit.Count, 1);
  } else {
    const single = metrics.singleMetric();
    single.addDimension(METRIC_DIMENSION.reason, outcome.reason ?? 'unknown');
    single.addMetric(outcome.effect === 'deny' ? METRIC.denied : METRIC.unauthorized, MetricUnit.Count, 1);
    if (outcome.reason === 'rate_limited' && outcome.tier) {
      const limited = metrics.singleMetric();
      limited.addDimension(METRIC_DIMENSION.tier, outcome.tier);
      limited.addMetric(METRIC.rateLimited, MetricUnit.Count, 1);
    }
  }
  if (outcome.limiterDegraded) metrics.addMetric(METRIC.limiterFallback, MetricUnit.Count, 1);
  logger.info('authorizer decision', { ...outcome });
}

export function recordKeyCache(hit: boolean): void {
  metrics.addMetric(hit ? METRIC.keyCacheHit : METRIC.keyCacheMiss, MetricUnit.Count, 1);
}
