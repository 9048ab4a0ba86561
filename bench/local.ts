/**
 * `npm run bench:local`: one autocannon run each against
 *   (a) a sample upstream directly, (b) nginx (Debian) proxying to it,
 *   (c) Gatehouse with the authorizer cache on, (d) Gatehouse with TTL 0 and the Redis limiter,
 * printed side by side with ratios. Goal: (c) >= 0.5 x nginx. Not a timed test.
 *
 * Every server runs in its own process, like nginx does: the sample upstream
 * (`bench/local.ts upstream`), nginx, and Gatehouse exactly as `npm start` runs it
 * (`local/main.ts` with a generated config and seed, request log on, written to a file).
 * This process only generates load (autocannon in a worker thread).
 *
 * Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_ONLY (e.g. `c` or `a,c`: only those rows),
 * BENCH_CPU_PROF (a directory: the Gatehouse processes run with `node --cpu-prof` and write there).
 * BENCH_KEEP=1 keeps the temporary directory (nginx.conf and error.log, Gatehouse configs and request logs).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { mergeOverrides } from '../lib/config/merge';
import { startSampleUpstream } from '../local/upstreams';

/** The part of autocannon's API used here (it ships no type declarations). */
interface AutocannonResult { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number; timeouts: number }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: { url: string; headers?: Record<string, string>; connections: number; duration: number; workers?: number }) => Promise<AutocannonResult>;

const ROOT = join(__dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d').split(',').map((s) => s.trim()));
const CPU_PROF = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const BENCH_KEY = 'ghk_bench_0000000000000000000000';

interface Row {
  id: string; name: string; rps: number; p50: number; p99: number; non2xx: number; requests: number;
  /** CPU time of the process under test (the upstream for (a), nginx or Gatehouse) per measured request. */
  cpuUsPerRequest?: number;
  logLines?: number;
}

async function run(id: string, name: string, target: Started, path: string, headers: Record<string, string> = {}): Promise<Row> {
  const url = `${target.url}${path}`;
  await autocannon({ url, headers, connections: 4, duration: 2 }); // warm-up (JIT, pools)
  const cpuBefore = processTreeCpuMs(target.pid);
  // Load generation in a worker thread of this process; the servers run in their own processes.
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS, workers: 1 });
  const cpuMs = processTreeCpuMs(target.pid) - cpuBefore;
  return {
    id, name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors + r.timeouts, requests: r.requests.total,
    cpuUsPerRequest: Number.isFinite(cpuMs) && r.requests.total > 0 ? (cpuMs * 1000) / r.requests.total : undefined,
  };
}

const CLOCK_TICKS = (() => { try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100; } catch { return 100; } })();

/**
 * User + system CPU milliseconds of a process and its descendants (nginx's master and worker),
 * from /proc; NaN where /proc is not available. A throughput figure depends on what else runs on
 * the machine; CPU per request much less.
 */
function processTreeCpuMs(pid: number | undefined, depth = 0): number {
  if (pid === undefined || depth > 3) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime, stime
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) {
        const childMs = processTreeCpuMs(Number(child), depth + 1);
        if (Number.isFinite(childMs)) ms += childMs;
      }
    }
    return ms;
  } catch {
    return NaN;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
  });
}

async function waitForPort(port: number, child: ChildProcess, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => { const c = connect(port, '127.0.0.1'); c.once('connect', () => { c.destroy(); r(true); }); c.once('error', () => r(false)); });
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited with ${child.exitCode} before listening on ${port}`);
    if (Date.now() > end) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stops a child and waits for it (bounded), so the next row starts on a quiet machine. */
function stopChild(child: ChildProcess, ms = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, ms);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
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

interface Started { url: string; pid?: number; stop(): Promise<void> }

/** The sample upstream in its own process (this file with the `upstream` argument). */
async function startUpstreamProcess(): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, 'upstream', String(port)], { cwd: ROOT, stdio: 'ignore' });
  await waitForPort(port, child);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopChild(child) };
}

async function startNginx(upstream: string, dir: string): Promise<Started> {
  const binary = findNginx();
  const port = await freePort();
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
  # nginx closes a client connection after 1,000 requests by default, and autocannon counts the
  # requests caught by that close as errors; Node (Gatehouse, the upstream) sets no such limit.
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://sample; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`);
  const child = spawn(binary, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  await waitForPort(port, child);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopChild(child) };
}

async function startRedis(): Promise<Started> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitForPort(port, child);
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

/** gateway.config.yaml with every service on `upstream`, a bench tier no limit reaches, and optional TTL 0. */
function benchConfig(upstream: string, ttlZero: boolean): string {
  const raw = parse(readFileSync(join(ROOT, 'gateway.config.yaml'), 'utf8')) as { services: { name: string }[]; routes: { name: string }[] };
  const overrides = {
    traffic: { steady_rps: 5000, peak_rps: 9000 },
    tiers: [{ name: 'bench', minute: 60_000_000, hour: 600_000_000, burst: 100_000 }],
    services: raw.services.map((s) => ({ name: s.name, local_url: upstream })),
    ...(ttlZero ? { routes: raw.routes.map((r) => ({ name: r.name, auth: { cache_ttl: 0 } })) } : {}),
  };
  return stringify(mergeOverrides(raw, overrides));
}

