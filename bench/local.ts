/**
 * `npm run bench:local`: one autocannon run each against
 *   (a) a sample upstream directly, (b) nginx (Debian) proxying to it,
 *   (c) Gatehouse with `limits: approximate` on every route (the authorizer result cache on, TTL 300 s),
 *   (d) Gatehouse in the default mode, `limits: exact` (the authorizer, and one Redis script call,
 *       on every request), with the Redis limiter against a redis-server started here,
 *   (e) the same exact mode with the in-memory limiter (what (d) costs without Redis),
 *   (f) a bare Node proxy (node:http server + undici Pool, no auth, no log, no routing): the floor
 *       any gateway written in Node starts from on this machine, so (c)-(e) can be read against
 *       what Node itself costs as well as against nginx,
 * printed side by side with ratios. Goals: (d) >= 0.5 x nginx (issue 10), (c) >= 0.5 x nginx
 * (issue 3). Not a timed test.
 *
 * Every server runs in its own process, like nginx does: the sample upstream
 * (`bench/local.ts upstream`), nginx, and Gatehouse exactly as `npm start` runs it
 * (`local/main.ts` with a generated config and seed, request log on, written to a file).
 * This process only generates load (autocannon in a worker thread). Per row it also prints the
 * CPU of the process under test per request (and of redis-server for (d)), the request log's
 * verdicts (every exact request ran the authorizer), and the CPU that processes outside the
 * benchmark used meanwhile ("other CPU", in cores): a row with more than ~0.05 was disturbed.
 *
 * Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_ONLY (e.g. `c` or `a,c`: only those rows),
 * BENCH_CPU_PROF (a directory: the Gatehouse processes run with `node --cpu-prof` and write there).
 * BENCH_KEEP=1 keeps the temporary directory (nginx.conf and error.log, Gatehouse configs and request logs).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool, type Dispatcher } from 'undici';
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
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d,e,f').split(',').map((s) => s.trim()));
const CPU_PROF = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const BENCH_KEY = 'ghk_bench_0000000000000000000000';

interface Row {
  id: string; name: string; rps: number; p50: number; p99: number; non2xx: number; requests: number;
  /** CPU time of the process under test (the upstream for (a), nginx or Gatehouse) per measured request. */
  cpuUsPerRequest?: number;
  /** CPU of redis-server per measured request ((d) only). */
  redisCpuUsPerRequest?: number;
  /** CPU used on the machine by processes other than this bench and its servers, in cores, during the measurement. */
  otherCores?: number;
  /** From the request log: lines, and how many ran the authorizer (authorizerCacheHit false) / were allowed by the limiter. */
  log?: { lines: number; authorizerRan: number; limiter: Record<string, number> };
}

async function run(id: string, name: string, target: Started, path: string, headers: Record<string, string> = {}, redisPid?: number): Promise<Row> {
  const url = `${target.url}${path}`;
  await autocannon({ url, headers, connections: 4, duration: 2 }); // warm-up (JIT, pools)
  const cpuBefore = processTreeCpuMs(target.pid);
  const redisBefore = processTreeCpuMs(redisPid);
  const machineBefore = machineBusyMs();
  const oursBefore = processTreeCpuMs(process.pid); // this process and every server it started
  const started = performance.now();
  // Load generation in a worker thread of this process; the servers run in their own processes.
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS, workers: 1 });
  const cpuMs = processTreeCpuMs(target.pid) - cpuBefore;
  const redisMs = processTreeCpuMs(redisPid) - redisBefore;
  const otherMs = machineBusyMs() - machineBefore - (processTreeCpuMs(process.pid) - oursBefore);
  const perRequest = (ms: number) => (Number.isFinite(ms) && r.requests.total > 0 ? (ms * 1000) / r.requests.total : undefined);
  return {
    id, name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors + r.timeouts, requests: r.requests.total,
    cpuUsPerRequest: perRequest(cpuMs), redisCpuUsPerRequest: perRequest(redisMs),
    otherCores: Number.isFinite(otherMs) ? Math.max(0, otherMs) / (performance.now() - started) : undefined,
  };
}

/**
 * CPU milliseconds the whole machine spent in processes (user, nice, system, steal), from
 * /proc/stat; NaN without it. Interrupt time is left out: loopback networking runs there and is
 * charged to no process.
 */
function machineBusyMs(): number {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, , , , , steal] = fields;
    return ((user + nice + system + steal) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
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

/** The bare Node proxy in its own process (this file with the `node-proxy` argument). */
async function startNodeProxy(upstream: string): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, 'node-proxy', String(port), upstream], { cwd: ROOT, stdio: 'ignore' });
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
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid, stop: () => stopChild(child) };
}

