import { buildSync } from 'esbuild';
import { AUTHORIZER_BUNDLE_BUDGET_BYTES, authorizerEsbuildOptions, AUTHORIZER_BUNDLING } from '../../lambdas/authorizer/bundling';
import { toAuthorizerConfig } from '../../lambdas/authorizer/config';
import { loadConfigFile } from '../../lib/checks/load';

/** The deploy build (the options NodejsFunction uses), inspected as text: jest cannot load ESM. */
describe('authorizer deploy bundle', () => {
  const config = toAuthorizerConfig(loadConfigFile(`${__dirname}/../../gateway.config.yaml`).environments.prod);
  const { outputFiles, metafile } = buildSync({ ...authorizerEsbuildOptions(config), sourcemap: false, write: false, outfile: 'index.mjs', metafile: true });
  const code = outputFiles[0].text;
  const inputs = Object.keys(metafile.inputs);

  it('bakes the config in, so the function never needs GATEHOUSE_AUTHORIZER_CONFIG at run time', () => {
    for (const usageKey of Object.values(config.usageKeys)) expect(code).toContain(usageKey);
    expect(code).toContain('truncateClientIp');
    expect(code).not.toContain('process.env.GATEHOUSE_AUTHORIZER_CONFIG');
  });

  it('leaves the AWS SDK to the Lambda runtime and ships ESM', () => {
    expect(AUTHORIZER_BUNDLING.externalModules).toContain('@aws-sdk/*');
    expect(code).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
    expect(code).toContain('createRequire(import.meta.url)');
  });

  it('loads no tracing SDK: X-Ray data comes from Lambda active tracing (decision 0012)', () => {
    expect(inputs.filter((f) => /aws-xray-sdk|cls-hooked|@aws-lambda-powertools\/tracer|opentelemetry/.test(f))).toEqual([]);
  });

  it('keeps the names of the errors that leave the function, which Lambda reports as errorType (minified they read `$s`)', () => {
    for (const name of ['ConsumerStoreError', 'RateLimiterUnavailableError', 'AuthenticationError']) {
      expect(code).toMatch(new RegExp(`name ?= ?"${name}"`));
    }
  });

  it('stays within its size budget (minified, source map external)', () => {
    expect(outputFiles[0].contents.byteLength).toBeLessThanOrEqual(AUTHORIZER_BUNDLE_BUDGET_BYTES);
  });
});
