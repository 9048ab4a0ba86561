import { join } from 'node:path';
import { parseConfig } from '../../lib/checks/load';
import { ConfigError } from '../../lib/config/errors';
import { routeServesPath } from '../../lib/openapi/import/drift';
import { readServiceDocument } from '../../lib/openapi/import/service-document';
import { toDraft4 } from '../../lib/openapi/import/to-draft4';
import { draft4ToOpenApi31 } from '../../lib/openapi/json-schema';
import { openApiDocument } from '../../lib/openapi/openapi-document';
import { loadConfigFile } from '../../lib/checks/load';
import { minimalConfig } from '../support/config-text';
import { ROOT } from '../support/synth';

/**
 * Import (issue 17): a service's OpenAPI document checks the routes to it at load. The configs
 * here live in this directory (their documents are relative to the config file).
 */
const FIXTURES = join(__dirname, 'fixtures');
const CONFIG = join(FIXTURES, 'gateway.yaml');

/** The orders service with its document, and routes that match it unless a test changes them. */
function orders(route: Record<string, unknown> = {}, openapi: Record<string, unknown> = {}): string {
  return minimalConfig({
    services: [{ name: 'orders', url: 'https://orders.example.com', openapi: { document: 'orders.yaml', ...openapi } }],
    routes: [{ name: 'echo', paths: ['/echo'], service: 'echo' }, {
      name: 'orders', paths: ['/v1/orders'], methods: ['GET', 'POST'], service: 'orders', auth: { strategies: ['api_key'] },
      request_schema: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, gift: { type: ['string', 'null'] } } },
      ...route,
    }],
  });
}
const problems = (text: string): string[] => {
  try {
    parseConfig(text, CONFIG);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
};

describe('a service\'s OpenAPI document checks the routes to it', () => {
  it('accepts routes that serve every operation with the document\'s credentials and body checks', () => {
    expect(problems(orders())).toEqual([]);
  });

  it('refuses a route method the document does not have', () => {
    expect(problems(orders({ methods: ['GET', 'POST', 'DELETE'] }))).toEqual([
      'routes[1].paths[0]: DELETE /v1/orders reaches no operation of orders\'s OpenAPI document orders.yaml (its DELETE operations: none)',
    ]);
  });

  it('refuses an operation no route serves, at the document\'s line', () => {
    expect(problems(orders({ methods: ['GET'], request_schema: undefined }))).toEqual([
      'services[1].openapi.document: orders.yaml:9 POST /v1/orders is served by no route of service orders: add its path and method to a route, or remove the operation from the document',
    ]);
  });

  it('refuses a route that accepts other credentials than the document asks for', () => {
    expect(problems(orders({ auth: { strategies: ['none'] } }))).toEqual(expect.arrayContaining([
      'routes[1].auth.strategies: route orders accepts none, but orders.yaml:7 GET /v1/orders asks for api_key',
    ]));
  });

  it('refuses a route that does not check a body the document checks, and shows the draft-4 schema to add', () => {
    const [problem] = problems(orders({ request_schema: undefined }));
    expect(problem).toBe('routes[1].request_schema: missing: orders.yaml:9 POST /v1/orders validates its JSON body, route orders does not; add the document\'s schema as request_schema (in draft 4: {"type":"object","required":["sku"],"properties":{"sku":{"type":"string"},"gift":{"type":["string","null"]}}})');
  });

  it('only warns with drift: warning (gatehouse validate prints it)', () => {
    expect(problems(orders({ methods: ['GET'], request_schema: undefined }, { drift: 'warning' }))).toEqual([]);
  });

  it.each([
    ['a missing document', 'nope.yaml', 'services[1].openapi.document: nope.yaml: file not found'],
    ['a Swagger 2.0 document', 'swagger2.yaml', 'services[1].openapi.document: swagger2.yaml:1 openapi: missing; Gatehouse reads OpenAPI 3.0.x and 3.1.x documents (convert Swagger 2.0 first)'],
    ['a document that is not YAML', 'broken.yaml', /^services\[1\]\.openapi\.document: broken\.yaml:\d+: YAML syntax: /],
  ])('refuses %s with its file and line', (_what, document, expected) => {
    const [problem] = problems(orders({}, { document }));
    if (typeof expected === 'string') expect(problem).toBe(expected);
    else expect(problem).toMatch(expected);
  });
});

describe('an OpenAPI schema in draft 4 (API Gateway models)', () => {
  const root = { components: { schemas: { Node: { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } }, Id: { type: 'string', const: 'x' } } } };

  it('inlines local references, makes nullable a type list, numeric exclusive bounds booleans, const an enum', () => {
    expect(toDraft4({ type: 'object', properties: { id: { $ref: '#/components/schemas/Id' }, n: { type: 'number', exclusiveMinimum: 0, nullable: true, example: 3 } } }, root)).toEqual({
      schema: { type: 'object', properties: { id: { type: 'string', enum: ['x'] }, n: { type: ['number', 'null'], minimum: 0, exclusiveMinimum: true } } },
      unconvertible: [],
    });
  });

  it('reports what draft 4 cannot express instead of dropping it silently', () => {
    const { unconvertible } = toDraft4({ type: 'array', prefixItems: [{ type: 'string' }], items: { $ref: '#/components/schemas/Node' } }, root);
    expect(unconvertible).toEqual([
      '#/prefixItems: draft 4 has no prefixItems',
      '#/items/properties/next: $ref #/components/schemas/Node is recursive; an API Gateway model cannot refer to itself',
    ]);
  });
});

describe('round trip: the cart service\'s document -> the ecommerce config -> the exported document', () => {
  const loaded = loadConfigFile(join(ROOT, 'examples/ecommerce.yaml'));
  const { document: cart } = readServiceDocument(join(ROOT, 'examples/openapi/cart-service.yaml'), 'cart-service.yaml');
  const exported = openApiDocument(loaded.environments.prod);
  const exportedOperations = Object.entries(exported.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));

  it('loads the example: its routes to the cart do not drift from the cart\'s document', () => {
    expect(cart?.operations.length).toBe(6);
  });

  it.each(['GET /v1/cart', 'POST /v1/cart', 'PUT /v1/cart', 'DELETE /v1/cart', 'GET /v1/cart/{lineId}', 'DELETE /v1/cart/{lineId}'])('exports %s with the document\'s credentials and body schema', (name) => {
    const source = cart!.operations.find((o) => `${o.method} ${o.path}` === name)!;
    const match = exportedOperations.find((e) => e.method === source.method && (e.path === source.path || (e.path.endsWith('/{path}') && routeServesPath(e.path.slice(0, -'/{path}'.length), source.path) && e.path.split('/').length <= source.path.split('/').length)))!;
    expect(match).toBeDefined();
    expect(JSON.stringify(match.op.security)).toContain('cognito');
    if (source.requestSchema) {
      const draft4 = toDraft4(source.requestSchema, cart!.root).schema;
      expect((match.op.requestBody as { content: { 'application/json': { schema: unknown } } }).content['application/json'].schema).toEqual(draft4ToOpenApi31(draft4).schema);
    }
  });
});
