import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { AUDIT_TRANSFORMER_SERVICE, METRICS_NAMESPACE } from '../../lib/observability/metric-names';
import { createTracer } from '../../lib/observability/powertools-tracer';

/** Created once per execution environment and shared by the handler's middlewares. */
export const logger = new Logger({ serviceName: AUDIT_TRANSFORMER_SERVICE });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: AUDIT_TRANSFORMER_SERVICE });
export const tracer = createTracer(AUDIT_TRANSFORMER_SERVICE);
