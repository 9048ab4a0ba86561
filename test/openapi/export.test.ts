import { join } from 'node:path';
import { loadConfigFile, parseConfig } from '../../lib/checks/load';
import { gatewayResponses } from '../../lib/contract/responses';
import { compileRouteTable } from '../../lib/contract/route-table';
import { openApiDocument } from '../../lib/openapi/openapi-document';
import { draft4ToOpenApi31 } from '../../lib/openapi/json-schema';
import { runInThread } from '../local/support/harness';
import { minimalConfig } from '../support/config-text';
import { EXAMPLES, ROOT } from '../support/synth';

/**
 * The exported document (issue 17): valid OpenAPI 3.1 for every shipped config and environment
 * (Redocly's recommended rules; what the config cannot know is the only thing it may warn
 * about), and true to the route table and the gateway responses.
 */
const lint = (document: unknown) => runInThread<string[]>(join(__dirname, 'lint-thread.ts'), 'lintOpenApi', { source: JSON.stringify(document) });
/** A license is the organization's to state; example.com is the default config's placeholder domain. */
const NOT_THE_CONFIGS_TO_KNOW = /^warn (info-license|no-server-example\.com):/;

describe.each(EXAMPLES)('the OpenAPI document of %s', (file) => {
  const loaded = loadConfigFile(join(ROOT, file));

  it.each(Object.keys(loaded.environments))('is valid OpenAPI 3.1 for environment %s', async (env) => {
    const problems = await lint(openApiDocument(loaded.environments[env]));
    expect(problems.filter((p) => !NOT_THE_CONFIGS_TO_KNOW.test(p))).toEqual([]);
  }, 60_000);

  it.each(Object.keys(loaded.environments))('has one operation per API method of the route table in environment %s', (env) => {
    const gateway = loaded.environments[env];
    const document = openApiDocument(gateway);
    const operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const methods = compileRouteTable(gateway.config).map((m) => `${m.httpMethod} ${m.resourcePath.replace('{proxy+}', '{path}')}`);
    expect(operations.sort()).toEqual(methods.sort());
  });
});

describe('an exported operation', () => {
  const gateway = parseConfig(minimalConfig({
    rate_limiting: { error_code: 429, error_message: 'Slow down' },
    routes: [
      { name: 'echo', paths: ['/echo'], service: 'echo', methods: ['GET', 'POST'], auth: { strategies: ['api_key'] },
        request_schema: { type: 'object', required: ['n'], properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true } } } },
      { name: 'open', paths: ['/open'], service: 'echo', auth: { strategies: ['none'] } },
    ],
  }), 'gateway.yaml').environments.dev;
  const document = openApiDocument(gateway);
  const echo = document.paths['/echo'];
  const error = (op: Record<string, unknown>, status: string) => (op.responses as Record<string, { headers?: Record<string, unknown> }>)[status];

  it('asks for the API key header, and states the 401 with its WWW-Authenticate challenge', () => {
    expect(echo.get.security).toEqual([{ apiKey: [] }]);
    expect((document.components as { securitySchemes: Record<string, unknown> }).securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    expect(Object.keys(error(echo.get, '401').headers!)).toContain('WWW-Authenticate');
  });

  it('states the tier limit\'s status with Retry-After and the rate-limit headers the gateway sends', () => {
    const limited = gatewayResponses(gateway.config).find((r) => r.type === 'INVALID_API_KEY')!;
    expect(Object.keys(error(echo.get, String(limited.statusCode)).headers!).sort()).toEqual(expect.arrayContaining(['Retry-After', ...Object.keys(limited.contextHeaders!)]));
  });

  it('carries the request schema, converted from draft 4, and 400, 413 and 415 only on body methods', () => {
    expect(echo.post.requestBody).toEqual({ required: true, content: { 'application/json': { schema: { type: 'object', required: ['n'], properties: { n: { type: 'number', exclusiveMinimum: 0 } } } } } });
    for (const status of ['400', '413', '415']) {
      expect(error(echo.post, status)).toBeDefined();
      expect(error(echo.get, status)).toBeUndefined();
    }
  });

  it('lets an anonymous route be called without credentials, and promises no 401 there', () => {
    expect(document.paths['/open'].get.security).toEqual([{}]);
    expect(error(document.paths['/open'].get, '401')).toBeUndefined();
  });

  it('lists the tiers and their limits', () => {
    expect(document['x-gatehouse-tiers']).toEqual([{ name: 'free', minute: 60, hour: 1000 }]);
  });
});

describe('draft 4 schemas in OpenAPI 3.1', () => {
  it('turns boolean exclusive bounds into numbers and id into $id, saying so', () => {
    const { schema, notes } = draft4ToOpenApi31({ $schema: 'http://json-schema.org/draft-04/schema#', id: 'x', type: 'integer', maximum: 10, exclusiveMaximum: true });
    expect(schema).toEqual({ $id: 'x', type: 'integer', exclusiveMaximum: 10 });
    expect(notes).toHaveLength(2);
  });

  it('keeps an inclusive bound as it is', () => {
    expect(draft4ToOpenApi31({ type: 'number', minimum: 1, exclusiveMinimum: false }).schema).toEqual({ type: 'number', minimum: 1 });
  });
});
