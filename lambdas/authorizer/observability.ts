import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE } from '../../lib/gateway/authorizer-env';
import type { Outcome } from './authorizer';

/** Created once per execution environment. Never log tokens, keys or client IPs. */
export const logger = new Logger({ serviceName: POWERTOOLS_SERVICE });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: POWERTOOLS_SERVICE });
export const tracer = new Tracer({ serviceName: POWERTOOLS_SERVICE });

/** One log line and the metrics of a decision. */
export function recordOutcome(outcome: Outcome): void {
  if (outcome.effect === 'allow') {
    metrics.addMetric('Allowed', MetricUnit.Count, 1);
  } else {
    const single = metrics.singleMetric();
    single.addDimension('reason', outcome.reason ?? 'unknown');
    single.addMetric(outcome.effect === 'deny' ? 'Denied' : 'Unauthorized', MetricUnit.Count, 1);
    if (outcome.reason === 'rate_limited' && outcome.tier) {
      const limited = metrics.singleMetric();
      limited.addDimension('tier', outcome.tier);
      limited.addMetric('RateLimited', MetricUnit.Count, 1);
    }
  }
  if (outcome.limiterDegraded) metrics.addMetric('LimiterFallback', MetricUnit.Count, 1);
  logger.info('authorizer decision', { ...outcome });
}

export function recordKeyCache(hit: boolean): void {
  metrics.addMetric(hit ? 'ConsumerCacheHit' : 'ConsumerCacheMiss', MetricUnit.Count, 1);
}
