/**
 * The in-process tracer (Powertools Tracer over the X-Ray SDK), used by the audit transformer. Importing this module loads the X-Ray SDK, which turns on an
 * `async_hooks` hook for every promise of the process: never import it from the authorizer
 * (test/authorizer/bundling.test.ts checks the deploy bundle). Why: ./tracing.ts.
 * This module runs inside Lambda bundles: it must not import aws-cdk-lib.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { GatehouseTracer } from './tracing';

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
