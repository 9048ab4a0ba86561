import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { DemoCredentials } from '../../local/demo';
import { freePort } from '../rate-limit/redis-server';
import { alive, cleanEnv, collect, descendants, eventually, gatehouse, gatehouseAsync, ROOT, STACK_TRACE } from './support';
import { runPrintedBlock } from '../support/printed-block';

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

interface Started { readonly child: ChildProcess; readonly port: number; readonly issuerPort: number; stderr(): string }

/** `npm start ARGS` or `npx gatehouse start ARGS` on free ports, once it prints its examples. */
async function start(how: 'npm start' | 'npx gatehouse start', args: string[] = [], ownGroup = false): Promise<Started> {
  const port = await freePort();
  const issuerPort = await freePort();
  const [command, ...first] = how === 'npm start' ? ['npm', 'start', ...(args.length ? ['--'] : [])] : ['npx', 'gatehouse', 'start'];
  const child = spawn(command, [...first, ...args], {
    cwd: ROOT, env: cleanEnv({ PORT: String(port), ISSUER_PORT: String(issuerPort), LOG: 'off' }), stdio: ['ignore', 'ignore', 'pipe'], detached: ownGroup,
  });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += String(d); });
  await eventually(() => stderr.includes('curl -sS') || child.exitCode !== null, 60_000);
  if (!stderr.includes('curl -sS')) throw new Error(`${how} did not start:\n${stderr}`);
  return { child, port, issuerPort, stderr: () => stderr };
}