const SEED = stringify({ api_keys: [{ key: BENCH_KEY, consumer: 'bench', tier: 'bench' }] });

/** Gatehouse as `npm start` runs it, in its own process; the request log goes to `<name>.log`. */
async function startGatehouse(name: string, dir: string, upstream: string, opts: { ttlZero: boolean; redisUrl?: string }): Promise<Started & { logFile: string }> {
  const config = join(dir, `${name}.yaml`);
  const seed = join(dir, 'seed.yaml');
  const logFile = join(dir, `${name}.log`);
  writeFileSync(config, benchConfig(upstream, opts.ttlZero));
  writeFileSync(seed, SEED);
  writeFileSync(logFile, '');
  const port = await freePort();
  const prof = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [];
  if (CPU_PROF) mkdirSync(CPU_PROF, { recursive: true });
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'local/main.ts', '--config', config, '--seed', seed, '--env', 'dev'], {
    cwd: ROOT,
    // The default account throttle (10,000 rps) would answer part of the load with 429s.
    env: { ...process.env, PORT: String(port), ISSUER_PORT: '0', HOST: '127.0.0.1', REDIS_URL: opts.redisUrl ?? '', LOG: process.env.BENCH_LOG ?? 'on', STAGE_THROTTLE: '1000000/1000000' },
    stdio: ['ignore', out, 'ignore'],
  });
  await waitForPort(port, child);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, logFile, stop: () => stopChild(child) };
}

function countLines(file: string): number {
  const text = readFileSync(file, 'utf8');
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function machine(): string[] {
  const [one, five, fifteen] = loadavg().map((l) => l.toFixed(2));
  return [
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), node ${process.version}`,
    `load average before the run (1/5/15 min): ${one} ${five} ${fifteen}`,
  ];
}

async function main(): Promise<void> {
  const header = machine();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const rows: Row[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    const upstream = await startUpstreamProcess();
    stops.push(upstream.stop);
    if (ONLY.has('a')) rows.push(await run('a', '(a) sample upstream', upstream, '/v1/users'));
    if (ONLY.has('b')) {
      const nginx = await startNginx(upstream.url, dir);
      rows.push(await run('b', '(b) nginx proxy', nginx, '/v1/users'));
      await nginx.stop();
    }
    if (ONLY.has('c')) {
      const cached = await startGatehouse('cached', dir, upstream.url, { ttlZero: false });
      rows.push(await run('c', '(c) Gatehouse, authorizer cache', cached, '/v1/users', { 'x-api-key': BENCH_KEY }));
      await cached.stop();
      rows[rows.length - 1].logLines = countLines(cached.logFile);
    }
    if (ONLY.has('d')) {
      const redis = await startRedis();
      stops.push(redis.stop);
      const uncached = await startGatehouse('ttl0-redis', dir, upstream.url, { ttlZero: true, redisUrl: redis.url });
      rows.push(await run('d', '(d) Gatehouse, TTL 0 + Redis', uncached, '/v1/users', { 'x-api-key': BENCH_KEY }));
      await uncached.stop();
      rows[rows.length - 1].logLines = countLines(uncached.logFile);
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  const nginxRps = rows.find((r) => r.id === 'b')?.rps ?? NaN;
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    ...header,
    `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per target, GET /v1/users (echo upstream); each server in its own process`,
    `${pad('target', 34)}${pad('req/s', 10)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('x nginx', 9)}${pad('CPU us/req', 12)}non-2xx`,
    ...rows.map((r) => `${pad(r.name, 34)}${pad(r.rps.toFixed(0), 10)}${pad(String(r.p50), 8)}${pad(String(r.p99), 8)}${pad((r.rps / nginxRps).toFixed(2), 9)}${pad(r.cpuUsPerRequest?.toFixed(0) ?? '-', 12)}${r.non2xx}`),
  ];
  lines.push('CPU us/req: user + system CPU of the process under test (the upstream for (a), nginx master + worker, the Gatehouse process) per measured request.');
  // One log line per request is part of the contract; warm-up requests are logged too.
  for (const r of rows) if (r.logLines !== undefined) lines.push(`${r.name}: ${r.logLines} request log lines for ${r.requests} measured requests (plus warm-up)`);
  const c = rows.find((r) => r.id === 'c');
  if (c && rows.some((r) => r.id === 'b')) lines.push('', `goal (c) >= 0.5 x nginx: ${c.rps / nginxRps >= 0.5 ? 'met' : 'NOT met'} (${(c.rps / nginxRps).toFixed(2)})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `bench/local.ts upstream PORT`: the sample upstream alone in this process, until SIGTERM. */
async function serveUpstream(port: number): Promise<void> {
  const upstream = await startSampleUpstream('user-service-v1', port);
  const stop = () => { upstream.close().then(() => process.exit(0), () => process.exit(1)); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[2] === 'upstream') {
  serveUpstream(Number(process.argv[3] ?? 0)).catch((err: Error) => { process.stderr.write(`${err.message}\n`); process.exit(1); });
} else {
  main().then(() => process.exit(0), (err: Error) => { process.stderr.write(`${err.message}\n`); process.exit(1); });
}