/**
 * gateway.config.yaml with every service on `upstream` and a bench tier no limit reaches; the
 * routes keep their `limits` (the default, exact, except `plans`) unless `approximate` puts every
 * route on `limits: approximate` (the authorizer result cache, default TTL 300 s).
 */
function benchConfig(upstream: string, mode: 'exact' | 'approximate'): string {
  const raw = parse(readFileSync(join(ROOT, 'gateway.config.yaml'), 'utf8')) as { services: { name: string }[]; routes: { name: string }[] };
  const overrides = {
    traffic: { steady_rps: 5000, peak_rps: 9000 },
    tiers: [{ name: 'bench', minute: 60_000_000, hour: 600_000_000 }],
    services: raw.services.map((s) => ({ name: s.name, local_url: upstream })),
    ...(mode === 'approximate' ? { routes: raw.routes.map((r) => ({ name: r.name, auth: { limits: 'approximate' } })) } : {}),
  };
  return stringify(mergeOverrides(raw, overrides));
}

const SEED = stringify({ api_keys: [{ key: BENCH_KEY, consumer: 'bench', tier: 'bench' }] });

/** Gatehouse as `npm start` runs it, in its own process; the request log goes to `<name>.log`. */
async function startGatehouse(name: string, dir: string, upstream: string, opts: { mode: 'exact' | 'approximate'; redisUrl?: string }): Promise<Started & { logFile: string }> {
  const config = join(dir, `${name}.yaml`);
  const seed = join(dir, 'seed.yaml');
  const logFile = join(dir, `${name}.log`);
  writeFileSync(config, benchConfig(upstream, opts.mode));
  writeFileSync(seed, SEED);
  writeFileSync(logFile, '');
  const port = await freePort();
  const prof = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [];
  if (CPU_PROF) mkdirSync(CPU_PROF, { recursive: true });
  const out = openSync(logFile, 'a');
  const errFile = join(dir, `${name}.err`);
  const err = openSync(errFile, 'w');
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'local/main.ts', '--config', config, '--seed', seed, '--env', 'dev'], {
    cwd: ROOT,
    // The default account throttle (10,000 rps) would answer part of the load with 429s.
    env: { ...process.env, PORT: String(port), ISSUER_PORT: '0', HOST: '127.0.0.1', REDIS_URL: opts.redisUrl ?? '', LOG: process.env.BENCH_LOG ?? 'on', STAGE_THROTTLE: '1000000/1000000' },
    stdio: ['ignore', out, err],
  });
  await waitForPort(port, child).catch((e: Error) => { throw new Error(`${e.message}\n${readFileSync(errFile, 'utf8').slice(-2000)}`); });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, logFile, stop: () => stopChild(child) };
}

