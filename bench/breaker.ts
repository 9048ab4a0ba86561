/**
 * `npm run bench:breaker`: what the circuit breaker adds to the limiter's per-request cost (issue
 * 14). The breaker record is read in the limiter's one script call (decision 0022), so the cost is
 * the extra key, the HMGET and the verdict inside that call, nothing more.
 *
 * In one run, side by side, against a redis-server started here on a free loopback port:
 *   - RedisRateLimiter.check with two windows (minute, hour), alone and with a breaker whose record
 *     is CLOSED (the common case: every request reads it), one call at a time and 64 in flight;
 *   - the same for InMemoryRateLimiter (the twin's limiter without Redis);
 *   - the whole authorizer decision (createAuthorizer, API key credential, Redis limiter) for a
 *     route whose service has a breaker, against the same config without breakers.
 * Limits are set high enough that nothing is refused. Limiter-alone and with-breaker batches
 * alternate for BENCH_ROUNDS (5) x BENCH_SECONDS (1) s per row; total time per request compared.
 * Target: with breaker <= 1.05x the limiter alone, per row. Not a timed test: nothing fails here.
 */
import { cpus, loadavg } from 'node:os';
import Redis from 'ioredis';
import { InMemoryRateLimiter } from '../lib/rate-limit/memory-limiter';
import { tierWindows } from '../lib/rate-limit/rate-limiter';
import { RedisRateLimiter } from '../lib/rate-limit/redis-limiter';
import type { BreakerLimitRequest, BreakerLimitDecision } from '../lib/resilience/breaker-decision';
import { CLOSED_RECORD } from '../lib/resilience/breaker-alarm';
import { writeBreakerRecord } from '../lib/resilience/breaker-writer';
import { TestRedisServer } from '../test/rate-limit/redis-server';
import { createAuthorizer } from '../lambdas/authorizer/authorizer';
import { requestEvent } from '../test/authorizer/events';
import { API_KEYS, consumers, testConfig } from '../test/authorizer/fixtures';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const SECONDS = Math.max(0.2, Number(process.env.BENCH_SECONDS ?? 1));
const TARGET_RATIO = 1.05;
const SERVICE = 'orders';
const WINDOWS = tierWindows({ minute: 1e9, hour: 1e10 });
/** 1,000 consumers, so keys spread over many slots as in production. */
const CONSUMERS = Array.from({ length: 1000 }, (_, i) => `c:bench-${i}`);

interface Checker { check(request: BreakerLimitRequest): Promise<BreakerLimitDecision> }

/**
 * The whole authorizer decision (API key credential, the cheapest path, so the breaker's share is
 * the largest) with the Redis limiter, posing as a Checker: `withBreaker` picks the config with the
 * route's service breaker or without it. The key is ignored: one consumer, limits not reached.
 */
function authorizerChecker(limiter: RedisRateLimiter): Checker {
  const base = testConfig('https://partners.example.com');
  const make = (breakers: Record<string, { trickleCount: number }>) => createAuthorizer({
    config: { ...base, breakers, tiers: base.tiers.map((t) => ({ ...t, minute: 1e9, hour: 1e10 })) },
    tokens: { verify: async () => { throw new Error('no tokens in this bench'); } } as never,
    consumers: consumers(), limiter,
  });
  const alone = make({});
  const breaker = make({ [AUTHORIZER_SERVICE]: { trickleCount: 10 } });
  const event = requestEvent({ path: '/v1/users', headers: { 'x-api-key': API_KEYS.enterprise } });
  const allowed = { allowed: true } as BreakerLimitDecision;
  const refused = { allowed: false } as BreakerLimitDecision;
  return {
    check: async (request) => {
      const result = await (request.breaker ? breaker : alone)(event);
      return result.policyDocument.Statement[0].Effect === 'Allow' ? allowed : refused;
    },
  };
}
/** The service of gateway.config.yaml's /v1/users route. */
const AUTHORIZER_SERVICE = 'user-service-v1';

