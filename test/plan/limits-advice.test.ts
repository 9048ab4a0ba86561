import { join, resolve } from 'node:path';
import { loadConfigFile } from '../../lib/checks/load';
import type { GatewayEnvironment } from '../../lib/config/environments';
import { deriveProfile } from '../../lib/config/profile';
import type { GatewayConfig } from '../../lib/config/schema';
import { DEFAULT_ASSUMPTIONS } from '../../lib/plan/assumptions';
import { planConfig, planEnvironment, type EnvironmentPlan } from '../../lib/plan/plan';
import { approximate, EXACT, withRouteLimits } from '../../lib/plan/route-limits';

const ROOT = resolve(__dirname, '../..');
const fintech = loadConfigFile(join(ROOT, 'examples/fintech-startup.yaml'));
const prod = fintech.environments.prod;
const CACHEABLE = ['payments-read', 'payments-create', 'accounts', 'backoffice'];

const withConfig = (gateway: GatewayEnvironment, config: GatewayConfig): GatewayEnvironment => ({ ...gateway, config, profile: deriveProfile(config) });
const message = (p: EnvironmentPlan, code: string) => p.findings.find((f) => f.severity === 'warning' && f.code === code)?.message;

describe('withRouteLimits (the config a what-if plans)', () => {
  it('switches every route it is asked to and keeps the ones the config rules refuse, naming the rule', () => {
    const whatIf = withRouteLimits(prod.config, () => approximate(300));
    expect(whatIf.keptAsWritten).toEqual([{ route: 'partner-reports', rule: 'a route that accepts both jwt and api_key cannot cache the authorizer' }]);
    const limits = Object.fromEntries(whatIf.config.routes.map((r) => [r.name, [r.auth.limits, r.auth.cache_ttl]]));
    expect(limits['payments-read']).toEqual(['approximate', 300]);
    expect(limits['partner-reports']).toEqual(['exact', undefined]);
    // anonymous and mTLS routes may ask for a TTL; the route table forces them to 0 when planned
    expect(limits.status).toEqual(['approximate', 300]);
  });

  it('drops cache_ttl when it switches a route to exact (the config rules refuse one above 0)', () => {
    const gateway = loadConfigFile(join(ROOT, 'gateway.config.yaml')).environments.dev;
    const plans = withRouteLimits(gateway.config, () => EXACT).config.routes.find((r) => r.name === 'plans');
    expect(plans?.auth.limits).toBe('exact');
    expect(plans?.auth).not.toHaveProperty('cache_ttl');
  });
});

describe('gateway.config.yaml, dev: one approximate route', () => {
  const [dev] = planConfig(loadConfigFile(join(ROOT, 'gateway.config.yaml')), undefined);
  const { modes, routes } = dev.limitsComparison;

  it('adds an all-exact row next to the plan as configured', () => {
    // 4 routes in the mix at 2,000 req/s peak: 500 req/s each; plans caches 300 s for 2,000 consumers:
    // 500*2,000 / (2,000 + 500*300) = 6.579/s, so 1,500 + 6.579 = 1,506.579 as configured, 2,000 all exact
    expect(modes.slice(0, 2).map((m) => m.label)).toEqual(['as configured', 'all routes exact']);
    expect(modes[0].peakInvocationsPerSecond).toBeCloseTo(1506.579, 2);
    expect(modes[1].peakInvocationsPerSecond).toBeCloseTo(2000, 6);
    expect(modes[1].monthlyUsd).toBeGreaterThan(modes[0].monthlyUsd);
  });

  it('switches a route with the canary that shares its methods, and says why it still invokes the authorizer', () => {
    const v2 = routes.find((r) => r.route === 'api-v2-users');
    expect(v2).toMatchObject({
      sharesMethodsWith: ['api-users-canary'],
      approximateSavesUsd: 0,
      uncachedWhenApproximate: 'a route on this method matches on request headers, which are not part of the authorizer cache key',
    });
    expect(routes.find((r) => r.route === 'plans')).toMatchObject({ limits: 'approximate', approximateCacheTtl: 300 });
    expect(routes.find((r) => r.route === 'plans')?.approximatePeakInvocationsPerSecond).toBeCloseTo(6.579, 3);
  });
});

