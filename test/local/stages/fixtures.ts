import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { RouteConfig } from '../../../lib/config/schema';
import type { ApiMethod } from '../../../lib/contract/route-table';
import type { LocalResponseType } from '../../../local/api-gateway/gateway-responses';
import { RequestContext, type ApiRequest, type CompiledGateway, type CompiledMethod } from '../../../local/api-gateway/stages/context';

/** The stages' tests: a request context from plain data, with only the gateway parts a stage uses. */

export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const REQUEST_ID = '11111111-2222-3333-4444-555555555555';

export function apiRequest(overrides: Partial<ApiRequest> = {}): ApiRequest {
  return { method: 'GET', rawPath: '/v1/users/42', rawQuery: '', rawHeaders: [['Host', 'api.example.com']], body: Buffer.alloc(0), sourceIp: '203.0.113.7', ...overrides };
}

/**
 * Gateway responses rendered as `{type, ...facts}` with a status per type, so a test reads
 * which response a stage chose and with which facts.
 */
export const responses: CompiledGateway['responses'] = {
  render: (type: LocalResponseType, facts) => ({
    statusCode: STATUS[type] ?? 599,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type, authorizer: facts.authorizer, validationErrors: facts.validationErrors }),
  }),
};

const STATUS: Partial<Record<LocalResponseType, number>> = {
  DEFAULT_4XX: 400, THROTTLED: 429, MISSING_AUTHENTICATION_TOKEN: 404, UNAUTHORIZED: 401, ACCESS_DENIED: 403,
  AUTHORIZER_FAILURE: 500, AUTHORIZER_CONFIGURATION_ERROR: 500, INVALID_API_KEY: 403, QUOTA_EXCEEDED: 429,
  BAD_REQUEST_BODY: 400, INTEGRATION_TIMEOUT: 504, INTEGRATION_FAILURE: 502,
};

/** A gateway with the given parts; a part a stage reads without the test giving it throws. */
export function gatewayWith(parts: Partial<CompiledGateway>): CompiledGateway {
  const given: Partial<CompiledGateway> = { clock: () => NOW, responses, account: '123456789012', arnPrefix: 'arn:aws:execute-api:eu-west-1:123456789012:local/live/', ...parts };
  return new Proxy(given, {
    get: (target, name: string) => {
      if (!(name in target)) throw new Error(`the test gave the gateway no ${name}`);
      return target[name as keyof CompiledGateway];
    },
  }) as CompiledGateway;
}

export function contextFor(req: ApiRequest, parts: Partial<CompiledGateway> = {}): RequestContext {
  return new RequestContext(gatewayWith(parts), req, REQUEST_ID);
}

export function route(overrides: Partial<RouteConfig> = {}): RouteConfig {
  return { name: 'users', service: 'users-service', path: '/v1/users', methods: ['GET'], ...overrides } as RouteConfig;
}

export function apiMethod(overrides: Partial<ApiMethod> = {}): ApiMethod {
  const primary = overrides.primary ?? route();
  return {
    resourcePath: '/v1/users/{id}', httpMethod: 'GET', routes: [primary], primary,
    authorizer: { ttl: 300, identitySources: ['method.request.header.Authorization'], apiKeyRequired: false },
    ...overrides,
  } as ApiMethod;
}

export function compiledMethod(overrides: Partial<CompiledMethod> = {}): CompiledMethod {
  return {
    authorizerId: '300|method.request.header.Authorization',
    primaryService: { name: 'users-service', read_timeout_ms: 2500 } as CompiledMethod['primaryService'],
    target: (p) => `/users/${p.id ?? ''}`,
    transformation: { set: [] },
    ...overrides,
  };
}

/** A context past resource matching: the method and its compiled parts set. */
export function matchedContext(req: ApiRequest, parts: Partial<CompiledGateway> = {}, method = apiMethod(), compiled = compiledMethod()): RequestContext {
  const ctx = contextFor(req, parts);
  ctx.path = req.rawPath;
  ctx.method = method;
  ctx.compiled = compiled;
  ctx.resourcePath = method.resourcePath;
  ctx.pathParameters = { id: '42' };
  ctx.log.route = method.primary.name;
  return ctx;
}

export function allow(context: Record<string, string | number | boolean> = {}, usageIdentifierKey?: string): APIGatewayAuthorizerResult {
  return {
    principalId: 'consumer-1',
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:local/live/*' }] },
    context, usageIdentifierKey,
  };
}

export function deny(context: Record<string, string | number | boolean> = {}): APIGatewayAuthorizerResult {
  return { ...allow(context), policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: '*' }] } };
}

/** The response's body as JSON. */
export const bodyOf = (res: { body: Buffer | string } | undefined): unknown => JSON.parse(String(res?.body));