/** What the request log says: one line per request, whether the authorizer ran, the limiter's verdicts. */
function readLog(file: string): NonNullable<Row['log']> {
  const text = readFileSync(file, 'utf8');
  const out = { lines: 0, authorizerRan: 0, limiter: {} as Record<string, number> };
  for (let i = 0, j = text.indexOf('\n'); j >= 0; i = j + 1, j = text.indexOf('\n', i)) {
    out.lines++;
    const line = JSON.parse(text.slice(i, j)) as { authorizerCacheHit?: boolean; limiter?: string };
    if (line.authorizerCacheHit === false) out.authorizerRan++;
    const verdict = line.limiter ?? 'none';
    out.limiter[verdict] = (out.limiter[verdict] ?? 0) + 1;
  }
  return out;
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
    const gatehouse = async (id: string, name: string, mode: 'exact' | 'approximate', redis?: Started) => {
      const g = await startGatehouse(id, dir, upstream.url, { mode, redisUrl: redis?.url });
      const row = await run(id, name, g, '/v1/users', { 'x-api-key': BENCH_KEY }, redis?.pid);
      await g.stop();
      row.log = readLog(g.logFile);
      rows.push(row);
    };
    if (ONLY.has('c')) await gatehouse('c', '(c) Gatehouse, approximate (cache)', 'approximate');
    if (ONLY.has('d')) {
      const redis = await startRedis();
      stops.push(redis.stop);
      await gatehouse('d', '(d) Gatehouse, exact + Redis', 'exact', redis);
      await redis.stop();
    }
    if (ONLY.has('e')) await gatehouse('e', '(e) Gatehouse, exact, in-memory', 'exact');
    if (ONLY.has('f')) {
      const proxy = await startNodeProxy(upstream.url);
      rows.push(await run('f', '(f) bare Node proxy (floor)', proxy, '/v1/users'));
      await proxy.stop();
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  const nginxRps = rows.find((r) => r.id === 'b')?.rps ?? NaN;
  const floorRps = rows.find((r) => r.id === 'f')?.rps ?? NaN;
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    ...header,
    `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per target, GET /v1/users (echo upstream); each server in its own process`,
    `${pad('target', 36)}${pad('req/s', 10)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('x nginx', 9)}${pad('x (f)', 7)}${pad('CPU us/req', 12)}${pad('non-2xx', 9)}other CPU`,
    ...rows.map((r) => `${pad(r.name, 36)}${pad(r.rps.toFixed(0), 10)}${pad(String(r.p50), 8)}${pad(String(r.p99), 8)}${pad((r.rps / nginxRps).toFixed(2), 9)}${pad((r.rps / floorRps).toFixed(2), 7)}${pad(r.cpuUsPerRequest?.toFixed(0) ?? '-', 12)}${pad(String(r.non2xx), 9)}${r.otherCores?.toFixed(2) ?? '-'}`),
  ];
  lines.push('CPU us/req: user + system CPU of the process under test (the upstream for (a), nginx master + worker, the Gatehouse process) per measured request.');
  lines.push('other CPU: cores used by processes outside this benchmark during the row (/proc/stat minus this process tree); above ~0.05 the row was disturbed.');
  // One log line per request is part of the contract; warm-up requests are logged too.
  for (const r of rows) {
    if (r.log) lines.push(`${r.name}: ${r.log.lines} request log lines for ${r.requests} measured requests (plus warm-up); authorizer ran for ${r.log.authorizerRan}; limiter: ${Object.entries(r.log.limiter).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  for (const r of rows) if (r.redisCpuUsPerRequest !== undefined) lines.push(`${r.name}: redis-server CPU ${r.redisCpuUsPerRequest.toFixed(0)} us/req (not in the CPU column)`);
  lines.push('');
  for (const [id, goal] of [['d', 'exact + Redis (issue 10)'], ['c', 'approximate (issue 3)']] as const) {
    const r = rows.find((x) => x.id === id);
    if (r && rows.some((x) => x.id === 'b')) lines.push(`goal (${id}) ${goal} >= 0.5 x nginx: ${r.rps / nginxRps >= 0.5 ? 'met' : 'NOT met'} (${(r.rps / nginxRps).toFixed(2)})`);
  }
  if (rows.some((x) => x.id === 'f') && rows.some((x) => x.id === 'b')) {
    lines.push(`floor: the bare Node proxy (f) itself reaches ${(floorRps / nginxRps).toFixed(2)} x nginx on this machine; a goal above that is out of reach for any Node gateway here.`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `bench/local.ts node-proxy PORT UPSTREAM`: the least a Node gateway does per request: read the
 * request, forward it on a keep-alive undici Pool, send back status, headers and body.
 */
function serveNodeProxy(port: number, upstream: string): void {
  const pool = new Pool(upstream, { connections: 64 });
  const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding']);
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pool.request({ path: req.url ?? '/', method: (req.method ?? 'GET') as Dispatcher.HttpMethod, headers: req.headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
        .then(async (up) => {
          const body = Buffer.from(await up.body.arrayBuffer());
          const headers: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !hopByHop.has(k)) headers[k] = v;
          res.writeHead(up.statusCode, headers).end(body);
        })
        .catch(() => { res.writeHead(502).end(); });
    });
  });
  server.listen(port, '127.0.0.1');
  process.once('SIGTERM', () => { server.close(() => process.exit(0)); void pool.close(); });
}

/** `bench/local.ts upstream PORT`: the sample upstream alone in this process, until SIGTERM. */
async function serveUpstream(port: number): Promise<void> {
  const upstream = await startSampleUpstream('user-service-v1', port);
  const stop = () => { upstream.close().then(() => process.exit(0), () => process.exit(1)); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[2] === 'node-proxy') {
  serveNodeProxy(Number(process.argv[3]), process.argv[4]);
} else if (process.argv[2] === 'upstream') {
  serveUpstream(Number(process.argv[3] ?? 0)).catch((err: Error) => { process.stderr.write(`${err.message}\n`); process.exit(1); });
} else {
  main().then(() => process.exit(0), (err: Error) => { process.stderr.write(`${err.message}\n`); process.exit(1); });
}