/** Starts, signals `target` (the top process, or its whole group as Ctrl-C does), expects every process gone and the ports free. */
async function stopsOn(how: 'npm start' | 'npx gatehouse start', signal: NodeJS.Signals, target: 'top process' | 'process group'): Promise<void> {
  const { child, port, issuerPort } = await start(how, [], target === 'process group');
  const below = descendants(child.pid!);
  try {
    expect(below.length).toBeGreaterThan(0);
    expect(await listening(port)).toBe(true);
    expect(await listening(issuerPort)).toBe(true);
    if (target === 'top process') child.kill(signal);
    else process.kill(-child.pid!, signal);
    expect(await eventually(() => below.every((pid) => !alive(pid)), 15_000)).toBe(true);
    expect(await listening(port)).toBe(false);
    expect(await listening(issuerPort)).toBe(false);
  } finally {
    for (const pid of below) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

describe('stopping the process that npm start or npx gatehouse start runs stops the gateway', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('npm start: %s to the npm process', (signal) => stopsOn('npm start', signal, 'top process'), 90_000);
  it('npx gatehouse start: SIGTERM to the npx process', () => stopsOn('npx gatehouse start', 'SIGTERM', 'top process'), 90_000);
  it('npx gatehouse start: SIGINT to its process group (Ctrl-C)', () => stopsOn('npx gatehouse start', 'SIGINT', 'process group'), 90_000);
});

describe('gatehouse start', () => {
  it('writes the live credentials to --credentials-file once it listens, and removes the file when it stops', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-creds-')), 'credentials.json');
    const { child, port } = await start('npx gatehouse start', ['--credentials-file', file]);
    const below = descendants(child.pid!);
    try {
      const credentials = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
      expect(credentials.gateway).toBe(`http://127.0.0.1:${port}`);
      expect(credentials.serving.config).toBe('gateway.config.yaml (default)');
      const key = credentials.apiKeys.find((k) => k.status === 'active')!.key;
      const res = await fetch(`${credentials.gateway}/v1/users`, { headers: { 'x-api-key': key } });
      expect(res.status).toBe(200);
      child.kill('SIGTERM');
      expect(await eventually(() => below.every((pid) => !alive(pid)), 15_000)).toBe(true);
      expect(existsSync(file)).toBe(false);
    } finally {
      for (const pid of below) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 90_000);

  it('--print-credentials prints JSON only, without the addresses of the gateway it stopped', async () => {
    const run = await gatehouseAsync(['start', '--print-credentials']);
    expect(run.status).toBe(0);
    const credentials = JSON.parse(run.stdout) as Record<string, unknown> & { apiKeys: { key: string }[]; issuers: unknown[] };
    expect(Object.keys(credentials)).not.toEqual(expect.arrayContaining(['gateway']));
    expect(credentials).not.toHaveProperty('upstreams');
    expect(credentials).not.toHaveProperty('issuer');
    expect(credentials.apiKeys.length).toBeGreaterThan(0);
    for (const issuer of credentials.issuers) expect(Object.keys(issuer as object).sort()).toEqual(['audience', 'name']);
    expect(run.stdout).not.toMatch(/"(url|tokenEndpoint|discovery)":/);
  }, 60_000);

  it('refuses --credentials-file with --print-credentials, exit 2', () => {
    expect(gatehouse(['start', '--print-credentials', '--credentials-file', 'x.json'])).toMatchObject({
      status: 2, stderr: "error: option '--credentials-file <file>' cannot be used with option '--print-credentials'\n(add --help for usage)\n",
    });
  });

  it('refuses an invalid config, an unknown environment and a bad variable with exit 1 and no stack trace', async () => {
    const qa = await gatehouseAsync(['start', '--env', 'qa'], { PORT: '0' });
    expect(qa).toEqual({ status: 1, stdout: '', stderr: 'Invalid gateway config\n  gateway.config.yaml environments: no environment "qa" (selected with --env NAME); defined environments: dev, prod\n' });
    const port = await gatehouseAsync(['start'], { PORT: '99999' });
    expect(port).toEqual({ status: 1, stdout: '', stderr: 'Invalid environment\n  PORT: "99999" is not a port; expected an integer from 0 to 65535 (0: any free port)\n' });
    const missing = await gatehouseAsync(['start', '-c', 'no/such.yaml'], { PORT: '0' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).not.toMatch(STACK_TRACE);
  }, 60_000);

  it('--watch reloads an edited config on the same ports with the same issuer keys, and keeps serving through an edit that does not load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-watch-'));
    const config = join(dir, 'gateway.config.yaml');
    const file = join(dir, 'credentials.json');
    copyFileSync(join(ROOT, 'gateway.config.yaml'), config);
    const started = await start('npx gatehouse start', ['--config', config, '--watch', '--credentials-file', file]);
    const below = descendants(started.child.pid!);
    try {
      const before = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
      const key = before.apiKeys.find((k) => k.consumer === 'demo-free')!.key;
      const client = before.oauthClients.find((c) => c.clientId === 'partner-batch')!;
      const token = await fetch(before.issuer!.tokenEndpoint, {
        method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&scope=${encodeURIComponent(client.scope)}`,
      }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
      const get = (path: string, headers: Record<string, string>) => fetch(`${before.gateway}${path}`, { headers }).then((r) => r.status);
      expect(await get('/v2/users', { authorization: `Bearer ${token}` })).toBe(200);
      expect(await get('/v1/books', { 'x-api-key': key })).toBe(403); // no such resource: API Gateway's Missing Authentication Token

      const raw = parse(readFileSync(config, 'utf8')) as { routes: Record<string, unknown>[] };
      raw.routes.push({ name: 'books', paths: ['/v1/books'], methods: ['GET'], service: (raw.routes[0] as { service: string }).service, auth: { strategies: ['api_key'] } });
      writeFileSync(config, stringify(raw));
      expect(await eventually(() => started.stderr().includes('--watch: reloaded'), 20_000)).toBe(true);
      const after = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
      expect([after.gateway, after.issuer!.url]).toEqual([before.gateway, before.issuer!.url]);
      expect(await get('/v1/books', { 'x-api-key': key })).toBe(200);
      expect(await get('/v2/users', { authorization: `Bearer ${token}` })).toBe(200); // issued before the reload

      writeFileSync(config, 'name: broken\ntiers: 5\n');
      expect(await eventually(() => started.stderr().includes('does not load; still serving the previous version'), 20_000)).toBe(true);
      expect(started.stderr()).toMatch(/--watch: .*gateway\.config\.yaml changed but does not load/);
      expect(await get('/v1/books', { 'x-api-key': key })).toBe(200);
    } finally {
      started.child.kill('SIGTERM');
      await eventually(() => below.every((pid) => !alive(pid)), 15_000);
      for (const pid of below) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);

  it('local/main.ts run as a script is gatehouse start (tests and benchmarks run it so)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', '--help'], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const run = await collect(child);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: gatehouse start \[options\]/);
  }, 30_000);
});

describe('the commands a started gateway prints work as printed (the README\'s first screen)', () => {
  it.each([
    ['npm start', []],
    ['npx gatehouse start', ['--config', 'examples/ecommerce.yaml', '--env', 'staging']],
    ['npx gatehouse start', ['--config', 'examples/fintech-startup.yaml', '--env', 'prod']],
  ] as const)('%s %s', async (how, args) => {
    const started = await start(how, [...args]);
    try {
      await eventually(() => started.stderr().includes('# Request log'), 10_000);
      const text = started.stderr();
      const block = text.slice(text.indexOf('# Gatehouse local gateway'), text.indexOf('\n', text.indexOf('# Request log')));
      const calls = block.split('\n').filter((l) => l.startsWith('curl ')).length;
      const run = await runPrintedBlock(block);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(calls).toBeGreaterThan(1);
      expect(run.stdout.trim().split('\n')).toHaveLength(calls);
    } finally {
      started.child.kill('SIGTERM');
      await eventually(() => started.child.exitCode !== null, 15_000);
    }
  }, 120_000);
});

/** The shipped two-region config: examples/fintech-startup.yaml prod runs on eu-west-2 and eu-west-1. */
function twoRegionConfig(): string {
  return join(ROOT, 'examples/fintech-startup.yaml');
}

/** The regions' gateways a banner names: region -> URL. */
function regionUrls(banner: string): Record<string, string> {
  return Object.fromEntries([...banner.matchAll(/^# {3}region ([a-z0-9-]+)(?: \(primary\))? on (http:\/\/\S+)$/gm)].map((m) => [m[1], m[2]]));
}

describe('gatehouse start with two or more regions', () => {
  it('starts one gateway per region of the environment behind the edge router on PORT, prints every URL, and its printed calls work through the router', async () => {
    const started = await start('npx gatehouse start', ['--config', twoRegionConfig(), '--env', 'prod']);
    try {
      await eventually(() => started.stderr().includes('# Request log'), 10_000);
      const text = started.stderr();
      const router = `http://127.0.0.1:${started.port}`;
      expect(text).toContain(`# Gatehouse local gateway (prod) on ${router}: the edge router (stands in for CloudFront + Route 53) in front of 2 regions\n`);
      expect(text).toMatch(/^# {3}region eu-west-2 \(primary\) on http:\/\/127\.0\.0\.1:\d+\n# {3}region eu-west-1 on http:\/\/127\.0\.0\.1:\d+\n# {3}routing latency \(all regions as near here: primary first\): DNS TTL 60 s; GET \/_gatehouse\/health on each region every 10 s \(timeout 2 s\), out of rotation at 3 failed of the last 6 probes, back when fewer fail\n/m);
      expect(text).toContain(`# Regions in rotation and the cached DNS answers: curl -sS ${router}/_gatehouse/twin/regions\n`);
      const urls = regionUrls(text);
      expect(Object.keys(urls)).toEqual(['eu-west-2', 'eu-west-1']);
      for (const [region, url] of Object.entries(urls)) {
        const res = await fetch(`${url}/_gatehouse/health`);
        expect([res.status, await res.json()]).toEqual([200, { status: 'ok', region }]);
      }
      expect((await fetch(`${router}/_gatehouse/health`)).status).toBe(404); // the edge web ACL's GatewayPaths rule

      const block = text.slice(text.indexOf('# Gatehouse local gateway'), text.indexOf('\n', text.indexOf('# Request log')));
      const run = await runPrintedBlock(block);
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(run.stdout).toContain('"region":"eu-west-2"');
      expect(run.stdout).not.toContain('"region":"eu-west-1"');
    } finally {
      started.child.kill('SIGTERM');
      await eventually(() => started.child.exitCode !== null, 15_000);
    }
  }, 120_000);

  it('--regions runs any config on the regions listed, the first as primary; --time-scale is shown', async () => {
    const started = await start('npx gatehouse start', ['--regions', 'eu-west-1,us-east-1,ap-southeast-2', '--time-scale', '0.1']);
    try {
      const text = started.stderr();
      expect(Object.keys(regionUrls(text))).toEqual(['eu-west-1', 'us-east-1', 'ap-southeast-2']);
      expect(text).toContain('#   time scale 0.1 (the edge router\'s timers only): TTL 6 s, a probe every 1 s (timeout 200 ms), period 6 s\n');
      const status = await fetch(`http://127.0.0.1:${started.port}/_gatehouse/twin/regions`).then((r) => r.json() as Promise<{ regions: { region: string; primary: boolean; inRotation: boolean }[] }>);
      expect(status.regions.map((r) => [r.region, r.primary, r.inRotation])).toEqual([['eu-west-1', true, true], ['us-east-1', false, true], ['ap-southeast-2', false, true]]);
    } finally {
      started.child.kill('SIGTERM');
      await eventually(() => started.child.exitCode !== null, 15_000);
    }
  }, 90_000);

  it('refuses a region list that is not one (exit 2), and a time scale or Redis URLs that do not fit the regions (exit 1)', async () => {
    expect(gatehouse(['start', '--regions', 'eu-west-1,eu-west-1'])).toMatchObject({
      status: 2, stderr: "error: option '--regions <list>' argument 'eu-west-1,eu-west-1' is invalid. eu-west-1 is listed twice; each region gets one gateway\n(add --help for usage)\n",
    });
    expect(gatehouse(['start', '--regions', 'eu-west-1,Frankfurt']).stderr).toContain('"Frankfurt" is not a region; expected AWS regions like eu-west-2,eu-west-1 (primary first)');
    expect(gatehouse(['start', '--time-scale', '2'])).toMatchObject({ status: 2 });
    const oneRegion = await gatehouseAsync(['start', '--time-scale', '0.1'], { PORT: '0' });
    expect(oneRegion).toEqual({ status: 1, stdout: '', stderr: '--time-scale: scales the edge router of a multi-region twin, but environment dev has one region (eu-west-1); list two or more with --regions\n' });
    const oneRedis = await gatehouseAsync(['start', '--config', twoRegionConfig(), '--env', 'prod'], { PORT: '0', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(oneRedis.status).toBe(1);
    expect(oneRedis.stderr).toBe('Invalid environment\n  REDIS_URL: one URL for 2 regions (eu-west-2, eu-west-1); counters and breaker records are per region (one cache per region deployed), so give one Redis per region, comma-separated in region order, e.g. redis://127.0.0.1:6379/0,redis://127.0.0.1:6379/1 (databases of one server work), or unset REDIS_URL for an in-memory limiter per region\n');
  }, 60_000);
});
