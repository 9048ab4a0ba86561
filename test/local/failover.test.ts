import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfig } from '../../lib/checks/load';
import { regionalGateways } from '../../lib/config/regions';
import { ApiGateway } from '../../local/api-gateway/pipeline';
import { HEALTH_PATH, healthBody } from '../../lib/contract/health-route';
import type { DemoCredentials } from '../../local/demo';
import { DEFAULT_TWIN_ROUTING } from '../../local/twin-regions';
import { EDGE_VIEWER_ADDRESS_HEADER } from '../../local/edge-proxy';
import { startEdgeRouter, TWIN_CONTROL_PATH, type EdgeRouter, type RouterStatus } from '../../local/edge-router';
import type { TwinRouting } from '../../local/edge-dns';
import { alive, CLI, cleanEnv, descendants, eventually, ROOT } from '../cli/support';
import { freePort, TestRedisServer } from '../rate-limit/redis-server';

/**
 * Multi-region failover in the twin (decision 0026 D11): the edge router (CloudFront + Route 53
 * stand-in) first over fake regions, whose health and timing a test sets exactly; then two real
 * regional gateways started by `gatehouse start` for a two-region config, each with its own Redis,
 * through which a real API key's requests fail over and back.
 */

describe('every gateway answers its health route as API Gateway\'s MOCK method does', () => {
  const configs = ['gateway.config.yaml', ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`)];
  const environments = configs.flatMap((file) => Object.values(loadConfigFile(join(ROOT, file)).environments).map((gateway) => [file, gateway.name, gateway] as const));
  // Discard port: the health route never calls an upstream.
  const nowhere = (g: typeof environments[number][2]) => Object.fromEntries(g.config.services.map((svc) => [svc.name, 'http://127.0.0.1:9']));
  const request = (method: string, ...headers: [string, string][]) => ({ method, rawPath: HEALTH_PATH, rawQuery: '', rawHeaders: [['Host', 'api.example.com'], ...headers] as [string, string][], body: Buffer.alloc(0), sourceIp: '127.0.0.1' });

  it.each(environments)('%s %s: GET -> 200 naming the region, no authorizer; another method -> not_found; another media type -> 415', async (_file, _env, gateway) => {
    const twin = { ...gateway, config: { ...gateway.config, environments: { ...gateway.config.environments, [gateway.name]: { ...gateway.env, regions: [gateway.env.region, 'eu-central-1'] } } } };
    for (const regional of regionalGateways(twin)) {
      let invoked = 0;
      const api = new ApiGateway({ gateway: regional, authorize: async () => { invoked += 1; throw new Error('Unauthorized'); }, upstreams: nowhere(gateway), usageKeys: { shared: {} }, clock: Date.now });
      const ok = await api.handle(request('GET'));
      expect([ok.statusCode, ok.headers['content-type'], ok.headers['cache-control'], JSON.parse(String(ok.body))]).toEqual([200, 'application/json', 'no-store', { status: 'ok', region: regional.env.region }]);
      expect((await api.handle(request('GET', ['Content-Type', 'application/json; charset=utf-8']))).statusCode).toBe(200);
      expect((await api.handle(request('GET', ['Content-Type', 'text/plain']))).statusCode).toBe(415);
      expect((await api.handle(request('POST'))).statusCode).toBe(404);
      expect(invoked).toBe(0);
      await api.close();
    }
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms: number, every = 10): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(every);
  }
}

/** A stand-in region: answers its health route as a gateway of `region` does, and any other request with who it is. */
interface FakeRegion {
  readonly region: string;
  readonly url: string;
  /** Non-health requests received. */
  readonly requests: { method: string; path: string; headers: IncomingHttpHeaders }[];
  /** ok; slow (the health answer after 10 probe timeouts); wrong (names another region); hold (other requests never answered). */
  mode: 'ok' | 'slow' | 'wrong' | 'hold';
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function fakeRegion(region: string, slowMs = 1000): Promise<FakeRegion> {
  const held: ServerResponse[] = [];
  const fake: FakeRegion = {
    region, url: '', requests: [], mode: 'ok',
    stop: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
    start: () => new Promise((resolve) => { server.listen(port, '127.0.0.1', () => resolve()); }),
    close: async () => { for (const r of held) r.destroy(); if (server.listening) await fake.stop(); },
  };
  const server: Server = createServer((req, res) => {
    if (req.url === HEALTH_PATH) {
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(healthBody(fake.mode === 'wrong' ? 'xx-east-9' : region)));
      if (fake.mode === 'slow') setTimeout(answer, slowMs); else answer();
      return;
    }
    fake.requests.push({ method: req.method!, path: req.url!, headers: req.headers });
    req.resume();
    if (fake.mode === 'hold') { held.push(res); return; }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ region }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  (fake as { url: string }).url = `http://127.0.0.1:${port}`;
  return fake;
}

/**
 * The router's timers at scale 0.02 of the defaults: a probe every 200 ms (timeout 40 ms), a
 * 1.2 s period, TTL 60 s -> 1.2 s. Out after 3 failed of the last 6 probes.
 */
const SCALE = 0.02;
const INTERVAL = 200;
const TTL = 1200;

describe('the edge router over two fake regions', () => {
  let a: FakeRegion;
  let b: FakeRegion;
  let router: EdgeRouter;
  const notices: string[] = [];
  const start = async (routing: Partial<TwinRouting> = {}) => {
    router = await startEdgeRouter({
      regions: [{ region: 'eu-west-2', url: a.url }, { region: 'eu-west-1', url: b.url }],
      routing: { ...DEFAULT_TWIN_ROUTING, ...routing }, timeScale: SCALE, notice: (l) => notices.push(l),
    });
  };
  const status = () => router.status();
  const inRotation = (region: string) => status().regions.find((r) => r.region === region)!.inRotation;
  const get = async (path = '/v1/things', headers: Record<string, string> = {}) => {
    const res = await fetch(`${router.url}${path}`, { headers });
    const text = await res.text();
    return { status: res.status, region: res.status === 200 ? (JSON.parse(text) as { region?: string }).region : undefined, text };
  };

  beforeEach(async () => {
    a = await fakeRegion('eu-west-2');
    b = await fakeRegion('eu-west-1');
    notices.length = 0;
  });
  afterEach(async () => {
    await router?.close();
    await Promise.all([a.close(), b.close()]);
  });

  it('sends every request to the primary while it is healthy (latency: the twin\'s regions are all as near), with the viewer\'s address', async () => {
    await start();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await get('/v1/things', { [EDGE_VIEWER_ADDRESS_HEADER]: '203.0.113.66' })).region);
    expect(answers).toEqual(Array(5).fill('eu-west-2'));
    expect(b.requests).toHaveLength(0);
    // The viewer's own value never passes: the gateway behind trusts the router's.
    expect(a.requests[0].headers[EDGE_VIEWER_ADDRESS_HEADER]).toBe('127.0.0.1');
    expect(status()).toMatchObject({ policy: 'latency', ttlMs: TTL, probeIntervalMs: INTERVAL, probeTimeoutMs: 40, periodMs: 1200, failedProbes: 3 });
  });

  it('refuses /_gatehouse/* to viewers as the edge web ACL\'s GatewayPaths rule does (decoded, normalised, any case), and answers its status on the control path', async () => {
    await start();
    for (const path of [HEALTH_PATH, '/%5Fgatehouse/health', '//_Gatehouse/health', '/v1/../_gatehouse/x', '/_gatehouse']) {
      expect([path, await get(path)]).toEqual([path, { status: 404, region: undefined, text: '' }]);
    }
    expect((await get('/_gatehousekeeping')).status).toBe(200);
    expect(a.requests.map((r) => r.path)).toEqual(['/_gatehousekeeping']);
    const res = await fetch(`${router.url}${TWIN_CONTROL_PATH}`);
    expect(res.status).toBe(200);
    const body = await res.json() as RouterStatus;
    expect(body.regions.map((r) => [r.region, r.primary, r.inRotation])).toEqual([['eu-west-2', true, true], ['eu-west-1', false, true]]);
    expect((await fetch(`${router.url}${TWIN_CONTROL_PATH}/eu-west-2/stop`, { method: 'POST' })).status).toBe(404); // no control given
  });

  it('takes a region out after failed_probes failures and fails over within failed_probes x interval + TTL; back after a healthy period + TTL', async () => {
    await start();
    expect((await get()).region).toBe('eu-west-2');
    await sleep(TTL / 2); // the cached answer half spent, as it would be at any moment
    await a.stop();
    const stopped = Date.now();
    const seen: number[] = [];
    await until('a 200 through eu-west-1', async () => { const r = await get(); seen.push(r.status); return r.region === 'eu-west-1' || undefined; }, 10_000, 20);
    const failover = Date.now() - stopped;
    expect(new Set(seen.slice(0, -1))).toEqual(new Set(seen.length > 1 ? [502] : []));
    // 3 failed probes (the first within one interval of the stop), then at most the TTL.
    expect(failover).toBeLessThanOrEqual(3 * INTERVAL + TTL + INTERVAL);
    expect(notices).toEqual([expect.stringMatching(/^edge router: eu-west-2 out of rotation \(3 of the last 6 probes failed: (connection refused|ECONNRESET|UND_ERR_SOCKET)\)/)]);

    await a.start();
    const restarted = Date.now();
    await until('eu-west-2 again', async () => ((await get()).region === 'eu-west-2') || undefined, 10_000, 20);
    const failback = Date.now() - restarted;
    // Back once fewer than 3 of the last 6 probes failed (4 good probes), then at most the TTL.
    expect(failback).toBeLessThanOrEqual(1200 + TTL + INTERVAL);
    expect(notices[1]).toMatch(/^edge router: eu-west-2 back in rotation \(2 of the last 6 probes failed\)$/);
  }, 20_000);

  it('counts a probe without an answer within the timeout, and an answer naming another region, as failed', async () => {
    await start();
    a.mode = 'slow';
    b.mode = 'wrong';
    await until('both out', () => (!inRotation('eu-west-2') && !inRotation('eu-west-1')) || undefined, 3000);
    const regions = status().regions;
    expect(regions.map((r) => r.lastFailure)).toEqual(['no answer within 40 ms', expect.stringMatching(/^answer \{"status":"ok","region":"xx-east-9"\}/)]);
    // Every record unhealthy: Route 53 treats them all as healthy (decision 0026 F11), so the primary answers.
    await sleep(TTL);
    expect((await get()).region).toBe('eu-west-2');
  });

  it('never retries: a request in flight when its region dies gets a 502, and the other region never sees it', async () => {
    await start();
    a.mode = 'hold';
    const pending = fetch(`${router.url}/v1/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":1}' });
    await until('the POST at eu-west-2', () => a.requests.length > 0 || undefined, 2000);
    await a.stop();
    const res = await pending;
    expect([res.status, await res.text()]).toEqual([502, '{"message":"Upstream unavailable","code":"upstream_unavailable"}']);
    expect(b.requests).toHaveLength(0);
  });

  it('failover: the primary while healthy, else the secondary', async () => {
    await start({ policy: 'failover' });
    expect((await get()).region).toBe('eu-west-2');
    await a.stop();
    await until('eu-west-1', async () => ((await get()).region === 'eu-west-1') || undefined, 4000, 20);
  });

  it('geolocation: by the viewer\'s country, else its continent, else default; an unhealthy record falls back to the larger area', async () => {
    await start({ policy: 'geolocation', geolocation: { GB: 'eu-west-2', 'continent:EU': 'eu-west-1', default: 'eu-west-2' } });
    const at = (country?: string, continent?: string) => get('/v1/things', { ...(country ? { 'x-gatehouse-viewer-country': country } : {}), ...(continent ? { 'x-gatehouse-viewer-continent': continent } : {}) });
    expect((await at('GB', 'EU')).region).toBe('eu-west-2');
    expect((await at('IE', 'EU')).region).toBe('eu-west-1');
    expect((await at('US', 'NA')).region).toBe('eu-west-2');
    expect((await at()).region).toBe('eu-west-2');
    // The twin's location headers stop at the edge.
    expect(b.requests[0].headers).not.toHaveProperty('x-gatehouse-viewer-country');
    await a.stop();
    await until('GB on eu-west-1', async () => ((await at('GB', 'EU')).region === 'eu-west-1') || undefined, 4000, 20);
    // GB's record and default both name eu-west-2, which is out: the continent's record answers.
    expect(status().answers.map((x) => [x.location, x.region])).toEqual(expect.arrayContaining([['GB/EU', 'eu-west-1']]));
  });
});

/**
 * Two real regions: examples/fintech-startup.yaml prod, which runs on eu-west-2 and eu-west-1, started by
 * `gatehouse start` (its mTLS route and private services make no difference: the twin's sample
 * upstreams stand in for the services, and the API-key route partner-reports is all this needs).
 * Each region has its own redis-server, as each has its own ElastiCache deployed.
 */
const TIME_SCALE = 0.05;

/** The shipped example: its prod already runs in both regions. */
function twoRegionFintech(): string {
  return readFileSync(join(ROOT, 'examples/fintech-startup.yaml'), 'utf8');
}

describe('failover between two regional gateways of a two-region config (gatehouse start)', () => {
  const text = twoRegionFintech();
  const prod = parseConfig(text, 'fintech two regions').environments.prod;
  const routing = prod.env.routing!;
  const sandbox = prod.config.tiers.find((t) => t.name === 'sandbox')!;
  const L = sandbox.minute!;
  const intervalMs = (routing.health_check.period_seconds * 1000 * TIME_SCALE) / routing.health_check.probes_per_period;
  const ttlMs = routing.ttl_seconds * 1000 * TIME_SCALE;
  const periodMs = routing.health_check.period_seconds * 1000 * TIME_SCALE;

  let redis: TestRedisServer[];
  let child: ChildProcess;
  let below: number[] = [];
  let stderr = '';
  let creds: DemoCredentials;
  const key = (consumer: string) => creds.apiKeys.find((k) => k.consumer === consumer)!.key;
  const report = (consumer: string) => fetch(`${creds.gateway}/v1/reports`, { headers: { 'x-api-key': key(consumer) } }).then(async (r) => {
    const body = await r.text();
    return { status: r.status, region: r.status === 200 ? (JSON.parse(body) as { region: string }).region : undefined };
  });
  const control = (region: string, verb: 'stop' | 'start') => fetch(`${creds.edge!.status}/${region}/${verb}`, { method: 'POST' }).then((r) => r.status);
  const routerStatus = () => fetch(creds.edge!.status).then((r) => r.json() as Promise<RouterStatus>);

  beforeAll(async () => {
    redis = [await TestRedisServer.start(), await TestRedisServer.start()];
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-failover-'));
    const config = join(dir, 'fintech-two-regions.yaml');
    const file = join(dir, 'credentials.json');
    writeFileSync(config, text);
    child = spawn(process.execPath, [CLI, 'start', '-c', config, '-e', 'prod', '--time-scale', String(TIME_SCALE), '--credentials-file', file], {
      cwd: ROOT, env: cleanEnv({ PORT: String(await freePort()), ISSUER_PORT: '0', LOG: 'off', REDIS_URL: redis.map((r) => r.url).join(',') }), stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d) => { stderr += String(d); });
    if (!(await eventually(() => stderr.includes('# Request log') || child.exitCode !== null, 60_000))) throw new Error(`gatehouse start did not start:\n${stderr}`);
    if (child.exitCode !== null) throw new Error(`gatehouse start exited:\n${stderr}`);
    below = descendants(child.pid!);
    creds = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
  }, 90_000);

  afterAll(async () => {
    child?.kill('SIGTERM');
    await eventually(() => child.exitCode !== null && below.every((pid) => !alive(pid)), 15_000);
    for (const pid of below) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const r of redis ?? []) await r.kill();
  });

  it('serves the config\'s two regions behind the router, each answering its own health route', async () => {
    expect(creds.regions!.map((r) => [r.region, r.primary])).toEqual([['eu-west-2', true], ['eu-west-1', false]]);
    expect(creds.edge).toMatchObject({ policy: 'latency', ttlSeconds: 60, timeScale: TIME_SCALE, ttlMs, probeIntervalMs: intervalMs, periodMs });
    for (const r of creds.regions!) {
      const res = await fetch(`${r.gateway}${HEALTH_PATH}`);
      expect([res.status, await res.json()]).toEqual([200, { status: 'ok', region: r.region }]);
    }
    expect(await report('demo-partner')).toEqual({ status: 200, region: 'eu-west-2' });
  });

  it(`fails over to eu-west-1 within failed_probes x interval + TTL, where a consumer at its limit L gets at most L more (2L in all), and returns`, async () => {
    // The sandbox tier's minute window must not turn over during the test: the bound is per window.
    while (60_000 - (Date.now() % 60_000) < 15_000) await sleep(250);

    // A consumer spends its whole minute limit in eu-west-2.
    let admittedA = 0;
    for (;;) {
      const r = await report('demo-sandbox');
      if (r.status === 429) break;
      expect(r).toEqual({ status: 200, region: 'eu-west-2' });
      admittedA += 1;
    }
    expect(admittedA).toBe(L);

    expect(await control('eu-west-2', 'stop')).toBe(200);
    const stopped = Date.now();
    const errors: number[] = [];
    let detectedMs: number | undefined;
    const first = await until('a 200 through eu-west-1', async () => {
      if (detectedMs === undefined && !(await routerStatus()).regions[0].inRotation) detectedMs = Date.now() - stopped;
      const r = await report('demo-sandbox');
      if (r.status === 200) return r;
      errors.push(r.status);
      return undefined;
    }, 15_000, 25);
    const failoverMs = Date.now() - stopped;
    expect(first.region).toBe('eu-west-1');
    expect(new Set(errors)).toEqual(new Set(errors.length > 0 ? [502] : []));
    expect(failoverMs).toBeLessThanOrEqual(routing.health_check.failed_probes * intervalMs + ttlMs + intervalMs);

    // The same consumer in eu-west-1: counted afresh (counters are per region, decision 0026 D6).
    let admittedB = 1;
    for (;;) {
      const r = await report('demo-sandbox');
      if (r.status === 429) break;
      expect(r).toEqual({ status: 200, region: 'eu-west-1' });
      admittedB += 1;
    }
    expect(admittedB).toBe(L);
    expect(admittedA + admittedB).toBe(2 * L);

    expect(await control('eu-west-2', 'start')).toBe(200);
    const restarted = Date.now();
    await until('demo-partner on eu-west-2 again', async () => ((await report('demo-partner')).region === 'eu-west-2') || undefined, 15_000, 25);
    const failbackMs = Date.now() - restarted;
    expect(failbackMs).toBeLessThanOrEqual(periodMs + ttlMs + intervalMs);
    // eu-west-2 kept its counters (its Redis outlived the outage): the consumer is still at its limit there.
    expect((await report('demo-sandbox')).status).toBe(429);
    expect(stderr).toMatch(/edge router: eu-west-2 out of rotation \(3 of the last [3-6] probes failed: [^)]+\); cached answers naming it expire within 3 s/);
    expect(stderr).toMatch(/edge router: eu-west-2 back in rotation/);
    if (process.env.GATEHOUSE_FAILOVER_TIMES) process.stderr.write(`failover: detected ${detectedMs} ms, first 200 via eu-west-1 ${failoverMs} ms (bound ${routing.health_check.failed_probes * intervalMs + ttlMs + intervalMs}), ${errors.length} errors; failback ${failbackMs} ms (bound ${periodMs + ttlMs + intervalMs})\n`);
  }, 90_000);
});
