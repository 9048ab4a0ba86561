import { parseConfig } from '../../lib/checks/load';
import { oneRegionFintech } from '../support/two-region';
import { EXACT_LIMITS_REASON } from '../../lib/contract/route-table';
import type { LimitsModeRow } from '../../lib/plan/limits-modes';
import { planConfig, type EnvironmentPlan } from '../../lib/plan/plan';

// The one-region model, worked by hand: the example's prod without its second region
// (test/plan/multi-region.test.ts plans the two regions as shipped).
const plans = planConfig(parseConfig(oneRegionFintech(), 'fintech-one-region.yaml'));
const prod = plans.find((p) => p.environment === 'prod') as EnvironmentPlan;
const line = (item: string) => prod.cost.lines.find((l) => l.item.startsWith(item));

/**
 * The user's fintech example at 10K req/s peak (4K steady), 500 distinct consumers, worked out
 * by hand. Seven routes share the traffic evenly (no header overlays): 10,000 / 7 = 1,428.571 req/s
 * per route at peak, split evenly across a route's methods. Every route keeps the default
 * `limits: exact`, so API Gateway caches no authorizer decision.
 */
describe("fintech example, prod in one region at 10,000 req/s", () => {
  it('sends every request to the authorizer, because every route counts exactly', () => {
    // TTL 0 everywhere: the route table checks limits: exact before anonymous, mTLS or mixed auth
    expect(prod.authorizer.peak.invocationsPerSecond).toBeCloseTo(10_000, 6);
    expect(prod.authorizer.peak.uncachedShare).toBeCloseTo(1, 9);
    expect(new Set(prod.authorizer.peak.endpoints.map((e) => e.ttl))).toEqual(new Set([0]));
    expect(new Set(prod.authorizer.peak.endpoints.map((e) => e.ttlReason))).toEqual(new Set([EXACT_LIMITS_REASON]));
  });

  it('needs 212 concurrent authorizer executions of the 400 reserved', () => {
    // per invocation: 0.020 s warm + 0.002 x 0.6 s cold = 0.0212 s; 10,000 x 0.0212 = 212
    // reserved: profile max(5, ceil(10,000 x 0.02 x 2)) = 400
    expect(prod.concurrency.peak).toBeCloseTo(212, 6);
    expect(prod.concurrency.reserved).toBe(400);
    expect(prod.findings.map((f) => f.code)).not.toContain('authorizer-concurrency');
  });

  it('runs one EVALSHA per request against Valkey', () => {
    // 10,000 EVALSHA/s x 8 ECPUs = 80,000 ECPU/s at peak
    expect(prod.redis.opsPerSecondPeak).toBeCloseTo(10_000, 6);
    expect(prod.redis.ecpuPerSecondPeak).toBeCloseTo(80_000, 4);
  });

  it('prices REST requests on the tiers (eu-west-1 prices for eu-west-2)', () => {
    // 4,000 req/s x 730 h x 3,600 s = 10,512 M requests
    // 333 M x $3.50 = 1,165.50; 667 M x $3.19 = 2,127.73; 9,512 M x $2.71 = 25,777.52; sum 29,070.75
    expect(prod.cost.requestsPerMonth).toBe(10_512_000_000);
    expect(prod.priceRegion).toBe('eu-west-1');
    expect(line('REST requests')?.monthlyUsd).toBeCloseTo(29070.75, 2);
  });

  it('charges Shield Advanced and waives the edge WAF fees it includes', () => {
    expect(line('subscription')?.monthlyUsd).toBe(3000);
    expect(line('edge requests')?.monthlyUsd).toBe(0);
    // The example turns Bot Control off (every client is a partner machine); targeted would have
    // cost $10 + 10,512 M x $10/M = $105,130 a month, which Shield Advanced does not include.
    expect(line('Bot Control')).toBeUndefined();
  });

  it('prices the authorizer on arm64 at 512 MB', () => {
    // steady invocations = the steady rate, 4,000/s; x 2,628,000 s = 10,512 M requests x $0.20/M = $2,102.40
    // duration: 10,512 M x 0.0212 s x 0.5 GB = 111,427,200 GB-s
    expect(prod.authorizer.steady.invocationsPerSecond).toBeCloseTo(4000, 6);
    expect(line('authorizer requests')?.monthlyUsd).toBeCloseTo(2102.4, 2);
    expect(line('authorizer duration')?.quantity).toBe('111,427,200 GB-s');
  });

  it('costs about $97k a month, $9.22 per million requests', () => {
    // Exact limits make the authorizer's requests, duration, logs and ECPUs follow every request.
    // 96,944 / 10,512 M = $9.22 per million
    expect(Math.round(prod.cost.totalUsd)).toBe(96944);
    expect(prod.cost.perMillionUsd).toBeCloseTo(9.22, 2);
    expect(prod.cost.totalUsd).toBeCloseTo(prod.cost.lines.reduce((s, l) => s + l.monthlyUsd, 0), 6);
  });

  it('gets the warnings it deserves and no others', () => {
    expect(prod.findings.filter((f) => f.severity === 'warning').map((f) => f.code))
      .toEqual(['account-throttle', 'latency-budget', 'availability-multi-region']);
    const multiRegion = prod.findings.find((f) => f.code === 'availability-multi-region');
    expect(multiRegion?.message).toContain('targets.availability 99.99 % cannot be met in one region');
    const throttle = prod.findings.find((f) => f.code === 'account-throttle');
    expect(throttle?.message).toContain('"Throttle rate" of at least 12,000 req/s');
  });

  it('spends 89 ms of the 100 ms p99 in the gateway', () => {
    // 10 CloudFront + 2 WAF (Bot Control off) + 20 edge->region + 1 origin guard + 20 API Gateway
    // + authorizer (100 % uncached): 8 invoke + 10 handler + min(3, redis_timeout_ms 10) Redis
    //   + 10 DynamoDB (key lookups 1,017/s at peak, 10.2 % of requests > 1 %)
    // + 5 VPC link/ALB = 89; 100 - 89 = 11 ms for the upstream (< 25 % of the target: warning)
    expect(prod.latency.hops.find((h) => h.hop.startsWith('authorizer'))).toMatchObject({ hop: 'authorizer (uncached)', p99Ms: 31 });
    expect(prod.keyLookups.peakPerSecond).toBeCloseTo(1017.27, 1);
    expect(prod.latency.gatewayMs).toBe(89);
    expect(prod.latency.upstreamBudgetMs).toBe(11);
  });

  it('computes the request-path SLA product', () => {
    // 0.999 x 0.9995 x 0.9995 x 0.9995 x 0.9999 (ALB) x 0.9999 (DynamoDB) = 0.997303; Redis fails open, not on the path
    expect(prod.availability.compositePercent).toBeCloseTo(99.7303, 3);
  });

});

