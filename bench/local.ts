/**
 * `npm run bench:local`: one autocannon run each against
 *   (a) a sample upstream directly, (b) nginx (Debian) proxying to it,
 *   (c) Gatehouse with the authorizer cache on, (d) Gatehouse with TTL 0 and the Redis limiter,
 * printed side by side with ratios. Goal: (c) >= 0.5 x nginx. Not a timed test.
 * Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (50).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../lib/config/load';
import { mergeOverrides } from '../lib/config/merge';
import type { Seed } from '../local/seed';
import { startLocalGateway } from '../local/server';
import { startSampleUpstream } from '../local/upstreams';

/** The part of autocannon's API used here (it ships no type declarations). */
interface AutocannonResult { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number; timeouts: number }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: { url: string; headers?: Record<string, string>; connections: number; duration: number; workers?: number }) => Promise<AutocannonResult>;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BENCH_KEY = 'ghk_bench_0000000000000000000000';

interface Row { name: string; rps: number; p50: number; p99: number; non2xx: number }

async function run(name: string, url: string, headers: Record<string, string> = {}): Promise<Row> {
  await autocannon({ url, headers, connections: 4, duration: 1 }); // warm-up
  // Load generation in its own worker thread: the gateway and the upstream share this process's event loop.
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS, workers: 1 });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors + r.timeouts };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
  });
}

async function waitForPort(port: number, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => { const c = connect(port, '127.0.0.1'); c.once('connect', () => { c.destroy(); r(true); }); c.once('error', () => r(false)); });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function findNginx(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  process.stderr.write('nginx not found: installing the Debian package (apt-get -y install nginx-light)\n');
  for (const pkg of ['nginx-light', 'nginx']) {
    try {
      execFileSync('apt-get', ['-y', '-qq', 'install', pkg], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
    } catch { /* try the next package */ }
  }
  throw new Error('nginx is not installed and apt-get could not install it (run as root, or apt-get install nginx-light)');
}

async function startNginx(upstream: string): Promise<{ url: string; stop(): void }> {
  const binary = findNginx();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-nginx-'));
  writeFileSync(join(dir, 'nginx.conf'), `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream sample { server ${new URL(upstream).host}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://sample; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`);
  const child: ChildProcess = spawn(binary, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  await waitForPort(port);
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

async function startRedis(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitForPort(port);
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** gateway.config.yaml with every service on `upstream`, a bench tier no limit reaches, and optional TTL 0. */
function benchGateway(upstream: string, ttlZero: boolean) {
  const raw = parse(readFileSync(join(__dirname, '../gateway.config.yaml'), 'utf8')) as { services: { name: string }[]; routes: { name: string }[] };
  const overrides = {
    traffic: { steady_rps: 5000, peak_rps: 9000 },
    tiers: [{ name: 'bench', minute: 60_000_000, hour: 600_000_000, burst: 100_000 }],
    services: raw.services.map((s) => ({ name: s.name, local_url: upstream })),
    ...(ttlZero ? { routes: raw.routes.map((r) => ({ name: r.name, auth: { cache_ttl: 0 } })) } : {}),
  };
  return parseConfig(stringify(mergeOverrides(raw, overrides)), 'gateway.config.yaml (bench)').environments.dev;
}

const seed: Seed = { api_keys: [{ key: BENCH_KEY, consumer: 'bench', tier: 'bench', status: 'active', allowed_cidrs: [], canary: false }], oauth_clients: [], users: [] };

async function main(): Promise<void> {
  const upstream = await startSampleUpstream('user-service-v1');
  const rows: Row[] = [];
  const stops: (() => unknown)[] = [() => upstream.close()];
  try {
    rows.push(await run('(a) sample upstream', `${upstream.url}/v1/users`));
    const nginx = await startNginx(upstream.url);
    stops.push(nginx.stop);
    rows.push(await run('(b) nginx proxy', `${nginx.url}/v1/users`));
    const cached = await startLocalGateway({ gateway: benchGateway(upstream.url, false), seed, issuerPort: false });
    rows.push(await run('(c) Gatehouse, authorizer cache', `${cached.url}/v1/users`, { 'x-api-key': BENCH_KEY }));
    await cached.close();
    const redis = await startRedis();
    stops.push(redis.stop);
    const uncached = await startLocalGateway({ gateway: benchGateway(upstream.url, true), seed, issuerPort: false, redisUrl: redis.url });
    rows.push(await run('(d) Gatehouse, TTL 0 + Redis', `${uncached.url}/v1/users`, { 'x-api-key': BENCH_KEY }));
    await uncached.close();
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
  const nginxRps = rows.find((r) => r.name.startsWith('(b)'))?.rps ?? NaN;
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per target, GET /v1/users (echo upstream)`,
    `${pad('target', 34)}${pad('req/s', 10)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('x nginx', 9)}non-2xx`,
    ...rows.map((r) => `${pad(r.name, 34)}${pad(r.rps.toFixed(0), 10)}${pad(String(r.p50), 8)}${pad(String(r.p99), 8)}${pad((r.rps / nginxRps).toFixed(2), 9)}${r.non2xx}`),
  ];
  const c = rows.find((r) => r.name.startsWith('(c)'));
  if (c) lines.push('', `goal (c) >= 0.5 x nginx: ${c.rps / nginxRps >= 0.5 ? 'met' : 'NOT met'} (${(c.rps / nginxRps).toFixed(2)})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(() => process.exit(0), (err: Error) => { process.stderr.write(`${err.message}\n`); process.exit(1); });
