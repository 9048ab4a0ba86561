/**
 * `npm run bench:limits`: are tier limits exact when several gateway instances share one Redis?
 *
 * Two local gateway processes (`local/main.ts`, as `npm start` runs them: gateway.config.yaml, dev,
 * local/seed.yaml, request log on stdout) share one redis-server started here on a free loopback
 * port. Bursts of concurrent `GET /v1/users` (a route with `limits: exact`) of one consumer are
 * split evenly across both processes:
 *   - 200 concurrent requests of the free consumer (tier free: 60/min), five runs, FLUSHALL between;
 *   - 1,000 concurrent requests of the pro consumer (tier pro: 600/min), one run.
 * Per run: admitted (200) against the limit, over-admission, refused (429), and, from the JSON
 * request log lines, how many admissions were `degraded` (Redis not asked in time, fault_tolerant)
 * or refused `unavailable`. Target: admitted = limit, over-admission 0, degraded 0 in every run.
 *
 * Env: BENCH_LIMITS_RUNS (5) free-tier runs. Loopback only; every request is bounded (10 s) and
 * the gateway processes are killed by process group at the end, whatever happens.
 * Not a timed test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, TestRedisServer } from '../test/rate-limit/redis-server';

const ROOT = join(__dirname, '..');
const RUNS = Math.max(1, Number(process.env.BENCH_LIMITS_RUNS ?? 5));
const PATH = '/v1/users';
const REQUEST_TIMEOUT_MS = 10_000;
const CONSUMERS = {
  free: { key: 'ghk_local_free_0000000000000000', limit: 60 },
  pro: { key: 'ghk_local_pro_00000000000000000', limit: 600 },
} as const;
/** Used to warm both processes up (JIT, Redis connection, consumer cache) before the first run. */
const WARM_KEY = 'ghk_local_enterprise_0000000000';

interface LogLine { path?: string; status?: number; consumer?: string; limiter?: string }

interface Gateway {
  name: string;
  url: string;
  child: ChildProcess;
  /** Request log lines for PATH, in arrival order. */
  lines: LogLine[];
  stderr: string[];
}

const children = new Set<ChildProcess>();

/** SIGTERM then SIGKILL to the whole process group of each gateway (tsx runs node as a child). */
function killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of children) {
    if (child.pid === undefined) continue;
    try { process.kill(-child.pid, signal); } catch { /* already gone */ }
  }
}

async function stopAll(): Promise<void> {
  const exits = [...children].map((c) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r()))));
  killAll('SIGTERM');
  const timer = setTimeout(() => killAll('SIGKILL'), 5000);
  await Promise.all(exits);
  clearTimeout(timer);
  children.clear();
}

process.on('exit', () => killAll('SIGKILL'));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { killAll('SIGKILL'); process.exit(130); });

