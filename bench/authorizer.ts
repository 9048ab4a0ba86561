/**
 * `npm run bench:authorizer`: in one run, side by side,
 *   1. warm handler throughput and p50/p99 per credential type (the middy + Powertools handler
 *      around the authorizer with in-memory seams, one invocation at a time as in a Lambda
 *      environment), next to bare aws-jwt-verify `verifySync` on the same token, with the ratio;
 *   2. Redis round trips per limited request against a redis-server started here on a free
 *      loopback port (counted with MONITOR), and the JWT path's throughput with the Redis limiter;
 *   3. the exact path (`limits: exact`: the authorizer on every request): the handler as deployed
 *      (createHandler around createAuthorizer, CachingTokenVerifier in front of IssuerVerifier,
 *      RedisRateLimiter against the same redis-server) with a Cognito RS256 bearer, one invocation
 *      at a time, next to the reference "bare aws-jwt-verify verifySync + one EVALSHA of the same
 *      script with the same keys" on its own ioredis connection; once with the same token on every
 *      call (a consumer during its token's lifetime: token cache hits) and once with a distinct
 *      token per call (a pre-signed pool larger than the token cache: every token verified);
 *      reference and handler alternate, BENCH_ROUNDS times each, medians compared;
 *   4. the deploy bundle (lambdas/authorizer/bundling.ts, the options the CDK uses) - size, what
 *      takes the space, import + init time in a fresh node - next to a bundle holding only
 *      aws-jwt-verify.
 * Targets: (issue 3) JWT path >= 0.5x bare verifySync; exactly 1 round trip; bundle <= 250 KB;
 * (issue 10) exact path >= 0.8x bare verifySync + one EVALSHA, per row.
 * Env: BENCH_SECONDS (2) per measurement, BENCH_ROUNDS (3) for the exact path. Loopback only.
 * Not a timed test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { build, type Metafile } from 'esbuild';
import Redis from 'ioredis';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { createAuthorizer, type Authorize } from '../lambdas/authorizer/authorizer';
import { AUTHORIZER_BUNDLE_BUDGET_BYTES, authorizerEsbuildOptions } from '../lambdas/authorizer/bundling';
import { toAuthorizerConfig, type AuthorizerConfig } from '../lambdas/authorizer/config';
import { CachingConsumerStore } from '../lambdas/authorizer/consumer-store';
import { createHandler } from '../lambdas/authorizer/handler';
import { recordKeyCache, recordOutcome } from '../lambdas/authorizer/observability';
import { IssuerVerifier } from '../lambdas/authorizer/token-verifier';
import { loadConfigFile } from '../lib/checks/load';
import { AUTHORIZER_ENV, AUTHORIZER_MEMORY_MB } from '../lib/contract/authorizer-env';
import { defaultJwksUri } from '../lib/contract/issuers';
import { InMemoryRateLimiter } from '../lib/rate-limit/memory-limiter';
import { tierWindows, type RateLimiter } from '../lib/rate-limit/rate-limiter';
import { RedisRateLimiter } from '../lib/rate-limit/redis-limiter';
import { SCRIPT_STATUS, SLIDING_WINDOW_SCRIPT } from '../lib/rate-limit/redis-script';
import { CachingTokenVerifier } from '../lambdas/authorizer/token-cache';
import { requestEvent } from '../test/authorizer/events';
import { API_KEYS, CLIENTS, cognitoClaims, consumers, keyPair, POOL, sign, testConfig, type Keys } from '../test/authorizer/fixtures';
import { TestRedisServer } from '../test/rate-limit/redis-server';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const ROOT = resolve(__dirname, '..');
const PARTNERS_ISS = 'https://idp.partners.example.com';
const INIT_RUNS = 5;

interface Stats { ops: number; p50: number; p99: number }

/** Calls `fn` back to back for SECONDS (after a short warm-up); latencies in microseconds. */
async function measure(fn: () => unknown): Promise<Stats> {
  const warmUntil = performance.now() + Math.min(500, SECONDS * 250);
  while (performance.now() < warmUntil) await fn();
  const samples = new Float64Array(4_000_000);
  let n = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let t = start;
  while (t < end && n < samples.length) {
    await fn();
    const t2 = performance.now();
    samples[n++] = (t2 - t) * 1000;
    t = t2;
  }
  const sorted = samples.subarray(0, n).sort();
  return { ops: n / ((t - start) / 1000), p50: sorted[Math.floor(n * 0.5)], p99: sorted[Math.floor(n * 0.99)] };
}