/** Seconds `inFlight` workers take for `calls` checks in total. */
async function timeBatch(limiter: Checker, withBreaker: boolean, inFlight: number, calls: number, offset: number): Promise<number> {
  const breaker = withBreaker ? { service: SERVICE, trickleCount: 10 } : undefined;
  const worker = async (w: number) => {
    for (let i = offset + w; i < offset + calls; i += inFlight) {
      const decision = await limiter.check({ key: CONSUMERS[i % CONSUMERS.length], windows: WINDOWS, ...(breaker ? { breaker } : {}) });
      if (!decision.allowed) throw new Error('bench limits are too low: a request was refused');
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(w)));
  return (performance.now() - started) / 1000;
}

interface Row { name: string; alone: number; withBreaker: number }

/**
 * Microseconds per request, limiter alone and with the breaker, measured in small alternating
 * batches (alone, breaker, breaker, alone, ...) for ROUNDS x SECONDS in total: a change of the
 * machine's load hits both sides alike, which one long run per side would not guarantee.
 */
async function compare(name: string, limiter: Checker, inFlight: number): Promise<Row> {
  const batch = inFlight * 50;
  await timeBatch(limiter, true, inFlight, batch * 4, 0); // warm-up: JIT, script cache, connection
  await timeBatch(limiter, false, inFlight, batch * 4, 0);
  const spent = { alone: 0, breaker: 0 };
  let calls = 0;
  const deadline = performance.now() + ROUNDS * SECONDS * 1000;
  for (let b = 0; performance.now() < deadline; b++) {
    const order = b % 2 === 0 ? [false, true] : [true, false];
    for (const withBreaker of order) spent[withBreaker ? 'breaker' : 'alone'] += await timeBatch(limiter, withBreaker, inFlight, batch, calls);
    calls += batch;
  }
  return { name, alone: (spent.alone / calls) * 1e6, withBreaker: (spent.breaker / calls) * 1e6 };
}

function render(rows: Row[]): string {
  const us = (micros: number) => micros.toFixed(2).padStart(8);
  const lines = [
    `bench:breaker  ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}, ${ROUNDS * SECONDS} s per row in alternating batches`,
    '',
    'row                                       without          with breaker   cost ratio  target',
    '                                      (us/request)     (us/request)',
  ];
  for (const row of rows) {
    const ratio = row.withBreaker / row.alone;
    lines.push(`${row.name.padEnd(40)}  ${us(row.alone)}         ${us(row.withBreaker)}        ${ratio.toFixed(3)}x    ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'} (<= ${TARGET_RATIO}x)`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const server = await TestRedisServer.start();
  const admin = new Redis(server.url);
  const redisLimiter = RedisRateLimiter.fromUrl(server.url, { timeoutMs: 1000, faultTolerant: false });
  try {
    if (!(await redisLimiter.ready(5000))) throw new Error(`redis-server on ${server.url} did not answer within 5 s`);
    // The state function's record, in every slot's copy: the breaker path reads a real record.
    await writeBreakerRecord(admin, SERVICE, CLOSED_RECORD);
    await writeBreakerRecord(admin, AUTHORIZER_SERVICE, CLOSED_RECORD);
    const memory = new InMemoryRateLimiter();
    memory.breakerRecords.set(SERVICE, CLOSED_RECORD);
    const rows = [
      await compare('RedisRateLimiter, 1 in flight', redisLimiter, 1),
      await compare('RedisRateLimiter, 64 in flight', redisLimiter, 64),
      await compare('InMemoryRateLimiter, 1 in flight', memory, 1),
      await compare('authorizer (API key, Redis), 1 in flight', authorizerChecker(redisLimiter), 1),
    ];
    process.stdout.write(`${render(rows)}\n`);
  } finally {
    await redisLimiter.close();
    await admin.quit();
    await server.kill();
  }
}

main().catch((err) => { process.stderr.write(`bench:breaker: ${(err as Error).message}\n`); process.exitCode = 1; });
