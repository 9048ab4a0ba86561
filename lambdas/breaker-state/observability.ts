import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BREAKER_STATE_SERVICE, METRIC, METRIC_DIMENSION, METRICS_NAMESPACE } from '../../lib/observability/metric-names';
import type { BreakerStateOutcome } from './state-change';

/**
 * Created once per execution environment. No in-process tracer: X-Ray data comes from Lambda
 * active tracing, as for the authorizer (lib/observability/tracing.ts); Logger adds xray_trace_id.
 */
export const logger = new Logger({ serviceName: BREAKER_STATE_SERVICE });
/** Only single metrics (written at once, one per transition): nothing is stored to flush. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: BREAKER_STATE_SERVICE });

/**
 * One log line per event: a refused event at ERROR (an operator's typo or a rule that matches too
 * much: nobody retries it), a write at INFO with its BreakerTransition metric, the rest at INFO.
 */
export function recordOutcome(outcome: BreakerStateOutcome): void {
  switch (outcome.status) {
    case 'reconciled':
      for (const each of outcome.outcomes) recordOutcome(each);
      return;
    case 'refused':
      logger.error('breaker event refused', { problem: outcome.problem });
      return;
    case 'unchanged':
      // `upstream`, not `service`: Powertools' own `service` key names this function.
      logger.info('breaker record unchanged', { upstream: outcome.service, signal: outcome.signal, state: outcome.state });
      return;
    case 'written': {
      const transition = metrics.singleMetric();
      transition.addDimension(METRIC_DIMENSION.upstream, outcome.service);
      transition.addDimension(METRIC_DIMENSION.state, outcome.record.state);
      transition.addMetric(METRIC.breakerTransition, MetricUnit.Count, 1);
      logger.info('breaker record written', { upstream: outcome.service, signal: outcome.signal, from: outcome.from, to: outcome.record.state, openedAtMs: outcome.record.openedAtMs, waitMs: outcome.record.waitMs, copies: outcome.copies });
    }
  }
}
