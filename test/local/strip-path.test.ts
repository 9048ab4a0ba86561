import { apiKey, startTestGateway, type TestGateway } from './support/harness';

/** strip_path (Kong semantics) and the service's base path, seen by the upstream. */
describe('upstream paths: strip_path and the service base path', () => {
  let gw: TestGateway;
  const get = (path: string) => fetch(`${gw.url}${path}`, { headers: { 'x-api-key': apiKey(gw.credentials, 'demo-pro') } });

  beforeAll(async () => {
    gw = await startTestGateway({
      overrides: {
        services: [{ name: 'user-service-v1', path: '/internal' }],
        routes: [{ name: 'legacy-users', paths: ['/legacy/users'], methods: ['GET'], strip_path: true, service: 'user-service-v1', auth: { strategies: ['api_key'] } }],
      },
    });
  });
  // One gateway for the file: each spec starts from fresh counters, whatever the others spent.
  beforeEach(() => gw.resetCounters());
  afterAll(async () => { await gw.close(); });

  it('removes the matched prefix of a strip_path route and prepends the service path', async () => {
    const res = await get('/legacy/users/42?page=2');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ service: 'user-service-v1', path: '/internal/42', query: { page: '2' }, headers: { 'x-gatehouse-route': 'legacy-users' } });
  });

  it('forwards the bare prefix of a strip_path route as the service path', async () => {
    const res = await get('/legacy/users');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ path: '/internal/', headers: { 'x-gatehouse-route': 'legacy-users' } });
  });

  it('keeps the whole path of a route without strip_path', async () => {
    const res = await get('/v1/users/42');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ path: '/internal/v1/users/42', headers: { 'x-gatehouse-route': 'api-v1-users' } });
  });

  it('keeps percent-encoded path parameters encoded on the way upstream', async () => {
    const res = await get('/legacy/users/a%20b/c');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ path: '/internal/a%20b/c' });
  });
});