async function waitForPort(port: number, child: ChildProcess, stderr: string[], ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => { const c = connect(port, '127.0.0.1'); c.once('connect', () => { c.destroy(); r(true); }); c.once('error', () => r(false)); });
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode} before listening on ${port}:\n${stderr.join('').slice(-2000)}`);
    if (Date.now() > end) throw new Error(`no gateway listens on ${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startGateway(name: string, redisUrl: string): Promise<Gateway> {
  const port = await freePort();
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['local/main.ts'], {
    cwd: ROOT,
    detached: true, // its own process group: killed as a whole
    env: {
      ...process.env, PORT: String(port), ISSUER_PORT: '0', HOST: '127.0.0.1', REDIS_URL: redisUrl, LOG: 'on',
      // The dev stage throttle would refuse part of a 1,000-request burst before the authorizer counts it.
      STAGE_THROTTLE: '1000000/1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const gw: Gateway = { name, url: `http://127.0.0.1:${port}`, child, lines: [], stderr: [] };
  let rest = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const text = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (!text.startsWith('{')) continue;
      try {
        const line = JSON.parse(text) as LogLine;
        if (line.path === PATH) gw.lines.push(line);
      } catch { /* not a log line */ }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { gw.stderr.push(chunk); if (gw.stderr.length > 200) gw.stderr.shift(); });
  await waitForPort(port, child, gw.stderr);
  return gw;
}

/** One GET on its own connection; resolves with the status (0: no answer within the bound). */
function get(url: string, apiKey: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${url}${PATH}`, { headers: { 'x-api-key': apiKey }, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', () => resolve(0));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve(0));
    req.end();
  });
}

interface RunResult {
  label: string;
  requests: number;
  limit: number;
  admitted: number;
  refused: number;
  other: number;
  perProcess: number[];
  limiter: Record<string, number>;
  ms: number;
}

/** `n` concurrent requests of one consumer, alternating between the gateways; then the log lines they wrote. */
async function burst(label: string, gateways: Gateway[], apiKey: string, n: number, limit: number): Promise<RunResult> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const logStart = gateways.map((g) => g.lines.length);
  const started = performance.now();
  const statuses = await Promise.all(Array.from({ length: n }, (_, i) => get(gateways[i % gateways.length].url, apiKey, agent).then((status) => ({ status, gw: i % gateways.length }))));
  const ms = performance.now() - started;
  agent.destroy();
  // The request log is batched per event-loop turn: wait (bounded) until every answered request is logged.
  const answered = statuses.filter((s) => s.status !== 0).length;
  const until = Date.now() + 5000;
  while (gateways.reduce((a, g, i) => a + g.lines.length - logStart[i], 0) < answered && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const limiter: Record<string, number> = {};
  for (const [i, g] of gateways.entries()) {
    for (const line of g.lines.slice(logStart[i])) limiter[line.limiter ?? 'none'] = (limiter[line.limiter ?? 'none'] ?? 0) + 1;
  }
  return {
    label, requests: n, limit, ms, limiter,
    admitted: statuses.filter((s) => s.status === 200).length,
    refused: statuses.filter((s) => s.status === 429).length,
    other: statuses.filter((s) => s.status !== 200 && s.status !== 429).length,
    perProcess: gateways.map((_, i) => statuses.filter((s) => s.gw === i && s.status === 200).length),
  };
}

async function main(): Promise<void> {
  const [one, five, fifteen] = loadavg().map((l) => l.toFixed(2));
  const header = [
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), node ${process.version}; load average before the run (1/5/15 min): ${one} ${five} ${fifteen}`,
  ];
  process.stderr.write('bench:limits: starting redis-server and two gateway processes\n');
  const server = await TestRedisServer.start();
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  const results: RunResult[] = [];
  let version = '';
  try {
    version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    const gateways = await Promise.all([startGateway('A', server.url), startGateway('B', server.url)]);
    // Warm-up: JIT, the Redis connection (its first call sends the script with EVAL), caches.
    const warm = new Agent({ keepAlive: true, maxSockets: 8 });
    for (let i = 0; i < 200; i++) await Promise.all(gateways.map((g) => get(g.url, WARM_KEY, warm)));
    warm.destroy();
    await new Promise((r) => setTimeout(r, 200));
    for (let run = 1; run <= RUNS; run++) {
      await redis.flushall();
      process.stderr.write(`bench:limits: free run ${run}\n`);
      results.push(await burst(`free run ${run}`, gateways, CONSUMERS.free.key, 200, CONSUMERS.free.limit));
    }
    await redis.flushall();
    process.stderr.write('bench:limits: pro run\n');
    results.push(await burst('pro', gateways, CONSUMERS.pro.key, 1000, CONSUMERS.pro.limit));
  } finally {
    await stopAll();
    redis.disconnect();
    await server.kill();
  }

  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  const lines = [
    ...header,
    `two gateway processes (local/main.ts, dev, request log on), one redis-server ${version} on loopback; GET ${PATH} (limits: exact);`,
    'each burst: all requests at once, each on its own connection, alternating between the two processes; FLUSHALL before each burst',
    `${pad('run', 12)}${pad('requests', 10)}${pad('limit', 7)}${pad('admitted', 10)}${pad('A/B', 9)}${pad('over', 6)}${pad('429', 6)}${pad('other', 7)}${pad('limited', 9)}${pad('degraded', 10)}${pad('unavail.', 10)}${pad('log lines', 11)}ms`,
  ];
  for (const r of results) {
    const logged = Object.values(r.limiter).reduce((a, b) => a + b, 0);
    lines.push(`${pad(r.label, 12)}${pad(r.requests, 10)}${pad(r.limit, 7)}${pad(r.admitted, 10)}${pad(r.perProcess.join('/'), 9)}${pad(Math.max(0, r.admitted - r.limit), 6)}${pad(r.refused, 6)}${pad(r.other, 7)}${pad(r.limiter.limited ?? 0, 9)}${pad(r.limiter.degraded ?? 0, 10)}${pad(r.limiter.unavailable ?? 0, 10)}${pad(logged, 11)}${r.ms.toFixed(0)}`);
  }
  lines.push('over = admitted - limit (over-admission); limited / degraded / unavail. = request log lines with limiter "limited" / "degraded" / "unavailable".');
  const exact = results.every((r) => r.admitted === r.limit && (r.limiter.degraded ?? 0) === 0 && (r.limiter.unavailable ?? 0) === 0 && r.other === 0);
  const over = results.filter((r) => r.admitted > r.limit).length;
  lines.push('', `target admitted = limit, over-admission 0, degraded 0 in every run: ${exact ? 'met' : 'NOT met'} (${over} of ${results.length} runs over the limit)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench:limits failed: ${(err as Error).stack ?? String(err)}\n`);
  killAll('SIGKILL');
  process.exit(1);
});
