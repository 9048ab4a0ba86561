/**
 * The one tracing seam of Gatehouse's Lambdas. Handlers call `createTracer()` and use only the
 * `GatehouseTracer` interface; the CDK code reads `TRACING` to switch tracing on for functions
 * and the API stage. Nothing else imports a tracing SDK.
 *
 * Today: AWS X-Ray through Powertools Tracer (which wraps the X-Ray SDK, in maintenance mode
 * until February 2027). The request path is traced end to end as
 * CloudFront (no segment; it forwards X-Amzn-Trace-Id) -> API Gateway stage (segment, tracingEnabled)
 * -> authorizer Lambda (segment, active tracing) -> upstream (API Gateway adds X-Amzn-Trace-Id
 * to the integration request; services continue the trace from that header).
 *
 * Swapping to OpenTelemetry (ADOT), see docs/observability.md "Tracing":
 * 1. Implement `GatehouseTracer` with `@opentelemetry/api` (`trace.getTracer(service)`, span
 *    attributes for `annotate`, W3C `traceparent` / X-Ray propagator for `traceHeader`).
 * 2. Return it from `createTracer()`; handlers do not change.
 * 3. Set `TRACING.backend = 'otel'`: the CDK adds the ADOT Lambda layer and
 *    `AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-handler` (keep `lambdaMode: 'Active'` so X-Ray still
 *    receives the spans through the ADOT collector's awsxray exporter, or point it at an OTLP backend).
 *
 * This module runs inside Lambda bundles: it must not import aws-cdk-lib.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';

/** Settings the CDK applies to every Gatehouse function and to the API stage. */
export const TRACING = {
  backend: 'xray' as 'xray' | 'otel',
  /** Lambda `TracingConfig.Mode` (CDK `lambda.Tracing.ACTIVE`). */
  lambdaMode: 'Active' as 'Active' | 'PassThrough',
  /** The header that carries the trace context between hops (X-Ray format). */
  header: 'X-Amzn-Trace-Id',
} as const;

/** What handlers may do with tracing, independent of the backend. */
export interface GatehouseTracer {
  /** middy middleware: one traced segment/span per invocation, errors recorded on it. */
  middleware(): ReturnType<typeof captureLambdaHandler>;
  /** A searchable key on the current segment (X-Ray annotation, OTel span attribute). */
  annotate(key: string, value: string | number | boolean): void;
  /** The trace context to send downstream, e.g. `Root=1-...;Parent=...;Sampled=1`. */
  traceHeader(): string | undefined;
}

/**
 * The tracer of one Lambda function.
 * @param serviceName the Powertools service name (segment name)
 * @example
 * const tracer = createTracer('gatehouse-audit-transformer');
 * export const handler = middy(lambdaHandler).use(tracer.middleware());
 */
export function createTracer(serviceName: string): GatehouseTracer {
  const tracer = new Tracer({ serviceName });
  return {
    middleware: () => captureLambdaHandler(tracer, { captureResponse: false }),
    annotate: (key, value) => tracer.putAnnotation(key, value),
    traceHeader: () => {
      const root = tracer.getRootXrayTraceId();
      if (!root) return undefined;
      const segment = tracer.getSegment();
      return `Root=${root}${segment ? `;Parent=${segment.id}` : ''};Sampled=${tracer.isTraceSampled() ? 1 : 0}`;
    },
  };
}
