/**
 * The gateway as its consumers see it, as an OpenAPI 3.1 document (issue 17, docs/openapi.md):
 * one operation per API method of the route table (what API Gateway serves), its security from
 * the route's strategies, its request schema, the gateway's own error responses with their
 * bodies and headers, the environment's servers, and the tiers' limits as `x-gatehouse-tiers`.
 * Built from the loaded config alone, so it is the same document for the twin and for AWS.
 */
import { createHash } from 'node:crypto';
import type { GatewayEnvironment } from '../config/environments';
import type { RouteConfig } from '../config/schema';
import type { GatewayResponseType } from '../contract/responses';
import { BODY_METHODS, compileRouteTable, type ApiMethod } from '../contract/route-table';
import { ERROR_SCHEMA, gatewayErrorResponses } from './gateway-errors';
import { draft4ToOpenApi31 } from './json-schema';
import { routeSecurity, securitySchemes, type SecurityRequirement } from './security-schemes';

export const OPENAPI_VERSION = '3.1.0';
/** What the greedy tail of a prefix route is called in the document (API Gateway's `{proxy+}`). */
const PROXY_PARAMETER = 'path';

export interface OpenApiServer { readonly url: string; readonly description: string; readonly variables?: Record<string, { default: string; description: string }> }
export interface OpenApiOptions {
  /** Servers to list instead of the environment's (the twin lists its own address). */
  readonly servers?: readonly OpenApiServer[];
}

export type OpenApiDocument = Record<string, unknown> & { readonly paths: Record<string, Record<string, Operation>> };
type Operation = Record<string, unknown>;

export function openApiDocument(gateway: GatewayEnvironment, options: OpenApiOptions = {}): OpenApiDocument {
  const { config, env } = gateway;
  const paths: Record<string, Record<string, Operation>> = {};
  for (const method of compileRouteTable(config)) {
    const path = documentPath(method.resourcePath);
    (paths[path] ??= {})[method.httpMethod.toLowerCase()] = operation(gateway, method);
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: `${config.organization.name}: ${config.name} API (${gateway.name})`,
      version: fingerprint(gateway),
      description: apiDescription(gateway),
    },
    servers: [...(options.servers ?? environmentServers(gateway))],
    paths,
    components: {
      schemas: { GatewayError: ERROR_SCHEMA },
      securitySchemes: securitySchemes(config, env),
    },
    'x-gatehouse-environment': gateway.name,
    'x-gatehouse-tiers': config.tiers.map((t) => ({ name: t.name, minute: t.minute, hour: t.hour, ...(t.quota ? { quota: t.quota } : {}) })),
  } as OpenApiDocument;
}

/** Where consumers call the environment: its CloudFront name, else the distribution's default name. */
function environmentServers(gateway: GatewayEnvironment): OpenApiServer[] {
  const { domains } = gateway.env;
  const servers: OpenApiServer[] = [domains.edge
    ? { url: `https://${domains.edge}`, description: `${gateway.name} (CloudFront)` }
    : {
      url: 'https://{distribution}.cloudfront.net',
      description: `${gateway.name}: no domains.edge, so the distribution's own name (the Cdn stack's output)`,
      variables: { distribution: { default: 'd111111abcdef8', description: 'The CloudFront distribution\'s name, e.g. d111111abcdef8' } },
    }];
  if (domains.mtls) servers.push({ url: `https://${domains.mtls}`, description: `${gateway.name}: mutual TLS for internal consumers` });
  return servers;
}

/** `/v1/users/{proxy+}` -> `/v1/users/{path}`: OpenAPI has no greedy parameter. */
function documentPath(resourcePath: string): string {
  return resourcePath.replace('{proxy+}', `{${PROXY_PARAMETER}}`);
}

