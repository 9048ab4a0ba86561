import type { ServiceConfig } from '../../../lib/config/schema';
import type { IntegrationRequest, IntegrationResult } from '../../../local/api-gateway/integration';
import { ServiceUpstream } from '../../../local/api-gateway/service-upstream';
import { callIntegration, mapIntegrationResponse } from '../../../local/api-gateway/stages/integration';
import type { CompiledGateway } from '../../../local/api-gateway/stages/context';
import { apiMethod, apiRequest, bodyOf, compiledMethod, matchedContext, route } from './fixtures';

const service = { name: 'users-service', read_timeout_ms: 2500 } as ServiceConfig;
const services = new Map([[service.name, service]]);
const routeResilience = new Map([['users', { route: 'users', service: service.name, timeoutMs: 2500 }]]);
const upstreamsCalling = (call: (req: IntegrationRequest) => Promise<IntegrationResult>) => new Map([[service.name, new ServiceUpstream({
  resilience: { service: service.name, algorithm: 'round_robin', outlierDetection: { consecutiveFailures: 5, baseEjectionTimeMs: 30_000, maxEjectionTimeMs: 300_000, maxEjectionPercent: 10 } },
  instances: [{ url: 'http://127.0.0.1:9001/base' }], integration: { call }, clock: () => 0,
})]]);

function integrationContext(parts: Partial<CompiledGateway> = {}, method = apiMethod()) {
  const calls: IntegrationRequest[] = [];
  const answer: IntegrationResult = { ok: true, statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}'), latencyMs: 3 };
  const ctx = matchedContext(apiRequest({
    rawQuery: 'x=1',
    rawHeaders: [['Host', 'api.example.com'], ['Accept', 'a'], ['accept', 'b'], ['Connection', 'keep-alive'], ['X-Gatehouse-Consumer', 'forged']],
  }), {
    services, routeResilience,
    upstreams: upstreamsCalling((req) => { calls.push(req); return Promise.resolve(answer); }),
    ...parts,
  }, method, compiledMethod({
    transformation: { set: [{ name: 'x-gatehouse-consumer', source: { kind: 'authorizer', key: 'consumer' } }, { name: 'x-request-id', source: { kind: 'request-id' } }] },
  }));
  ctx.route = route();
  ctx.authorizer = { consumer: 'acme' };
  return { ctx, calls };
}

describe('callIntegration', () => {
  it('sends the request to the chosen service: hop-by-hop headers dropped, repeats kept, transformation over the client\'s values', async () => {
    const { ctx, calls } = integrationContext();
    await callIntegration(ctx);
    expect(calls).toEqual([{
      origin: 'http://127.0.0.1:9001', path: '/base/users/42?x=1', method: 'GET', body: ctx.req.body, timeoutMs: 2500,
      headers: { accept: ['a', 'b'], 'x-gatehouse-consumer': 'acme', 'x-request-id': ctx.requestId },
    }]);
  });

  it('answers the ALB\'s 404 when no service matches the authorizer\'s route', () => {
    const { ctx, calls } = integrationContext();
    ctx.route = undefined;
    expect(callIntegration(ctx)).toEqual({ statusCode: 404, headers: { 'content-type': 'application/json', 'x-amzn-requestid': ctx.requestId }, body: '{"message":"no route matched","code":"no_route"}', log: { requestId: ctx.requestId, route: 'users', error: 'alb:no_route' } });
    expect(calls).toEqual([]);
  });

  it('integrates a direct-URL method with its service whatever the route', async () => {
    const { ctx, calls } = integrationContext({}, apiMethod({ directService: service }));
    ctx.route = undefined;
    await callIntegration(ctx);
    expect(calls).toHaveLength(1);
  });
});

describe('mapIntegrationResponse', () => {
  const settled = (upstream: IntegrationResult, stored: unknown[] = [], cache = false) => {
    const method = apiMethod(cache ? { cache: { ttl: 60, keyQuery: [], keyHeaders: [] } } : {});
    const ctx = matchedContext(apiRequest(), { stageCache: { get: () => undefined, set: (...args) => { stored.push(args); } } }, method);
    ctx.settled = upstream;
    ctx.authorizer = { consumer: 'acme' };
    return ctx;
  };

  it('answers the upstream response with the request id, logging the upstream latency', () => {
    const ctx = settled({ ok: true, statusCode: 201, headers: { 'content-type': 'text/plain' }, body: Buffer.from('made'), latencyMs: 7 });
    expect(mapIntegrationResponse(ctx)).toEqual({ statusCode: 201, headers: { 'content-type': 'text/plain', 'x-amzn-requestid': ctx.requestId }, body: Buffer.from('made'), log: { requestId: ctx.requestId, route: 'users', upstreamLatencyMs: 7 } });
  });

  it('answers a failed exchange with its gateway response, rendered with the context', () => {
    const res = mapIntegrationResponse(settled({ ok: false, type: 'INTEGRATION_TIMEOUT', cause: 'TimeoutError', latencyMs: 2500 }));
    expect(res).toMatchObject({ statusCode: 504, log: { upstreamLatencyMs: 2500, error: 'INTEGRATION_TIMEOUT' } });
    expect(bodyOf(res as { body: string })).toEqual({ type: 'INTEGRATION_TIMEOUT', authorizer: { consumer: 'acme' } });
  });

  it('stores a 200 of a cached method under its key, with a copy of the headers, and adds the warning', () => {
    const stored: unknown[] = [];
    const upstream: IntegrationResult = { ok: true, statusCode: 200, headers: { etag: '"1"' }, body: Buffer.from('{}'), latencyMs: 1 };
    const ctx = settled(upstream, stored, true);
    ctx.stageKey = 'key';
    ctx.warning = '199 warning';
    const res = mapIntegrationResponse(ctx);
    expect(stored).toEqual([['key', { statusCode: 200, headers: { etag: '"1"' }, body: Buffer.from('{}') }, 60]]);
    expect(res).toMatchObject({ headers: { etag: '"1"', 'x-amzn-requestid': ctx.requestId, warning: '199 warning' } });
  });

  it('stores nothing but a 200, and nothing without a key', () => {
    const stored: unknown[] = [];
    const ctx = settled({ ok: true, statusCode: 404, headers: {}, body: Buffer.from(''), latencyMs: 1 }, stored, true);
    ctx.stageKey = 'key';
    mapIntegrationResponse(ctx);
    mapIntegrationResponse(settled({ ok: true, statusCode: 200, headers: {}, body: Buffer.from(''), latencyMs: 1 }, stored, true));
    expect(stored).toEqual([]);
  });

  it('rethrows an integration that rejected (the server answers the edge 500)', () => {
    const ctx = settled(undefined as never);
    ctx.failed = true;
    ctx.failure = new Error('socket exploded');
    expect(() => mapIntegrationResponse(ctx)).toThrow('socket exploded');
  });
});