describe('warnings the exact default causes name the fix', () => {
  it('authorizer concurrency over the reservation: the fewest high-volume routes to switch', () => {
    // With a 50 ms warm authorizer: 0.05 + 0.0012 s per invocation x 10,000/s = 512 > 400 reserved.
    // Each cacheable route saves 1,428.571 - 1.665 = 1,426.906 invocations/s (73.1 executions):
    // one route leaves 438.9, two leave 7,146.19/s x 0.0512 = 365.9
    const [p] = planConfig(fintech, [prod], { ...DEFAULT_ASSUMPTIONS, authorizerWarmSeconds: 0.05 });
    expect(message(p, 'authorizer-concurrency')).toBe('the authorizer needs 512 concurrent executions at peak but its reserved concurrency is 400: '
      + 'invocations above it are throttled and API Gateway answers 500; raise traffic.peak_rps or burstiness so the profile reserves more; '
      + 'or set `limits: approximate` on payments-read, payments-create: 366 concurrent executions at peak (512 as configured)');
  });

  it('executions over what the account can reserve: the routes to switch, besides the quota', () => {
    // 50,000 req/s peak: 50,000 x 0.0212 = 1,060 executions > 900 reservable. Each route carries
    // 7,142.857 req/s, cached to 1.666/s: 151.39 executions saved per route; one leaves 908.6, two 757.2
    const config = { ...prod.config, traffic: { ...prod.config.traffic, peak_rps: 50_000 } };
    const p = planEnvironment(withConfig(prod, config));
    expect(message(p, 'account-concurrency')).toBe('reserved concurrency 2000 is more than an account with the default 1000 concurrent executions can reserve (900); '
      + 'request the Lambda quota "Concurrent executions" of at least 2100 in Service Quotas before deploying; '
      + 'the executions themselves are over it too, whatever the reservation (sized from traffic.peak_rps): '
      + 'set `limits: approximate` on payments-read, payments-create: 758 concurrent executions at peak (1,060 as configured)');
  });

  it('a tight p99: every cacheable route switched takes the authorizer out of it', () => {
    // Only the four cacheable routes, 2,500 req/s each. Exact: 10 + 2 + 20 + 1 + 20 + (8 + 10 + 3: no
    // API-key route, no DynamoDB) + 5 = 79 ms, 21 ms left (< 25 ms). Three routes switched still leave
    // 25 % of requests invoking; all four leave 0.1 %, under the 1 % that moves the p99: 1 ms cached, 59 ms.
    const config = { ...prod.config, routes: prod.config.routes.filter((r) => CACHEABLE.includes(r.name)) };
    const p = planEnvironment({ ...prod, config });
    expect(message(p, 'latency-budget')).toBe("the gateway's hops take 79 ms of the 100 ms p99 target, leaving 21 ms for the upstream; relax targets.p99_latency_ms; "
      + 'or set `limits: approximate` on payments-read, payments-create, accounts, backoffice: 59 ms of the p99 in the gateway (79 ms as configured)');
  });

  it('says approximate cannot help when no exact route would cache', () => {
    const config = withRouteLimits(prod.config, () => approximate(300)).config;
    const p = planEnvironment({ ...prod, config });
    expect(message(p, 'latency-budget')).toMatch(/; relax targets\.p99_latency_ms; `limits: approximate` cannot help: partner-reports, ledger-internal and status stay uncached$/);
  });

  it('adds nothing when no route is exact', () => {
    const routes = withRouteLimits(prod.config, () => approximate(300)).config.routes.filter((r) => r.name !== 'partner-reports');
    const p = planEnvironment({ ...prod, config: { ...prod.config, routes } });
    expect(message(p, 'latency-budget')).toMatch(/leaving \d+ ms for the upstream; relax targets\.p99_latency_ms$/);
  });
});
