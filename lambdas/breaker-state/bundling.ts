/**
 * How the breaker-state function is bundled: the authorizer's options (lambdas/authorizer/bundling.ts,
 * decision 0010: ESM with a `createRequire` banner for ioredis, minified, `@aws-sdk/*` from the
 * Lambda runtime, which includes @aws-sdk/client-cloudwatch), so both Redis clients are built
 * alike. Plain data: this module must not import aws-cdk-lib.
 */
import { join } from 'node:path';
import { AUTHORIZER_BUNDLING } from '../authorizer/bundling';

/** The function's entry (thin middy handler; the steps live in ./state-change.ts). */
export const BREAKER_STATE_ENTRY = join(__dirname, 'handler.ts');

export const BREAKER_STATE_BUNDLING = AUTHORIZER_BUNDLING;
