/**
 * How the health prober is bundled: the breaker-state function's options (the authorizer's,
 * lambdas/authorizer/bundling.ts: ESM, minified, `@aws-sdk/*` from the Lambda runtime, which
 * includes @aws-sdk/client-api-gateway and @aws-sdk/client-secrets-manager). Plain data: this
 * module must not import aws-cdk-lib.
 */
import { join } from 'node:path';
import { AUTHORIZER_BUNDLING } from '../authorizer/bundling';

/** The function's entry (thin middy handler; the probing lives in ./round.ts and ./probe.ts). */
export const HEALTH_PROBER_ENTRY = join(__dirname, 'handler.ts');

export const HEALTH_PROBER_BUNDLING = AUTHORIZER_BUNDLING;

/**
 * Size budget of the minified bundle (bytes), checked by test/health/prober.test.ts: Powertools
 * Logger and Metrics and middy, the SDK left to the runtime. Measured 42 KB (December 2026); the
 * budget catches an SDK client or a tracer that slips into the bundle.
 */
export const HEALTH_PROBER_BUNDLE_BUDGET_BYTES = 80_000;
