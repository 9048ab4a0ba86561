import { join, resolve } from 'node:path';
import { loadConfigFile } from '../../lib/config/load';
import { planConfig, type EnvironmentPlan } from '../../lib/plan/plan';

const ROOT = resolve(__dirname, '../..');
const plans = planConfig(loadConfigFile(join(ROOT, 'examples/fintech-startup.yaml')));
const prod = plans.find((p) => p.environment === 'prod') as EnvironmentPlan;
const line = (item: string) => prod.cost.lines.find((l) => l.item.startsWith(item));

/**
 * The user's fintech example at 10K req/s peak (4K steady), 500 distinct consumers, worked out
 * by hand. Seven routes share the traffic evenly (no header overlays): 10,000 / 7 = 1,428.571 req/s
 * per route at peak, split evenly across a route's methods.
 */
describe('fintech example, prod at 10,000 req/s', () => {
  it('sends every request of the uncached routes to the authorizer and few of the cached ones', () => {
    // TTL 0: partner-reports (explicit), ledger-internal (mTLS, forced), status (anonymous, forced):
    //   3 x 1,428.571 = 4,285.714/s
    // TTL 60, one method each: payments-read, payments-create, accounts:
    //   1,428.571*500 / (500 + 1,428.571*60) = 714,285.7 / 86,214.29 = 8.28500/s, x3 = 24.85500
    // TTL 300, backoffice's 4 methods at 357.143 req/s:
    //   357.143*500 / (500 + 357.143*300) = 178,571.4 / 107,642.9 = 1.65892/s, x4 = 6.63570
    // total 4,285.714 + 24.855 + 6.636 = 4,317.205/s, 43.17 % of requests
    expect(prod.authorizer.peak.invocationsPerSecond).toBeCloseTo(4317.205, 1);
    expect(prod.authorizer.peak.uncachedShare).toBeCloseTo(0.4317, 3);
    const ttls = Object.fromEntries(prod.authorizer.peak.endpoints.map((e) => [`${e.httpMethod} ${e.path}`, e.ttl]));
    expect(ttls).toMatchObject({ 'GET /v1/payments': 60, 'POST /v1/payments': 60, 'GET /v1/reports': 0, 'GET /internal/ledger': 0, 'GET /v1/status': 0, 'PUT /internal/backoffice': 300 });
  });

  it('needs about 92 concurrent authorizer executions of the 400 reserved', () => {
    // per invocation: 0.020 s warm + 0.002 x 0.6 s cold = 0.0212 s; 4,317.205 x 0.0212 = 91.525
    // reserved: profile max(5, ceil(10,000 x 0.02 x 2)) = 400
    expect(prod.concurrency.peak).toBeCloseTo(91.525, 2);
    expect(prod.concurrency.reserved).toBe(400);
    expect(prod.findings.map((f) => f.code)).not.toContain('authorizer-concurrency');
  });

  it('runs one EVALSHA per invocation against Valkey', () => {
    // 4,317.205 EVALSHA/s x 8 ECPUs = 34,537.6 ECPU/s at peak
    expect(prod.redis.opsPerSecondPeak).toBeCloseTo(4317.205, 1);
    expect(prod.redis.ecpuPerSecondPeak).toBeCloseTo(34537.6, 0);
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
    // steady invocations: 4,000 req/s -> 3 x 571.43 + 3 x (571.43*500/(500+571.43*60) = 8.216) + 4 x (142.86*500/(500+142.86*300) = 1.6474)
    //   = 1,714.29 + 24.65 + 6.59 = 1,745.52/s; x 2,628,000 s = 4,587.2 M requests x $0.20/M = $917.44
    expect(prod.authorizer.steady.invocationsPerSecond).toBeCloseTo(1745.5, 0);
    expect(line('authorizer requests')?.monthlyUsd).toBeCloseTo(917.4, 0);
  });

  it('costs about $91k a month, $8.7 per million requests', () => {
    // With Bot Control targeted it was $196,380; without its $105,130: $91,250. 91,250 / 10,512 M = $8.68 per million
    expect(Math.round(prod.cost.totalUsd)).toBe(91250);
    expect(prod.cost.perMillionUsd).toBeCloseTo(8.68, 2);
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
    // + authorizer (43 % uncached): 8 invoke + 10 handler + min(3, redis_timeout_ms 10) Redis + 10 DynamoDB (key lookups 7.4 % > 1 %)
    // + 5 VPC link/ALB = 89; 100 - 89 = 11 ms for the upstream (< 25 % of the target: warning)
    expect(prod.latency.gatewayMs).toBe(89);
    expect(prod.latency.upstreamBudgetMs).toBe(11);
  });

  it('computes the request-path SLA product', () => {
    // 0.999 x 0.9995 x 0.9995 x 0.9995 x 0.9999 (ALB) x 0.9999 (DynamoDB) = 0.997303; Redis fails open, not on the path
    expect(prod.availability.compositePercent).toBeCloseTo(99.7303, 3);
  });

  it('shows the cost falling as the authorizer cache TTL grows', () => {
    const [ttl0, ttl60, ttl300, ttl3600] = prod.ttlSensitivity;
    expect([ttl0.ttl, ttl60.ttl, ttl300.ttl, ttl3600.ttl]).toEqual([0, 60, 300, 3600]);
    expect(ttl0.peakInvocationsPerSecond).toBeCloseTo(10_000, 6);
    expect(ttl0.monthlyUsd).toBeGreaterThan(ttl60.monthlyUsd);
    expect(ttl60.monthlyUsd).toBeGreaterThan(ttl3600.monthlyUsd);
    // explicit and forced zeros stay: 3 x 1,428.571 = 4,285.714 invocations/s remain at any TTL
    expect(ttl3600.peakInvocationsPerSecond).toBeGreaterThan(4285.7);
  });
});

describe('fintech example, dev (traffic overridden to 20 / 100 req/s)', () => {
  const dev = plans.find((p) => p.environment === 'dev') as EnvironmentPlan;
  it('still warns about the 99.99 % target and the tight p99, not about throughput', () => {
    expect(dev.traffic.peakRps).toBe(100);
    expect(dev.findings.filter((f) => f.severity === 'warning').map((f) => f.code)).toEqual(['latency-budget', 'availability-multi-region']);
  });
});