/**
 * The same plan with every route switched to `limits: approximate`. Three routes cannot cache
 * whatever they ask for: partner-reports accepts jwt and api_key (a config rule), ledger-internal
 * is mTLS and status is anonymous (the route table), so 3 x 1,428.571 = 4,285.714 invocations/s
 * stay at any TTL. The other four cache per consumer (500 keys per endpoint):
 *   payments-read, payments-create, accounts: one method each at 1,428.571 req/s
 *   backoffice: 4 methods at 357.143 req/s
 * with misses r·N / (N + r·T) per endpoint.
 */
describe('fintech example, prod: exact vs approximate tier limits', () => {
  const { modes, routes } = prod.limitsComparison;
  const mode = (label: string) => modes.find((m) => m.label === label) as LimitsModeRow;

  it('has a row as configured (all exact, so no separate exact row) and one per approximate cache_ttl', () => {
    expect(modes.map((m) => m.label)).toEqual([
      'as configured (all routes exact)',
      'all routes approximate, cache_ttl 60',
      'all routes approximate, cache_ttl 300',
      'all routes approximate, cache_ttl 3600',
    ]);
  });

  it('counts every request as configured: 10,000 invocations and Redis calls/s, 212 of 400 executions, $96,944', () => {
    expect(mode('as configured (all routes exact)')).toMatchObject({ mode: 'as-configured', peakRequestsPerSecond: 10_000, reservedConcurrency: 400, p99GatewayMs: 89, p99TargetMs: 100 });
    const exact = mode('as configured (all routes exact)');
    expect(exact.peakInvocationsPerSecond).toBeCloseTo(10_000, 6);
    expect(exact.peakRedisCallsPerSecond).toBeCloseTo(10_000, 6);
    expect(exact.countedShare).toBeCloseTo(1, 9);
    expect(exact.peakConcurrency).toBeCloseTo(212, 6);
    expect(Math.round(exact.monthlyUsd)).toBe(96944);
    expect(exact.perMillionUsd).toBeCloseTo(9.2222, 4);
  });

  it('cache_ttl 60: 4,343.1 invocations/s, 92.1 executions, $91,317', () => {
    // 1,428.571*500 / (500 + 1,428.571*60) = 8.28500, x3 = 24.855
    // 357.143*500 / (500 + 357.143*60) = 8.14332, x4 = 32.573
    // 4,285.714 + 24.855 + 32.573 = 4,343.143/s (43.4 % counted); x 0.0212 s = 92.075 executions
    const m = mode('all routes approximate, cache_ttl 60');
    expect(m.peakInvocationsPerSecond).toBeCloseTo(4343.143, 2);
    expect(m.peakRedisCallsPerSecond).toBeCloseTo(4343.143, 2);
    expect(m.countedShare).toBeCloseTo(0.43431, 4);
    expect(m.peakConcurrency).toBeCloseTo(92.075, 2);
    expect(Math.round(m.monthlyUsd)).toBe(91317);
    expect(m.perMillionUsd).toBeCloseTo(8.6870, 4);
  });

  it('cache_ttl 300: 4,297.3 invocations/s, 91.1 executions, $91,205', () => {
    // 1,428.571*500 / (500 + 428,571.4) = 1.66472, x3 = 4.994; 357.143*500 / (500 + 107,142.9) = 1.65892, x4 = 6.636
    // 4,285.714 + 4.994 + 6.636 = 4,297.344/s; x 0.0212 = 91.104
    const m = mode('all routes approximate, cache_ttl 300');
    expect(m.peakInvocationsPerSecond).toBeCloseTo(4297.344, 2);
    expect(m.peakConcurrency).toBeCloseTo(91.104, 2);
    expect(Math.round(m.monthlyUsd)).toBe(91205);
    expect(m.perMillionUsd).toBeCloseTo(8.6762, 4);
  });

  it('cache_ttl 3600: 4,286.7 invocations/s, 90.9 executions, $91,178', () => {
    // 714,285.7 / 5,143,357 = 0.138875, x3 = 0.417; 178,571.4 / 1,286,214 = 0.138835, x4 = 0.555
    // 4,285.714 + 0.417 + 0.555 = 4,286.686/s; x 0.0212 = 90.878
    const m = mode('all routes approximate, cache_ttl 3600');
    expect(m.peakInvocationsPerSecond).toBeCloseTo(4286.686, 2);
    expect(m.peakConcurrency).toBeCloseTo(90.878, 2);
    expect(Math.round(m.monthlyUsd)).toBe(91178);
    expect(m.perMillionUsd).toBeCloseTo(8.6737, 4);
  });

  it('keeps the p99 at 89 ms in every row: 43 % of requests still invoke the authorizer', () => {
    // The uncached authorizer stays in the p99 while at least 1 % of requests invoke it.
    expect(modes.map((m) => m.p99GatewayMs)).toEqual([89, 89, 89, 89]);
  });

  it('saves about $1,436 a month per cacheable route and nothing on the three that cannot cache', () => {
    // payments-read at cache_ttl 300, steady: 571.43 req/s -> 1.66 misses/s, 569.8 fewer invocations/s
    // = 1,497 M a month: $299 requests + $212 duration + $874 authorizer logs + $27 ECPUs + $3 DynamoDB + $20 log storage
    const saves = Object.fromEntries(routes.map((r) => [r.route, Math.round(r.approximateSavesUsd)]));
    expect(saves).toEqual({ 'payments-read': 1436, 'payments-create': 1436, accounts: 1436, 'partner-reports': 0, 'ledger-internal': 0, backoffice: 1424, status: 0 });
    const why = Object.fromEntries(routes.filter((r) => r.uncachedWhenApproximate).map((r) => [r.route, r.uncachedWhenApproximate]));
    expect(why).toEqual({
      'partner-reports': 'a route that accepts both jwt and api_key cannot cache the authorizer',
      'ledger-internal': 'the client certificate cannot be an identity source',
      status: 'anonymous routes are rate-limited per client IP on every request',
    });
    expect(routes.find((r) => r.route === 'payments-read')?.approximatePeakInvocationsPerSecond).toBeCloseTo(1.66472, 4);
  });

  it('says in the latency warning that approximate would not fix the p99, and why', () => {
    const latency = prod.findings.find((f) => f.code === 'latency-budget');
    expect(latency?.message).toBe("the gateway's hops take 89 ms of the 100 ms p99 target, leaving 11 ms for the upstream; relax targets.p99_latency_ms; "
      + '`limits: approximate` on every route that can cache (payments-read, payments-create, accounts, backoffice) would still leave 89 ms of the p99 in the gateway '
      + '(89 ms as configured), because partner-reports, ledger-internal and status stay uncached (43.0 % of requests)');
  });
});

describe('fintech example, dev (traffic overridden to 20 / 100 req/s)', () => {
  const dev = plans.find((p) => p.environment === 'dev') as EnvironmentPlan;
  it('still warns about the 99.99 % target and the tight p99, not about throughput', () => {
    expect(dev.traffic.peakRps).toBe(100);
    expect(dev.findings.filter((f) => f.severity === 'warning').map((f) => f.code)).toEqual(['latency-budget', 'availability-multi-region']);
  });
});