/** Powertools writes one decision line + one EMF line per invocation: counted, not printed. */
function quietStdout<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  return fn().finally(() => { process.stdout.write = write; });
}

const CONTEXT = {
  awsRequestId: 'bench', functionName: 'authorizer', functionVersion: '$LATEST', memoryLimitInMB: String(AUTHORIZER_MEMORY_MB),
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:authorizer', getRemainingTimeInMillis: () => 3000,
} as unknown as Context;

interface Case { name: string; event: APIGatewayRequestAuthorizerEvent; bare?: () => unknown }

function benchConfig(): AuthorizerConfig {
  const base = testConfig(PARTNERS_ISS);
  // Limits no run can reach: every request is admitted and counted (the allow path).
  return { ...base, tiers: base.tiers.map((t) => ({ ...t, minute: 1e12, hour: 1e12 })) };
}

function handlerWith(config: AuthorizerConfig, cognito: Keys, partners: Keys, limiter: RateLimiter) {
  const tokens = new IssuerVerifier({
    issuers: config.issuers,
    cognito: { userPoolId: POOL, clientIds: Object.values(CLIENTS) },
    jwks: { cognito: { keys: [cognito.jwk as never] }, partners: { keys: [partners.jwk as never] } },
  });
  const store = new CachingConsumerStore(consumers(), { ttlSeconds: config.apiKeys.cache_seconds, onLookup: recordKeyCache });
  const authorize: Authorize = createAuthorizer({
    config, tokens, consumers: store, limiter, onOutcome: recordOutcome,
    cognitoClientNames: Object.fromEntries(Object.entries(CLIENTS).map(([n, id]) => [id, n])),
  });
  const handler = createHandler(async () => authorize);
  return { handler: (event: APIGatewayRequestAuthorizerEvent) => handler(event, CONTEXT), authorize };
}

async function cases(cognito: Keys, partners: Keys): Promise<Case[]> {
  const now = Math.floor(Date.now() / 1000);
  const cognitoToken = await sign(cognito, cognitoClaims());
  const partnerToken = await sign(partners, {
    iss: PARTNERS_ISS, aud: 'gatehouse-api', sub: 'svc-42', azp: 'partner-app', scp: ['partners:read'],
    groups: ['partner-readers'], plan: 'pro', org: 'initech', iat: now, exp: now + 3600,
  }, { typ: 'at+jwt' });
  const bareCognito = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'access', clientId: Object.values(CLIENTS) });
  bareCognito.cacheJwks({ keys: [cognito.jwk as never] });
  const barePartner = JwtVerifier.create({ issuer: PARTNERS_ISS, audience: 'gatehouse-api', jwksUri: defaultJwksUri(PARTNERS_ISS) });
  barePartner.cacheJwks({ keys: [partners.jwk as never] });
  return [
    { name: 'API key (in-memory store)', event: requestEvent({ path: '/v1/users', headers: { 'x-api-key': API_KEYS.enterprise } }) },
    { name: 'Cognito JWT RS256', event: requestEvent({ path: '/v2/users', headers: { Authorization: `Bearer ${cognitoToken}` } }), bare: () => bareCognito.verifySync(cognitoToken) },
    { name: 'external issuer JWT RS256', event: requestEvent({ path: '/v1/partners', headers: { Authorization: `Bearer ${partnerToken}` } }), bare: () => barePartner.verifySync(partnerToken) },
    { name: 'mTLS (subject DN)', event: requestEvent({ method: 'POST', path: '/internal/billing', clientCert: { subjectDN: 'CN=billing-service,OU=internal,O=Example Corp', serialNumber: '0a1b2c' } }) },
    { name: 'anonymous', event: requestEvent({ path: '/status' }) },
  ];
}

