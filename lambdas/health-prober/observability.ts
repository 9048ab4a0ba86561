import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../../lib/observability/metric-names';
import { HEALTH_PROBE_DIMENSION, HEALTH_PROBE_METRIC, HEALTH_PROBER_SERVICE } from '../../lib/contract/routing-plan';
import type { ProbeRoundOutcome } from './round';

/** Created once per execution environment; X-Ray data comes from Lambda active tracing, as for the other functions. */
export const logger = new Logger({ serviceName: HEALTH_PROBER_SERVICE });
/** Single metrics only (one per region and run, each with the run's timestamp): nothing is stored to flush. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: HEALTH_PROBER_SERVICE });

/**
 * Per probed region one `HealthProbeFailures{service, TargetRegion}` data point (0 included, so
 * a healthy region's alarm has data and stays OK), stamped with the run's scheduled time, so
 * each run counts in exactly one period (ProbeRoundOutcome.timestampMs). A failed probe is a WARN line with its
 * reason; a skipped region an ERROR line and no data point (the check keeps its last status).
 */
export function recordRound(outcome: ProbeRoundOutcome): void {
  for (const region of outcome.regions) {
    if (region.status === 'skipped') {
      logger.error('region not probed; its health check keeps its last status', { targetRegion: region.region, reason: region.reason });
      continue;
    }
    region.results.forEach((result, probe) => {
      if (!result.healthy) logger.warn('health probe failed', { targetRegion: region.region, probe, reason: result.reason, status: result.status, ms: result.ms });
    });
    const point = metrics.singleMetric();
    point.setTimestamp(outcome.timestampMs);
    point.addDimension(HEALTH_PROBE_DIMENSION, region.region);
    point.addMetric(HEALTH_PROBE_METRIC, MetricUnit.Count, region.failures);
    logger.info('health probes', { targetRegion: region.region, probes: region.results.length, failures: region.failures, maxMs: Math.max(...region.results.map((r) => r.ms)) });
  }
}
