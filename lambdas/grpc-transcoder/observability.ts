import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../../lib/observability/metric-names';
import { GRPC_TRANSCODER_SERVICE } from './config';
import type { TranscodeOutcome } from './transcode';

/** Created once per execution environment; no in-process tracer (Lambda active tracing, decision 0012). */
export const logger = new Logger({ serviceName: GRPC_TRANSCODER_SERVICE });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: GRPC_TRANSCODER_SERVICE });

/**
 * An answered call is one DEBUG line (API Gateway's access log already has every request, and the
 * upstream's status is in the answer's status); a misrouted event or a library failure is an ERROR
 * with a GrpcTranscoderError metric, because neither is the caller's fault.
 */
export function recordOutcome(outcome: TranscodeOutcome): void {
  switch (outcome.kind) {
    case 'answered':
      logger.debug('transcoded', { route: outcome.route, upstream: outcome.service, status: outcome.status, ms: outcome.ms });
      return;
    case 'misrouted':
    case 'failed': {
      const error = metrics.singleMetric();
      error.addDimension('Kind', outcome.kind);
      error.addMetric('GrpcTranscoderError', MetricUnit.Count, 1);
      if (outcome.kind === 'misrouted') logger.error('event not transcoded: configuration out of step', { route: outcome.route, problem: outcome.problem });
      else logger.error('transcoding failed', { route: outcome.route, upstream: outcome.service, error: outcome.error });
    }
  }
}