/** Fails loudly if a case does not take the allow path (the figures would mean nothing). */
async function assertAllowed(name: string, call: () => Promise<APIGatewayAuthorizerResult>): Promise<void> {
  const result = await quietStdout(call);
  const effect = (result.policyDocument.Statement[0] as { Effect?: string } | undefined)?.Effect;
  if (effect !== 'Allow' || result.context?.reason) throw new Error(`${name}: expected Allow, got ${effect} ${JSON.stringify(result.context)}`);
}

/** Commands clients sent (script-internal calls excluded) while `fn` ran, from a MONITOR connection (server-side truth). */
async function countCommands(redis: RedisRateLimiter, fn: () => Promise<void>): Promise<Map<string, number>> {
  const monitor = await redis.redis.duplicate().monitor();
  const seen = new Map<string, number>();
  let counting = true;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!counting || source === 'lua') return; // lua: run by the script on the server, not a round trip
    const name = String(args[0]).toUpperCase();
    seen.set(name, (seen.get(name) ?? 0) + 1);
  });
  await new Promise((r) => setTimeout(r, 50));
  await fn();
  await new Promise((r) => setTimeout(r, 100)); // MONITOR lines trail the replies
  counting = false; // lines of the next measurement may arrive before the server drops this client
  monitor.disconnect();
  return seen;
}

// ---------------------------------------------------------------- exact path

interface ExactRow {
  name: string;
  /** Cores used by processes outside this one and its redis-server during the row (max over rounds). */
  otherCores: number;
  /** Per round, alternating: reference first, then the handler. */
  reference: Stats[];
  handler: Stats[];
  /** Token cache hits / lookups during the handler's measurements. */
  hits: number;
  lookups: number;
}

/**
 * Starts counting the CPU of processes other than this one and its children (the redis-server):
 * the returned function gives the cores they used since (NaN without /proc). Interrupt time is
 * left out (loopback networking runs there, charged to no process).
 */
function otherCpu(): () => number {
  const ticks = 100; // USER_HZ on Linux
  const machine = () => {
    const [, user, nice, system, , , , , steal] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).map(Number);
    return ((user + nice + system + steal) * 1000) / ticks;
  };
  const ours = () => {
    const self = (pid: number) => { const st = readFileSync(`/proc/${pid}/stat`, 'utf8'); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); return ((Number(f[11]) + Number(f[12])) * 1000) / ticks; };
    let ms = self(process.pid);
    for (const task of readdirSync(`/proc/${process.pid}/task`)) {
      for (const child of readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean)) ms += self(Number(child));
    }
    return ms;
  };
  try {
    const m0 = machine(); const o0 = ours(); const t0 = performance.now();
    return () => { try { return Math.max(0, machine() - m0 - (ours() - o0)) / (performance.now() - t0); } catch { return NaN; } };
  } catch {
    return () => NaN;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medianStats = (xs: Stats[]): Stats => ({ ops: median(xs.map((x) => x.ops)), p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)) });

/**
 * A pool of Cognito access tokens that differ only in `jti` (same user, same client: the same
 * rate-limit key), larger than what CachingTokenVerifier holds by default, so that cycling through
 * it in order misses on every call (the oldest entry is always the one evicted).
 */
async function tokenPool(cognito: Keys): Promise<string[]> {
  const first = await sign(cognito, cognitoClaims({ jti: 'pool-0' }));
  // CachingTokenVerifier's own estimate of an entry (lambdas/authorizer/token-cache.ts), against its default 8 MiB.
  const entryBytes = 2 * first.length + JSON.stringify(cognitoClaims({ jti: 'pool-0' })).length + 64;
  const size = Math.ceil((8 * 1024 * 1024) / entryBytes * 1.2);
  const pool = [first];
  for (let i = 1; i < size; i++) pool.push(await sign(cognito, cognitoClaims({ jti: `pool-${i}` })));
  return pool;
}

