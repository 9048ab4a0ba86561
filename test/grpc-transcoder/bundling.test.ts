import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { GRPC_TRANSCODER_BUNDLE_BUDGET_BYTES, GRPC_TRANSCODER_BUNDLING, transcoderEsbuildOptions } from '../../lambdas/grpc-transcoder/bundling';
import { toTranscoderConfig } from '../../lambdas/grpc-transcoder/build-config';
import { loadConfigFile } from '../../lib/checks/load';
import { grpcSourcesOfService } from '../../lib/constructs/grpc-transcoder';
import { ROOT } from '../support/synth';
import { writeGrpcConfig } from '../stacks/grpc-fixture';

/** The deploy build (the options NodejsFunction uses), inspected as text: jest cannot load ESM. */
describe('gRPC transcoder deploy bundle', () => {
  const gateway = loadConfigFile(join(ROOT, writeGrpcConfig())).environments.dev;
  const config = toTranscoderConfig(gateway, (s) => grpcSourcesOfService(gateway, s));
  const { outputFiles, metafile } = buildSync({ ...transcoderEsbuildOptions(config), sourcemap: false, write: false, outfile: 'index.mjs', metafile: true });
  const code = outputFiles[0].text;
  const inputs = Object.keys(metafile.inputs);

  it('bakes the config in (the service\'s protos included), so the function reads no config at run time', () => {
    expect(code).toContain('payflow.ledger.v1.Ledger');
    expect(code).toContain('CancelEntryRequest');
    expect(code).not.toContain('process.env.GATEHOUSE_GRPC_TRANSCODER_CONFIG');
    // The ALB's host is a deploy-time value: read from the environment.
    expect(code).toContain('GATEHOUSE_GRPC_ALB_HOST');
  });

  it('ships ESM with a require for the CommonJS libraries, and no AWS SDK, CDK or tracing SDK', () => {
    expect(GRPC_TRANSCODER_BUNDLING.format).toBe('esm');
    expect(code).toContain('createRequire(import.meta.url)');
    expect(inputs.filter((f) => /aws-cdk-lib|constructs\/|@aws-sdk|aws-xray-sdk|@aws-lambda-powertools\/tracer/.test(f))).toEqual([]);
  });

  it('leaves the synth-side config builder and the config checks out', () => {
    expect(inputs.filter((f) => /grpc-transcoder\/build-config|lib\/checks\//.test(f))).toEqual([]);
  });

  it('stays within its size budget (minified, source map external)', () => {
    expect(outputFiles[0].contents.byteLength).toBeLessThanOrEqual(GRPC_TRANSCODER_BUNDLE_BUDGET_BYTES);
  });
});
