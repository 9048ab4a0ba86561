import { buildSync } from 'esbuild';
import { authorizerEsbuildOptions, AUTHORIZER_BUNDLING } from '../../lambdas/authorizer/bundling';
import { toAuthorizerConfig } from '../../lambdas/authorizer/config';
import { loadConfigFile } from '../../lib/config/load';

/** The deploy build (the options NodejsFunction uses), inspected as text: jest cannot load ESM. */
describe('authorizer deploy bundle', () => {
  const config = toAuthorizerConfig(loadConfigFile(`${__dirname}/../../gateway.config.yaml`).environments.prod);
  const { outputFiles } = buildSync({ ...authorizerEsbuildOptions(config), sourcemap: false, write: false, outfile: 'index.mjs' });
  const code = outputFiles[0].text;

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
});