/**
 * The exact path next to its reference, same redis-server. The reference is the irreducible work
 * of one decision: aws-jwt-verify `verifySync` of the token, then one EVALSHA of the limiter's own
 * script with the keys and arguments RedisRateLimiter would send for this consumer (2 windows:
 * 4 keys), on a plain ioredis connection of its own, one at a time.
 */
async function exactPath(config: AuthorizerConfig, cognito: Keys, partners: Keys, redisUrl: string): Promise<{ rows: ExactRow[]; keys: string[]; tokens: number; cacheBytes: number }> {
  process.stderr.write('bench:authorizer: exact path: signing a pool of distinct tokens\n');
  const pool = await tokenPool(cognito);
  const sameToken = pool[0];

  // The handler as deployed (runtime.ts): CachingTokenVerifier in front of IssuerVerifier.
  let hits = 0;
  let lookups = 0;
  const tokens = new CachingTokenVerifier(new IssuerVerifier({
    issuers: config.issuers,
    cognito: { userPoolId: POOL, clientIds: Object.values(CLIENTS) },
    jwks: { cognito: { keys: [cognito.jwk as never] }, partners: { keys: [partners.jwk as never] } },
  }), { onLookup: (hit) => { lookups++; if (hit) hits++; } });
  const limiter = RedisRateLimiter.fromUrl(redisUrl, { timeoutMs: config.rateLimiting.redis_timeout_ms, faultTolerant: false });
  if (!(await limiter.ready(1000))) throw new Error(`redis-server on ${redisUrl} did not answer within 1 s`);
  const store = new CachingConsumerStore(consumers(), { ttlSeconds: config.apiKeys.cache_seconds, onLookup: recordKeyCache });
  const authorize = createAuthorizer({
    config, tokens, consumers: store, limiter, onOutcome: recordOutcome,
    cognitoClientNames: Object.fromEntries(Object.entries(CLIENTS).map(([n, id]) => [id, n])),
  });
  const wrapped = createHandler(async () => authorize);
  const event = requestEvent({ path: '/v2/users', headers: { Authorization: `Bearer ${sameToken}` } });
  const withToken = (token: string) => {
    const bearer = `Bearer ${token}`;
    event.headers!.Authorization = bearer;
    event.multiValueHeaders!.Authorization = [bearer];
    return wrapped(event, CONTEXT);
  };

  // The reference: its own connection, the script loaded once, EVALSHA per call.
  const raw = new Redis(redisUrl, { maxRetriesPerRequest: 0 });
  raw.on('error', () => undefined);
  const sha = (await raw.script('LOAD', SLIDING_WINDOW_SCRIPT)) as string;
  const bare = CognitoJwtVerifier.create({ userPoolId: POOL, tokenUse: 'access', clientId: Object.values(CLIENTS) });
  bare.cacheJwks({ keys: [cognito.jwk as never] });
  // The rate key the authorizer derives for a Cognito user token without a consumer record.
  const claims = bare.verifySync(sameToken);
  const tag = `gh:rl:{c:cognito/client:${String(claims.client_id)}|u:${claims.sub}}`;
  const tier = config.tiers.find((t) => t.name === config.cognitoClientTiers['web-console'])!;
  const [minute, hour] = tierWindows(tier);
  const timeoutMs = config.rateLimiting.redis_timeout_ms;
  const evalsha = (): Promise<unknown> => {
    const now = Date.now();
    const m = Math.floor(now / minute.sizeMs);
    const h = Math.floor(now / hour.sizeMs);
    return raw.evalsha(sha, 4,
      `${tag}:${minute.sizeMs}:${m}`, `${tag}:${minute.sizeMs}:${m - 1}`, `${tag}:${hour.sizeMs}:${h}`, `${tag}:${hour.sizeMs}:${h - 1}`,
      now + timeoutMs, 1,
      minute.limit, minute.sizeMs - (now % minute.sizeMs), minute.sizeMs, 2 * minute.sizeMs,
      hour.limit, hour.sizeMs - (now % hour.sizeMs), hour.sizeMs, 2 * hour.sizeMs);
  };
  const reference = async (token: string) => { bare.verifySync(token); await evalsha(); };

  try {
    await raw.flushall();
    await assertAllowed('exact path (Redis, token cache)', () => withToken(sameToken));
    const probe = (await evalsha()) as number[];
    if (Number(probe[0]) !== SCRIPT_STATUS.admitted) throw new Error(`reference EVALSHA: expected admitted, got ${JSON.stringify(probe)}`);
    // Same key shape: the handler and the reference wrote the same two counters (current minute, current hour).
    const keys = (await raw.keys('gh:rl:*')).sort();
    if (keys.length !== 2) throw new Error(`expected the handler and the reference to share 2 counters, found ${JSON.stringify(keys)}`);

    // Each side walks the pool in order on its own counter, across rounds: the handler never meets
    // a token it has cached (the pool is larger than the cache and the oldest entry goes first).
    let r = 0;
    let h = 1; // pool[0] is the same-token row's token, cached
    const variants = [
      { name: 'same token (cache hits)', ref: () => reference(sameToken), exact: () => withToken(sameToken) },
      { name: 'distinct token per call', ref: () => reference(pool[r++ % pool.length]), exact: () => withToken(pool[h++ % pool.length]) },
    ];
    const rows: ExactRow[] = [];
    for (const v of variants) {
      process.stderr.write(`bench:authorizer: exact path, ${v.name} (${ROUNDS} rounds)\n`);
      const row: ExactRow = { name: v.name, otherCores: 0, reference: [], handler: [], hits: 0, lookups: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const other = otherCpu();
        row.reference.push(await measure(v.ref));
        hits = 0; lookups = 0;
        row.handler.push(await quietStdout(() => measure(v.exact)));
        row.hits += hits; row.lookups += lookups;
        row.otherCores = Math.max(row.otherCores, other());
      }
      rows.push(row);
    }
    return { rows, keys, tokens: pool.length, cacheBytes: tokens.size.bytes };
  } finally {
    raw.disconnect();
    await limiter.close();
  }
}

