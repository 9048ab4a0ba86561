/**
 * How the gRPC transcoder is bundled: one truth read by its CDK construct, `npm run bench:grpc`
 * and the bundle test. The authorizer's options (lambdas/authorizer/bundling.ts, decision 0010:
 * ESM with a `createRequire` banner for CommonJS dependencies, here @grpc/grpc-js and protobufjs;
 * minified; `@aws-sdk/*` from the runtime, which this function does not use). Plain data and
 * esbuild types only: this module must not import aws-cdk-lib.
 */
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { AUTHORIZER_BUNDLING, esbuildOptionsOf } from '../authorizer/bundling';
import { transcoderDefine, type TranscoderConfig } from './config';

/** The function's entry (thin middy handler; the steps live in ./transcode.ts). */
export const GRPC_TRANSCODER_ENTRY = join(__dirname, 'handler.ts');

export const GRPC_TRANSCODER_BUNDLING = AUTHORIZER_BUNDLING;

/**
 * Size budget of the minified deploy bundle (bytes), checked by test/grpc-transcoder/bundling.test.ts.
 * Measured 612,050 B for the test fixture's service: @grpc/grpc-js 275 KB, @bufbuild/protobuf
 * 109 KB and protobufjs 108 KB (the library compiles the baked protos at init), Powertools 32 KB,
 * lib/grpc 29 KB. (zod and the config model stay out: transformations import the header
 * templates from lib/config/header-templates.ts, not the schema.)
 */
export const GRPC_TRANSCODER_BUNDLE_BUDGET_BYTES = 650_000;

/** The same build as NodejsFunction runs, for the esbuild JS API (bench, tests). */
export function transcoderEsbuildOptions(config: TranscoderConfig, entry: string = GRPC_TRANSCODER_ENTRY): BuildOptions {
  return esbuildOptionsOf(GRPC_TRANSCODER_BUNDLING, entry, transcoderDefine(config));
}
