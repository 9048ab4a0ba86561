import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../local/dynamodb-seed';
import { freePort, TestRedisServer } from '../rate-limit/redis-server';

// dynalite ships no type declarations; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: { createTableMs?: number }) => Server;

const ROOT = join(__dirname, '../..');
/** The AWS SDK's Node-version notice is not ours: without it a failed start is exactly one line. */
const ENV = { ...process.env, LOG: 'off', NODE_NO_WARNINGS: '1', PORT: '0', ISSUER_PORT: '0' };
/** What must never reach a developer's terminal for bad input. */
const CRASH = /node:events|Unhandled 'error'|^\s+at |Node\.js v\d/m;

interface Run { code: number | null; stderr: string; child: ChildProcess }

/**
 * Starts `script` (local/main.ts by default) as `npm start` does; resolves when it exits, or when
 * stderr matches `until` (the child is then still running: the caller stops it).
 */
function start(env: Record<string, string | undefined>, args: string[] = [], until?: RegExp, script = 'local/main.ts'): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: { ...ENV, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve({ code: -1, stderr: `${stderr}\n(hung: killed after 30 s)`, child }); }, 30_000);
    child.stderr!.on('data', (d) => {
      stderr += String(d);
      if (until?.test(stderr)) { clearTimeout(timer); resolve({ code: null, stderr, child }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, stderr, child }); });
  });
}

async function stop(run: Run): Promise<void> {
  if (run.child.exitCode !== null) return;
  const exited = new Promise((r) => run.child.once('exit', r));
  run.child.kill('SIGTERM');
  await exited;
}

/** Expects exit code 1 and exactly this one line on stderr (no stack trace). */
async function refuses(env: Record<string, string | undefined>, line: string | RegExp, args: string[] = [], script?: string): Promise<void> {
  const run = await start(env, args, undefined, script);
  expect(run.stderr).not.toMatch(CRASH);
  if (typeof line === 'string') expect(run.stderr).toBe(`${line}\n`);
  else expect(run.stderr).toMatch(line);
  expect(run.code).toBe(1);
}

describe('npm start: a listen failure is one line naming the variable (A6)', () => {
  let taken: Server;
  let takenPort: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    takenPort = (taken.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => taken.close(r)));

  it('HOST that does not resolve', async () => {
    await refuses({ HOST: '999.1.1.1' }, 'HOST=999.1.1.1: cannot listen there: the name or address does not resolve (ENOTFOUND); use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0');
  }, 40_000);

  it('HOST that is not an address of this machine', async () => {
    await refuses({ HOST: '192.0.2.1' }, /^HOST=192\.0\.2\.1: cannot listen on 192\.0\.2\.1:0: not an address of this machine \(EADDRNOTAVAIL\); use e\.g\. 127\.0\.0\.1 or 0\.0\.0\.0\n$/);
  }, 40_000);

  it('ISSUER_PORT taken, including when it defaults to PORT + 1', async () => {
    await refuses({ ISSUER_PORT: String(takenPort) }, `ISSUER_PORT=${takenPort}: cannot start the local OAuth issuer on 127.0.0.1:${takenPort}: the port is already in use; set ISSUER_PORT to a free port (0: any free port)`);
    await refuses({ PORT: String(takenPort - 1), ISSUER_PORT: undefined }, new RegExp(`^ISSUER_PORT \\(not set: PORT \\+ 1 = ${takenPort}\\): cannot start the local OAuth issuer on 127\\.0\\.0\\.1:${takenPort}: the port is already in use`));
  }, 60_000);

  it('PORT taken', async () => {
    await refuses({ PORT: String(takenPort) }, `PORT=${takenPort}: cannot start the gateway on 127.0.0.1:${takenPort}: the port is already in use; set PORT to a free port (0: any free port)`);
  }, 40_000);
});

