/**
 * The one tracing seam of Gatehouse's Lambdas: how each function is traced, read by the CDK code
 * (`TRACING`) and by the handlers (`GatehouseTracer`; `createTracer` in ./powertools-tracer for
 * the functions that trace in process). This module is plain data: Lambda bundles, the CDK
 * code and the benchmarks import it without loading any tracing SDK.
 *
 * The request path is traced end to end with AWS X-Ray as
 * CloudFront (no segment; it forwards X-Amzn-Trace-Id) -> API Gateway stage (segment, tracingEnabled)
 * -> authorizer Lambda (active tracing: the Lambda service records the function's segment with its
 * Initialization / Invocation / Overhead subsegments) -> upstream (API Gateway adds X-Amzn-Trace-Id
 * to the integration request; services continue the trace from that header).
 *
 * In-process tracing (Powertools Tracer over the X-Ray SDK, in maintenance mode until February
 * 2027) is used only where it pays for itself (docs/decisions/0012-authorizer-tracing.md):
 * - audit transformer: yes (`## handler` subsegment with its annotations; it runs behind Firehose,
 *   off every client's path);
 * - authorizer: no. The SDK traced nothing of its request path (ioredis is not instrumented, the
 *   DynamoDB client was not wrapped; only JWKS fetches at init), while loading it cost ~124 KB of
 *   the bundle and ~15 us of every invocation (its async_hooks hook runs on every promise). Its
 *   X-Ray data comes from active tracing; its Powertools log lines carry `xray_trace_id`.
 *
 * Swapping to OpenTelemetry (ADOT), see docs/observability.md "Tracing": implement
 * `GatehouseTracer` with `@opentelemetry/api` in a module beside ./powertools-tracer, add the ADOT
 * layer and `AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-handler` where functions are built.
 */
import type { MiddlewareObj } from '@middy/core';

/** Settings the CDK applies to every Gatehouse function and to the API stage. */
export const TRACING = {
  /** Lambda `TracingConfig.Mode` of every function (CDK `lambda.Tracing.ACTIVE`). */
  lambdaMode: 'Active' as 'Active' | 'PassThrough',
  /** The header that carries the trace context between hops (X-Ray format). */
  header: 'X-Amzn-Trace-Id',
} as const;

/** What handlers may do with tracing, independent of the backend. */
export interface GatehouseTracer {
  /** middy middleware: one traced segment/span per invocation, errors recorded on it. */
  middleware(): MiddlewareObj;
  /** A searchable key on the current segment (X-Ray annotation, OTel span attribute). */
  annotate(key: string, value: string | number | boolean): void;
  /** The trace context to send downstream, e.g. `Root=1-...;Parent=...;Sampled=1`. */
  traceHeader(): string | undefined;
}
