import type { GatewayConfig } from '../../../lib/config/schema';
import { ResourceTree } from '../../../local/api-gateway/resources';
import { corsPreflight, decodePath, decodeRequestPath, matchMethod } from '../../../local/api-gateway/stages/resource-match';
import { apiMethod, apiRequest, bodyOf, compiledMethod, contextFor } from './fixtures';

describe('decodePath', () => {
  it.each([
    ['/v1/users/42', '/v1/users/42'],
    ['/v1/users/a%20b', '/v1/users/a%20b'],
    ['/v1/users/%zz', undefined],
    ['/v1/users/%00', undefined],
    ['/v1/users/a%5Cb', undefined],
    ['/v1/../admin', undefined],
    ['/v1/%2e%2e/admin', undefined],
    ['/v1/./users', undefined],
    ['/v1/users/v1.2', '/v1/users/v1.2'],
  ])('%s -> %s', (raw, decoded) => {
    expect(decodePath(raw)).toBe(decoded);
  });
});

describe('decodeRequestPath', () => {
  it('answers DEFAULT_4XX for a path no AWS front door passes on', () => {
    const res = decodeRequestPath(contextFor(apiRequest({ rawPath: '/v1/%2e%2e/admin' })));
    expect(res).toMatchObject({ statusCode: 400, log: { error: 'DEFAULT_4XX' } });
  });

  it('keeps the path as sent for the stages after it', () => {
    const ctx = contextFor(apiRequest({ rawPath: '/v1/users/a%20b' }));
    expect(decodeRequestPath(ctx)).toBeUndefined();
    expect(ctx.path).toBe('/v1/users/a%20b');
  });
});

const users = apiMethod();
const tree = new ResourceTree([users]);
const cors = { origins: ['*'] } as unknown as GatewayConfig['cors'];

describe('corsPreflight', () => {
  const ctx = (method: string, path: string, withCors: boolean) => {
    const c = contextFor(apiRequest({ method, rawPath: path }), { config: { cors: withCors ? cors : undefined } as GatewayConfig, tree });
    c.path = path;
    return c;
  };

  it('answers OPTIONS on an existing resource with the mock 204, no authorizer, logged as cors-preflight', () => {
    const c = ctx('OPTIONS', '/v1/users/42', true);
    expect(corsPreflight(c)).toEqual({ statusCode: 204, headers: { 'x-amzn-requestid': c.requestId }, body: '', log: { requestId: c.requestId, route: 'cors-preflight' } });
  });

  it('passes OPTIONS on when cors is not configured or the path has no resource, and other methods always', () => {
    expect(corsPreflight(ctx('OPTIONS', '/v1/users/42', false))).toBeUndefined();
    expect(corsPreflight(ctx('OPTIONS', '/v2/nothing', true))).toBeUndefined();
    expect(corsPreflight(ctx('GET', '/v1/users/42', true))).toBeUndefined();
  });
});

describe('matchMethod', () => {
  const compiled = compiledMethod();

  it('sets the method, resource, path parameters and compiled parts, and logs the primary route', () => {
    const ctx = contextFor(apiRequest(), { tree, compiled: new Map([[users, compiled]]) });
    ctx.path = '/v1/users/42';
    expect(matchMethod(ctx)).toBeUndefined();
    expect(ctx.method).toBe(users);
    expect(ctx.compiled).toBe(compiled);
    expect(ctx.resourcePath).toBe('/v1/users/{id}');
    expect(ctx.pathParameters).toEqual({ id: '42' });
    expect(ctx.log.route).toBe('users');
  });

  it('answers MISSING_AUTHENTICATION_TOKEN for an unknown path or an unconfigured method', () => {
    for (const [method, path] of [['GET', '/v1/orders'], ['DELETE', '/v1/users/42']]) {
      const ctx = contextFor(apiRequest({ method }), { tree, compiled: new Map() });
      ctx.path = path;
      const res = matchMethod(ctx);
      expect(res).toMatchObject({ statusCode: 404, log: { error: 'MISSING_AUTHENTICATION_TOKEN' } });
      expect(bodyOf(res as { body: string })).toMatchObject({ type: 'MISSING_AUTHENTICATION_TOKEN' });
    }
  });
});