describe('npm start: PORT / ISSUER_PORT / REDIS_URL / DYNAMODB_ENDPOINT checked before anything starts (C1-C3)', () => {
  it('names the variable and the value as typed', async () => {
    await refuses({ PORT: '99999', ISSUER_PORT: 'abc', REDIS_URL: 'redis://127.0.0.1:99999', DYNAMODB_ENDPOINT: 'notaurl' }, [
      'Invalid environment (4 problems)',
      '  PORT: "99999" is not a port; expected an integer from 0 to 65535 (0: any free port)',
      '  ISSUER_PORT: "abc" is not a port; expected an integer from 0 to 65535 (0: any free port)',
      '  REDIS_URL: "redis://127.0.0.1:99999" is not a valid URL (port 99999 is above 65535); expected redis://HOST[:PORT][/DB] or rediss://HOST[:PORT][/DB], e.g. redis://127.0.0.1:6379',
      '  DYNAMODB_ENDPOINT: "notaurl" is not an endpoint URL; expected an http:// or https:// URL, e.g. http://127.0.0.1:4567 (dynalite)',
    ].join('\n'));
  }, 40_000);

  it('starts with a well-formed REDIS_URL that does not answer, but says so and what fault_tolerant does', async () => {
    const port = await freePort();
    const run = await start({ REDIS_URL: `redis://127.0.0.1:${port}` }, [], /WARNING REDIS_URL[^\n]*\n/);
    try {
      expect(run.code).toBeNull();
      expect(run.stderr).toContain(`WARNING REDIS_URL=redis://127.0.0.1:${port}: Redis does not answer (connect ECONNREFUSED 127.0.0.1:${port}); rate limiting runs degraded: rate_limiting.fault_tolerant is true`);
      expect(run.stderr).toContain('curl -s'); // it serves
    } finally {
      await stop(run);
    }
  }, 40_000);

  it('says so when Redis refuses part of REDIS_URL (a database it does not have) instead of running on database 0 silently', async () => {
    const redis = await TestRedisServer.start();
    const run = await start({ REDIS_URL: `${redis.url}/99` }, [], /WARNING REDIS_URL[^\n]*\n/);
    try {
      expect(run.stderr).toContain(`WARNING REDIS_URL=${redis.url}/99: Redis answered the connection with an error (ERR DB index is out of range)`);
    } finally {
      await stop(run);
      await redis.kill();
    }
  }, 40_000);

  it('refuses an unreachable DYNAMODB_ENDPOINT and a missing table with one line each', async () => {
    const down = await freePort();
    await refuses({ DYNAMODB_ENDPOINT: `http://127.0.0.1:${down}` }, `DYNAMODB_ENDPOINT=http://127.0.0.1:${down}: cannot connect (connect ECONNREFUSED 127.0.0.1:${down}); start dynalite (npx dynalite --port 4567) or fix the URL`);
    const db = dynalite({ createTableMs: 0 });
    await new Promise<void>((r) => db.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
    try {
      await refuses({ DYNAMODB_ENDPOINT: endpoint, CONSUMERS_TABLE_NAME: 'no-such-table' },
        `CONSUMERS_TABLE_NAME=no-such-table: no such table at DYNAMODB_ENDPOINT=${endpoint}; create and seed it with: DYNAMODB_ENDPOINT=${endpoint} CONSUMERS_TABLE_NAME=no-such-table npx tsx local/dynamodb-seed.ts`);
    } finally {
      db.closeAllConnections();
      await new Promise((r) => db.close(r));
    }
  }, 60_000);
});

describe('seed files (C4)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-seed-start-'));
  const seedFile = (name: string, text: string) => { const path = join(dir, name); writeFileSync(path, text); return path; };
  const KEYS = 'api_keys:\n  - { key: ghk_local_same_00000000000000000, consumer: one, tier: free }\n  - { key: ghk_local_same_00000000000000000, consumer: two, tier: pro }\n';

  it('npm start names the seed file and line of a YAML error', async () => {
    const file = seedFile('tab.yaml', 'api_keys:\n\t- { key: x }\n');
    await refuses({}, `Invalid seed file\n  ${file}:2: YAML syntax: Tabs are not allowed as indentation\n`.trimEnd(), ['--seed', file]);
  }, 40_000);

  it('local/dynamodb-seed.ts refuses the same seed before writing anything', async () => {
    const file = seedFile('same-key.yaml', KEYS);
    const db = dynalite({ createTableMs: 0 });
    await new Promise<void>((r) => db.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;
    const client = localDynamoClient(endpoint);
    try {
      await refuses({ DYNAMODB_ENDPOINT: endpoint, CONSUMERS_TABLE_NAME: 'seeded' },
        `Invalid seed file\n  ${file}:3 api_keys[1].key: the same key as api_keys[0] (consumer one); each key must be unique, or one record would silently replace the other`,
        ['--seed', file], 'local/dynamodb-seed.ts');
      await expect(client.send(new DescribeTableCommand({ TableName: 'seeded' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    } finally {
      client.destroy();
      db.closeAllConnections();
      await new Promise((r) => db.close(r));
    }
  }, 40_000);
});

describe('npm start: config mistakes name its own flags', () => {
  it('an unknown --env is reported with --env NAME, not the synth flag', async () => {
    await refuses({ PORT: '0' }, 'Invalid gateway config\n  gateway.config.yaml environments: no environment "qa" (selected with --env NAME); defined environments: dev, prod', ['--env', 'qa']);
  }, 40_000);
});