function operation(gateway: GatewayEnvironment, method: ApiMethod): Operation {
  const { config } = gateway;
  const route = method.primary;
  const withBody = BODY_METHODS.includes(method.httpMethod);
  const schema = withBody ? route.request_schema : undefined;
  return {
    operationId: operationId(method),
    summary: method.routes.map((r) => r.name).join(', '),
    description: operationDescription(method),
    // One tag: the API reference lists an operation once, under the service of the route that carries it.
    tags: [route.service],
    parameters: pathParameters(method.resourcePath),
    security: uniqueRequirements(method.routes.flatMap(routeSecurity)),
    ...(schema ? { requestBody: { required: true, content: { 'application/json': { schema: draft4ToOpenApi31(schema).schema } } } } : {}),
    responses: {
      default: { description: `The ${route.service} service's response.` },
      ...gatewayErrorResponses(config, errorTypes(method.routes, withBody, schema !== undefined)),
    },
    'x-gatehouse-routes': method.routes.map((r) => ({ name: r.name, service: r.service, ...(r.hosts.length ? { hosts: r.hosts } : {}), ...(Object.keys(r.headers).length ? { headers: r.headers } : {}) })),
    'x-gatehouse-limits': route.auth.limits,
  };
}

/** The gateway errors an operation can answer. */
function errorTypes(routes: readonly RouteConfig[], withBody: boolean, validated: boolean): GatewayResponseType[] {
  const anonymousOnly = routes.every((r) => r.auth.strategies.every((s) => s === 'none'));
  return [
    ...(validated ? ['BAD_REQUEST_BODY' as const] : []),
    ...(anonymousOnly ? [] : ['UNAUTHORIZED' as const]),
    'ACCESS_DENIED', 'WAF_FILTERED',
    ...(withBody ? ['REQUEST_TOO_LARGE' as const, 'UNSUPPORTED_MEDIA_TYPE' as const] : []),
    'INVALID_API_KEY', 'THROTTLED', 'QUOTA_EXCEEDED',
    'INTEGRATION_FAILURE', 'AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR', 'INTEGRATION_TIMEOUT',
  ];
}

function pathParameters(resourcePath: string): Array<Record<string, unknown>> {
  return [...resourcePath.matchAll(/\{([^}]+)\}/g)].map(([, raw]) => raw === 'proxy+'
    ? { name: PROXY_PARAMETER, in: 'path', required: true, schema: { type: 'string' }, description: 'The rest of the path: a route serves its path and everything below it (it may contain /).' }
    : { name: raw, in: 'path', required: true, schema: { type: 'string' } });
}

function operationId(method: ApiMethod): string {
  return `${method.httpMethod.toLowerCase()}${method.resourcePath.replace('{proxy+}', 'subpath').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`;
}

function operationDescription(method: ApiMethod): string {
  const lines = method.routes.map((r) => {
    const when = [r.hosts.length ? `host ${r.hosts.join(' or ')}` : '', Object.keys(r.headers).length ? `headers ${Object.entries(r.headers).map(([h, v]) => `${h}: ${v}`).join(', ')}` : ''].filter(Boolean).join('; ');
    return `- route \`${r.name}\` (service ${r.service})${when ? ` when ${when}` : ''}; limits ${r.auth.limits}`;
  });
  return `Served by:\n${lines.join('\n')}`;
}

function uniqueRequirements(requirements: SecurityRequirement[]): SecurityRequirement[] {
  const seen = new Map(requirements.map((r) => [JSON.stringify(r), r]));
  return [...seen.values()];
}

function apiDescription(gateway: GatewayEnvironment): string {
  const { config } = gateway;
  const tiers = config.tiers.map((t) => `| ${t.name} | ${t.minute} | ${t.hour} | ${t.quota ? `${t.quota.limit} per ${t.quota.period.toLowerCase()}` : '-'} |`);
  return [
    `The ${config.name} API of ${config.organization.name}, environment ${gateway.name}, as the gateway serves it.`,
    '',
    '## Tiers',
    'Every consumer belongs to a tier; a request over its limit is answered with the rate-limit response (see each operation) and Retry-After.',
    '',
    '| tier | per minute | per hour | quota |',
    '|---|---:|---:|---|',
    ...tiers,
    '',
    '## Getting credentials',
    `API keys and OAuth clients are issued by the platform team (\`gatehouse consumers create <consumer> --tier <tier>\`); an API key goes in the \`${config.identity.api_keys.header}\` header.`,
  ].join('\n');
}

/** Changes when what consumers see changes: routes, tiers, identity. */
function fingerprint(gateway: GatewayEnvironment): string {
  const { config } = gateway;
  return createHash('sha256').update(JSON.stringify([config.routes, config.tiers, config.identity, config.rate_limiting])).digest('hex').slice(0, 12);
}
