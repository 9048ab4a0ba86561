import { Server, ServerCredentials } from '@grpc/grpc-js';
import { GrpcSettings } from '../../lib/config/grpc-schema';
import { compileServiceInDirectory, GRPC_CODE, GrpcStatus, grpcServiceDefinition, jsonImplementation } from '../../lib/grpc';
import { apiKey, startTestGateway, type TestGateway } from './support/harness';

/**
 * REST calls to a gRPC service through the twin (issue 16): examples/enterprise-saas.yaml's
 * `search` route, after the same CloudFront, WAF, authorizer, usage plan and tier limits as any
 * route, transcoded by lib/grpc to tenantly.search.v1.Search. First against the twin's sample
 * gRPC upstream (a real grpc-js server from the example's protos), then against a grpc-js
 * server of this test (local_url) that fails as a real one can.
 */
const CONFIG = 'examples/enterprise-saas.yaml';

describe('the twin transcodes REST to the sample gRPC upstream', () => {
  let gw: TestGateway;
  const call = (path: string, init: RequestInit & { consumer?: string } = {}) => fetch(`${gw.url}${path}`, {
    ...init,
    headers: { 'x-api-key': apiKey(gw.credentials, init.consumer ?? 'demo-pro'), ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) },
  });
  const json = async (res: Response) => ({ status: res.status, body: await res.json() as Record<string, unknown> });

  beforeAll(async () => { gw = await startTestGateway({ configFile: CONFIG, seed: 'derived' }); });
  beforeEach(() => gw.resetCounters());
  afterAll(() => gw.close());

  it('answers GET with path and query parameters (repeated, enum by name, nested) as proto3 JSON', async () => {
    const res = await call('/search/v1/indexes/handbook/documents?tags=hr&tags=policy&visibility=TENANT&filter.created_after=2026-01-01T00:00:00Z');
    expect(await json(res)).toEqual({
      status: 200,
      body: {
        documents: [{
          name: 'indexes/handbook/documents/leave', title: 'Leave and holidays', body: 'Annual leave is 28 days; ask your lead for leave.',
          tags: ['hr', 'policy'], visibility: 'TENANT', attributes: { owner: 'people-team', reviewed: true }, createTime: '2026-01-10T10:00:00Z', sizeBytes: '49',
        }],
        nextPageToken: '',
        totalSize: 1,
      },
    });
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('sends the authorizer\'s context and the transformations as metadata, and no consumed credential', async () => {
    const res = await call('/search/v1/indexes');
    expect(res.status).toBe(200);
    const echoed = Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('grpc-metadata-echo-')).map(([k, v]) => [k.slice('grpc-metadata-echo-'.length), v]));
    expect(echoed).toMatchObject({ 'x-gatehouse-consumer': 'demo-pro', 'x-gatehouse-tier': 'pro', 'x-gatehouse-route': 'search', 'x-forwarded-for': '127.0.0.1' });
    expect(echoed['x-request-id']).toBe(res.headers.get('x-amzn-requestid'));
    expect(echoed).not.toHaveProperty('x-api-key');
  });

  it('maps POST with body "*" and a custom verb (:search) to SearchDocuments', async () => {
    const res = await call('/search/v1/indexes/handbook:search', { method: 'POST', body: JSON.stringify({ query: 'leave policy', pageSize: 1 }) });
    const { status, body } = await json(res);
    expect(status).toBe(200);
    expect(body).toMatchObject({ totalSize: 2, results: [{ document: { name: 'indexes/handbook/documents/leave' }, score: 0.5 }] });
  });

  it('creates with POST and body "document", then reads it back by its path (GetDocument)', async () => {
    const created = await call('/search/v1/indexes/changelog/documents?document_id=v2-1', { method: 'POST', body: JSON.stringify({ title: 'Release 2.1', tags: ['release'], visibility: 'PUBLIC' }) });
    expect(await json(created)).toMatchObject({ status: 200, body: { name: 'indexes/changelog/documents/v2-1', title: 'Release 2.1', visibility: 'PUBLIC' } });
    expect(await json(await call('/search/v1/indexes/changelog/documents/v2-1'))).toMatchObject({ status: 200, body: { title: 'Release 2.1', tags: ['release'] } });
  });

  it('serves a binding from the config\'s mappings (GetIndex)', async () => {
    expect(await json(await call('/search/v1/indexes/handbook'))).toEqual({ status: 200, body: { name: 'indexes/handbook', displayName: 'Employee handbook', documentCount: '3', createTime: '2026-01-05T09:00:00Z' } });
  });

  it('answers NOT_FOUND with 404 and the google.rpc.Status JSON', async () => {
    expect(await json(await call('/search/v1/indexes/handbook/documents/nope'))).toEqual({ status: 404, body: { code: 5, message: 'document indexes/handbook/documents/nope not found', details: [] } });
  });

  it('answers INVALID_ARGUMENT with 400: the upstream\'s, and the transcoder\'s for a parameter no field takes', async () => {
    expect(await json(await call('/search/v1/indexes/handbook/documents?page_size=-1'))).toEqual({ status: 400, body: { code: 3, message: 'page_size must not be negative (got -1)', details: [] } });
    expect(await json(await call('/search/v1/indexes/handbook/documents?sort=title'))).toEqual({ status: 400, body: { code: 3, message: 'unknown query parameter sort: tenantly.search.v1.ListDocumentsRequest has no field sort', details: [] } });
  });

  it('refuses a call without an API key with 401 before any transcoding', async () => {
    const res = await fetch(`${gw.url}/search/v1/indexes`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'unauthorized' });
    expect(res.headers.get('www-authenticate')).toContain('ApiKey realm="gatehouse"');
  });

  it('applies the tier limit: the free tier\'s 61st call in a minute is 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await call('/search/v1/indexes', { consumer: 'demo-free' })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    expect(statuses[60]).toBe(429);
    const refused = await call('/search/v1/indexes', { consumer: 'demo-free' });
    expect(await json(refused)).toMatchObject({ status: 429, body: { code: 'rate_limited', message: 'Rate limit exceeded. Upgrade at https://tenantly.example/plans' } });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('logs the call like any route\'s: route, consumer, status, upstream latency', async () => {
    await gw.logs();
    await call('/search/v1/indexes/handbook/documents/nope');
    const [line] = (await gw.logs()).filter((l) => l.path === '/search/v1/indexes/handbook/documents/nope');
    expect(line).toMatchObject({ method: 'GET', status: 404, route: 'search', consumer: 'demo-pro', tier: 'pro', limiter: 'allowed' });
    expect(typeof line.upstreamLatencyMs).toBe('number');
  });
});