// ---------------------------------------------------------------- bundles

interface BundleFigures { name: string; bytes: number; importMs: number; initMs: number; runtimeProvided?: boolean; top?: [string, number][] }

function byPackage(meta: Metafile): [string, number][] {
  const out = Object.values(meta.outputs).find((o) => o.entryPoint)!;
  const sums = new Map<string, number>();
  for (const [file, v] of Object.entries(out.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : file.split('/').slice(0, 2).join('/');
    sums.set(key, (sums.get(key) ?? 0) + v.bytesInOutput);
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

/** Median of INIT_RUNS fresh `node` processes: import the bundle, then run `init` (JS source using `m`). */
function importAndInit(dir: string, file: string, init: string, env: NodeJS.ProcessEnv): { importMs: number; initMs: number } {
  const probe = join(dir, `probe-${file}`);
  writeFileSync(probe, [
    'const t0 = performance.now();',
    `const m = await import('./${file}');`,
    'const t1 = performance.now();',
    init,
    'const t2 = performance.now();',
    "process.stderr.write('\\nBENCH ' + JSON.stringify({ importMs: t1 - t0, initMs: t2 - t1 }) + '\\n');",
    'process.exit(0);',
  ].join('\n'));
  const runs: { importMs: number; initMs: number }[] = [];
  for (let i = 0; i < INIT_RUNS; i++) {
    const r = spawnSync(process.execPath, [probe], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    const line = r.stderr.split('\n').find((l) => l.startsWith('BENCH '));
    if (!line) throw new Error(`init probe of ${file} failed (${r.status}): ${r.stderr.slice(-2000)}`);
    runs.push(JSON.parse(line.slice(6)) as { importMs: number; initMs: number });
  }
  const median = (k: 'importMs' | 'initMs') => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  return { importMs: median('importMs'), initMs: median('initMs') };
}

async function bundles(redisUrl: string, apiKeyEvent: APIGatewayRequestAuthorizerEvent, cognito: Keys, cognitoToken: string): Promise<BundleFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-authorizer-'));
  try {
    // @aws-sdk/* stays external as on Lambda (where the runtime provides it); here it resolves from the repo.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const deployConfig = toAuthorizerConfig(loadConfigFile(join(ROOT, 'gateway.config.yaml')).environments.prod);
    const deploy = authorizerEsbuildOptions(deployConfig);
    const variants = [
      { name: 'authorizer (deploy options)', file: 'authorizer.mjs', options: deploy },
      {
        // Not part of the bundle: the Lambda runtime provides it, but the authorizer imports it at init.
        name: '@aws-sdk/client-dynamodb (runtime)', file: 'sdk-only.mjs',
        options: { ...deploy, entryPoints: undefined, define: undefined, stdin: { contents: "export { DynamoDBClient } from '@aws-sdk/client-dynamodb';", resolveDir: ROOT, loader: 'ts' as const } },
      },
      {
        name: 'aws-jwt-verify only', file: 'jwt-only.mjs',
        options: { ...deploy, entryPoints: undefined, define: undefined, stdin: { contents: "export { CognitoJwtVerifier } from 'aws-jwt-verify';", resolveDir: ROOT, loader: 'ts' as const } },
      },
    ];
    // Init of the authorizer = its first invocation: config parsed (from the bundle: no
    // GATEHOUSE_AUTHORIZER_CONFIG in the environment), Redis client loaded, connected and pinged,
    // one decision. Of the jwt-only bundle: verifier created, JWKS cached, one verifySync.
    const authorizerInit = `await m.handler(${JSON.stringify(apiKeyEvent)}, ${JSON.stringify({ awsRequestId: 'init', functionName: 'authorizer' })}).catch((e) => { if (e.message !== 'Unauthorized') throw e; });`;
    const jwtInit = [
      `const v = m.CognitoJwtVerifier.create({ userPoolId: ${JSON.stringify(POOL)}, tokenUse: 'access', clientId: ${JSON.stringify(Object.values(CLIENTS))} });`,
      `v.cacheJwks(${JSON.stringify({ keys: [cognito.jwk] })});`,
      `v.verifySync(${JSON.stringify(cognitoToken)});`,
    ].join('\n');
    const sdkInit = "new m.DynamoDBClient({ region: 'eu-west-1' });";
    const env = { PATH: process.env.PATH, [AUTHORIZER_ENV.redisUrl]: redisUrl };
    const figures: BundleFigures[] = [];
    for (const v of variants) {
      const outfile = join(dir, v.file);
      const result = await build({ ...v.options, outfile, metafile: true, logLevel: 'error' });
      const init = v.file.startsWith('jwt') ? jwtInit : v.file.startsWith('sdk') ? sdkInit : authorizerInit;
      const timing = importAndInit(dir, v.file, init, env);
      figures.push({ name: v.name, bytes: statSync(outfile).size, ...timing, runtimeProvided: v.file.startsWith('sdk'), top: byPackage(result.metafile) });
    }
    if (!readFileSync(join(dir, 'authorizer.mjs'), 'utf8').includes('"truncateClientIp"')) throw new Error('the deploy bundle does not contain the baked-in config');
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const f0 = (n: number) => Math.round(n).toLocaleString('en-US');
const f1 = (n: number) => n.toFixed(1);
const pad = (s: string, w: number) => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const lpad = (s: string, w: number) => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

function machine(): string {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} x ${model}, node ${process.version}, BENCH_SECONDS=${SECONDS}`;
}

async function main(): Promise<void> {
  process.stderr.write('bench:authorizer: preparing keys and tokens\n');
  const [cognito, partners] = await Promise.all([keyPair('RS256', 'cognito-1'), keyPair('RS256', 'partner-1')]);
  const config = benchConfig();
  const list = await cases(cognito, partners);
  const memory = handlerWith(config, cognito, partners, new InMemoryRateLimiter());

  const rows: { name: string; handler: Stats; core: Stats; bare?: Stats }[] = [];
  for (const c of list) {
    process.stderr.write(`bench:authorizer: ${c.name}\n`);
    await assertAllowed(c.name, () => memory.handler(c.event));
    const handler = await quietStdout(() => measure(() => memory.handler(c.event)));
    const core = await quietStdout(() => measure(() => memory.authorize(c.event)));
    rows.push({ name: c.name, handler, core, bare: c.bare ? await measure(c.bare) : undefined });
  }

  process.stderr.write('bench:authorizer: Redis limiter (own redis-server on a free loopback port)\n');
  const server = await TestRedisServer.start();
  let redisRow: { stats: Stats; commands: Map<string, number>; requests: number };
  let bundleRows: BundleFigures[];
  let exact: Awaited<ReturnType<typeof exactPath>>;
  try {
    // fault_tolerant false: a Redis failure during the run is an error, not a silently uncounted request.
    const limiter = RedisRateLimiter.fromUrl(server.url, { timeoutMs: config.rateLimiting.redis_timeout_ms, faultTolerant: false });
    if (!(await limiter.ready(1000))) throw new Error(`redis-server on ${server.url} did not answer within 1 s`);
    const redis = handlerWith(config, cognito, partners, limiter).handler;
    const jwt = list[1];
    await assertAllowed(`${jwt.name} (Redis)`, () => redis(jwt.event)); // the connection's first call: EVAL
    const requests = 1000;
    const commands = await countCommands(limiter, () => quietStdout(async () => { for (let i = 0; i < requests; i++) await redis(jwt.event); }));
    const stats = await quietStdout(() => measure(() => redis(jwt.event)));
    redisRow = { stats, commands, requests };
    await limiter.close();
    exact = await exactPath(config, cognito, partners, server.url);
    process.stderr.write('bench:authorizer: bundles (esbuild with lambdas/authorizer/bundling.ts) and cold import + init\n');
    const cognitoToken = /Bearer (.+)$/.exec(list[1].event.headers?.Authorization ?? '')?.[1] ?? '';
    bundleRows = await bundles(server.url, requestEvent({ path: '/v1/users', headers: { 'x-api-key': 'gh_live_unknown_key_000000000' } }), cognito, cognitoToken);
  } finally {
    await server.kill();
  }

  const out: string[] = [];
  out.push(`Authorizer benchmark - ${machine()}`, '');
  out.push('Warm handler (middy + Powertools Logger/Metrics around the authorizer, in-memory store and limiter),');
  out.push('one invocation at a time as in a Lambda environment; "core" = the same authorizer without middy/Powertools:');
  out.push(`${pad('credential', 27)}${lpad('ops/s', 8)}${lpad('p50 us', 8)}${lpad('p99 us', 8)} |${lpad('core ops/s', 11)}${lpad('p50 us', 8)} |${lpad('verifySync', 11)}${lpad('p50 us', 8)}${lpad('p99 us', 8)} | handler/bare  core/bare (target >= 0.5)`);
  for (const r of rows) {
    const bare = r.bare
      ? `${lpad(f0(r.bare.ops), 11)}${lpad(f1(r.bare.p50), 8)}${lpad(f1(r.bare.p99), 8)} | ${lpad(`${(r.handler.ops / r.bare.ops).toFixed(2)}x`, 12)}  ${lpad(`${(r.core.ops / r.bare.ops).toFixed(2)}x`, 9)}`
      : `${lpad('-', 11)}${lpad('', 16)} |`;
    out.push(`${pad(r.name, 27)}${lpad(f0(r.handler.ops), 8)}${lpad(f1(r.handler.p50), 8)}${lpad(f1(r.handler.p99), 8)} |${lpad(f0(r.core.ops), 11)}${lpad(f1(r.core.p50), 8)} |${bare}`);
  }
  const total = [...redisRow.commands.values()].reduce((a, b) => a + b, 0);
  const breakdown = [...redisRow.commands].map(([k, v]) => `${v} ${k}`).join(' + ');
  const cognitoRow = rows[1];
  out.push('', 'Redis limiter (redis-server on loopback, fault_tolerant false):');
  out.push(`  round trips per limited request: ${(total / redisRow.requests).toFixed(3)} (${breakdown} for ${redisRow.requests} requests; MONITOR; target exactly 1)`);
  out.push(`  ${pad('Cognito JWT RS256 + Redis', 26)}${lpad(f0(redisRow.stats.ops), 9)} ops/s  p50 ${f1(redisRow.stats.p50)} us  p99 ${f1(redisRow.stats.p99)} us  (${(redisRow.stats.ops / (cognitoRow.bare?.ops ?? NaN)).toFixed(2)}x bare verifySync)`);
  out.push('', `Exact path (limits: exact: the authorizer on every request), one invocation at a time, ${ROUNDS} alternating rounds, medians:`);
  out.push('  handler = createHandler(createAuthorizer) with CachingTokenVerifier(IssuerVerifier) and RedisRateLimiter (timeout');
  out.push(`  ${config.rateLimiting.redis_timeout_ms} ms, fault_tolerant false); reference = aws-jwt-verify verifySync + one EVALSHA of the same script, same 4 keys,`);
  out.push(`  on its own ioredis connection to the same redis-server. Cognito JWT RS256; distinct tokens: a pool of ${exact.tokens} (token cache after the run: ${(exact.cacheBytes / 1024 / 1024).toFixed(1)} MiB).`);
  out.push(`  ${pad('token', 26)}${lpad('handler ops/s', 14)}${lpad('p50 us', 8)}${lpad('p99 us', 8)} |${lpad('reference ops/s', 16)}${lpad('p50 us', 8)}${lpad('p99 us', 8)} |${lpad('ratio', 7)}${lpad('per round', 18)}  cache hits  other CPU  target >= 0.8x`);
  for (const r of exact.rows) {
    const h = medianStats(r.handler);
    const b = medianStats(r.reference);
    const ratio = h.ops / b.ops;
    const perRound = r.handler.map((x, i) => (x.ops / r.reference[i].ops).toFixed(2)).join('/');
    out.push(`  ${pad(r.name, 26)}${lpad(f0(h.ops), 14)}${lpad(f1(h.p50), 8)}${lpad(f1(h.p99), 8)} |${lpad(f0(b.ops), 16)}${lpad(f1(b.p50), 8)}${lpad(f1(b.p99), 8)} |${lpad(`${ratio.toFixed(2)}x`, 7)}${lpad(perRound, 18)}  ${lpad(`${((100 * r.hits) / Math.max(1, r.lookups)).toFixed(1)} %`, 10)}  ${lpad(r.otherCores.toFixed(2), 9)}  ${ratio >= 0.8 ? 'met' : 'NOT met'}`);
  }
  out.push(`  counters shared by handler and reference (checked before measuring): ${exact.keys.join(', ')}`);
  out.push('  other CPU: cores used by processes outside this benchmark during the row (worst round); above ~0.05 the row was disturbed.');
  out.push('', 'Bundles (esbuild, lambdas/authorizer/bundling.ts: ESM, minified, @aws-sdk/* external; prod config baked in),');
  out.push(`import + init = median of ${INIT_RUNS} fresh node processes (authorizer init: first invocation incl. Redis connect):`);
  out.push(`${pad('bundle', 36)}${lpad('size', 10)}${lpad('import ms', 11)}${lpad('init ms', 9)}`);
  for (const b of bundleRows) out.push(`${pad(b.name, 36)}${lpad(b.runtimeProvided ? 'external' : kb(b.bytes), 10)}${lpad(f1(b.importMs), 11)}${lpad(f1(b.initMs), 9)}`);
  const parts = bundleRows[0].top!;
  const ours = parts.filter(([k]) => /^(lambdas|lib)\//.test(k)).reduce((a, [, v]) => a + v, 0);
  out.push(`  issue 3 target <= 250 KB, budget <= ${kb(AUTHORIZER_BUNDLE_BUDGET_BYTES)} (docs/decisions/0012-authorizer-tracing.md); the deploy bundle is ${kb(bundleRows[0].bytes)}:`);
  out.push(`  libraries ${kb(parts.reduce((a, [, v]) => a + v, 0) - ours)}, Gatehouse code + baked config ${kb(ours)}. Largest parts:`);
  out.push(`  ${bundleRows[0].top!.slice(0, 10).map(([k, v]) => `${k} ${kb(v)}`).join(', ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench:authorizer failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