describe('the twin against a gRPC upstream that fails (local_url: plaintext HTTP/2)', () => {
  let gw: TestGateway;
  let server: Server;
  let closedPort: number;
  const settings = GrpcSettings.parse({ service: 'tenantly.search.v1.Search', protos: ['protos/tenantly/search/v1/search.proto'], import_paths: ['protos'] });
  const get = (path: string) => fetch(`${gw.url}${path}`, { headers: { 'x-api-key': apiKey(gw.credentials, 'demo-pro') } });
  const bind = (s: Server) => new Promise<number>((resolve, reject) => s.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));

  beforeAll(async () => {
    const { service } = compileServiceInDirectory(settings, 'examples');
    server = new Server();
    server.addService(grpcServiceDefinition(service!.descriptor), jsonImplementation(service!.descriptor, service!.registry, {
      ListIndexes: () => { throw new GrpcStatus(GRPC_CODE.UNAVAILABLE, 'the index shards are restarting'); },
      // Longer than the route's timeout: the deadline ends the call.
      GetIndex: () => new Promise((resolve) => { setTimeout(() => resolve({ name: 'indexes/slow' }), 3000).unref(); }),
    }));
    const port = await bind(server);
    const unused = new Server();
    closedPort = await bind(unused);
    unused.forceShutdown();
    gw = await startTestGateway({
      configFile: CONFIG, seed: 'derived',
      overrides: {
        services: [{ name: 'search', local_url: `http://127.0.0.1:${port}` }],
        routes: [{ name: 'search', timeout_ms: 600 }],
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    server.forceShutdown();
  });

  it('answers UNAVAILABLE with 503', async () => {
    const res = await get('/search/v1/indexes');
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 503, body: { code: 14, message: 'the index shards are restarting', details: [] } });
  });

  it('answers DEADLINE_EXCEEDED with 504 once the route\'s timeout (600 ms, less the transcoder\'s 100 ms margin) has passed', async () => {
    const started = Date.now();
    const res = await get('/search/v1/indexes/slow');
    const took = Date.now() - started;
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 504, body: { code: 4, message: 'the upstream did not answer before the deadline (the route\'s timeout)', details: [] } });
    expect(took).toBeGreaterThanOrEqual(490);
    expect(took).toBeLessThan(1500);
  });

  it('answers 503 UNAVAILABLE when nothing listens at local_url', async () => {
    const down = await startTestGateway({ configFile: CONFIG, seed: 'derived', overrides: { services: [{ name: 'search', local_url: `http://127.0.0.1:${closedPort}` }] } });
    try {
      const res = await fetch(`${down.url}/search/v1/indexes`, { headers: { 'x-api-key': apiKey(down.credentials, 'demo-pro') } });
      expect({ status: res.status, body: await res.json() }).toEqual({ status: 503, body: { code: 14, message: 'the upstream is unavailable', details: [] } });
    } finally {
      await down.close();
    }
  });
});
