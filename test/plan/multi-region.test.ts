import { parseConfig } from '../../lib/checks/load';
import type { LoadedConfig } from '../../lib/config/environments';
import { planConfig, type EnvironmentPlan } from '../../lib/plan/plan';
import { planSections } from '../../lib/plan/plan-sections';
import { renderCapacityReport, renderMarkdownPlan } from '../../lib/plan/render-markdown';
import { renderTerminal } from '../../lib/plan/render-terminal';
import { editShipped } from '../support/config-text';
import { oneRegionFintech } from '../support/two-region';

const FINTECH = 'examples/fintech-startup.yaml';
const TTL = '      ttl_seconds: 60\n';

/**
 * The fintech example, whose prod runs in eu-west-2 and eu-west-1 (decision 0026 D1), with
 * `routingExtra` (more keys of prod.routing, one per line at its indent) and `more` edits.
 */
function twoRegionFintech(routingExtra = '', ...more: ReadonlyArray<readonly [string, string]>): string {
  return editShipped(FINTECH, [TTL, `${TTL}${routingExtra}`], ...more);
}

const load = (text: string): LoadedConfig => parseConfig(text, 'fintech-two-regions.yaml');
const prodOf = (text: string) => planConfig(load(text)).find((p) => p.environment === 'prod') as EnvironmentPlan;

const prod = prodOf(twoRegionFintech());
const oneRegion = prodOf(oneRegionFintech());
const regions = prod.availability.regions!;
const warnings = (p: EnvironmentPlan) => p.findings.filter((f) => f.severity === 'warning').map((f) => f.code);

/**
 * Decision 0026 D10 for fintech prod. Each region's tier is the regional web ACL, API Gateway
 * and the authorizer (99.95 % each), the internal ALB and DynamoDB (99.99 % each; Redis fails
 * open): u = 1 - 0.9995^3 x 0.9999^2 = 0.169894 %, 4,464.8 s of a 2,628,000 s month.
 *   both down:  u^2 x P = 7.585 s
 *   failover:   k = 1, T_f = D 120 s (60 s period + 60 s lag) + TTL 60 s = 180 s; 0.5 x 180 + 0.5 x 180 = 180 s
 *   A = 1 - 187.585 / 2,628,000 = 99.99286 %; budget (1 - 0.9999) x P = 262.8 s, 75.2 s left
 *   k may grow to (262.8 - 7.585) / 180 = 1.4179 before A misses 99.99 %.
 */
describe('fintech prod in two regions: availability', () => {
  it('plans at 99.9929 %, over the 99.99 % target', () => {
    expect(regions.percent).toBeCloseTo(99.99286, 5);
    expect(regions.percent).toBeGreaterThanOrEqual(99.99);
    expect(regions.regions.map((r) => [r.region, r.share])).toEqual([['eu-west-2', 0.5], ['eu-west-1', 0.5]]);
    expect(regions.regions[0].unavailability).toBeCloseTo(0.0016989, 7);
    expect(regions.regions[0].downSecondsPerMonth).toBeCloseTo(4464.84, 1);
    expect(regions.allDownSeconds).toBeCloseTo(7.585, 3);
    expect(regions.failoverLossSeconds).toBeCloseTo(180, 9);
  });

  it('spends 187.6 s of a 262.8 s budget and holds while k <= 1.41 incidents per region and month', () => {
    expect(regions.budgetSeconds).toBeCloseTo(262.8, 6);
    expect(regions.leftSeconds).toBeCloseTo(75.215, 3);
    expect(regions.maxIncidentsPerRegionMonth).toBeCloseTo(1.41786, 5);
    const section = planSections(prod).find((s) => s.title === 'Availability');
    expect(section?.lines).toContain('A = 1 - prod_r(u_r) - (k/P) x sum_r s_r x min(T_f, u_r x P / k) = 1 - (7.6 s every region down + 180 s failing over) / 2,628,000 s '
      + '= 99.9929 % against the 99.99 % target: budget 262.8 s, 75.2 s left; holds while k <= 1.41.');
  });

  it('shows the edge tier, 99.85 %, without comparing it with the target', () => {
    // CloudFront 99.9 x edge WAF 99.95 x Route 53 100
    expect(regions.edgePercent).toBeCloseTo(99.85005, 5);
    expect(regions.edgeComponents.map((c) => c.name)).toEqual(['CloudFront', 'AWS WAF (edge web ACL)', 'Route 53']);
    expect(planSections(prod).find((s) => s.title === 'Summary')?.table?.rows).toContainEqual(
      ['availability', 'target 99.99 %, 2 regions 99.9929 % (budget 262.8 s a month, 75.2 s left); edge tier 99.85 %, not compared']);
  });

  it('lists every assumption of the model', () => {
    expect(regions.assumptions).toEqual([
      'regions fail independently: a cause shared by every region (one bad deploy everywhere, a global control plane) is not modelled',
      "k = 1 full outage(s) of each region a month, each lasting the region's SLA downtime u_r x P / k",
      'detection D = health period 60 s + 60 s alarm evaluation lag (assumed: how fast Route 53 follows a CloudWatch alarm is not documented) = 120 s; '
        + 'failover T_f = D + ttl_seconds 60 s = 180 s',
      'CloudFront follows the record TTL: its edges stop sending to a region ttl_seconds after Route 53 drops it (not documented)',
      'outages shorter than D are not masked: each incident costs its share min(T_f, its length) of failed requests',
      'survivors have capacity: every region is sized for 100 % of the peak (stage throttle, reserved concurrency, NAT per AZ)',
      'P = 730 h = 2,628,000 s',
    ]);
    const text = renderTerminal(prod);
    for (const a of regions.assumptions) expect(text).toContain(`  - ${a}`);
  });

  it('does not warn that one region cannot meet the target, and has no other availability warning', () => {
    expect(warnings(prod)).toEqual(['account-throttle', 'latency-budget']);
  });

  it('warns when the failover window is too long for the budget, naming the TTL that fits', () => {
    // TTL 300: T_f = 420 s, 7.6 + 420 = 427.6 s > 262.8 s. Fits while 120 + TTL <= 255.2: TTL 135.
    const slow = prodOf(twoRegionFintech('', [TTL, '      ttl_seconds: 300\n'])).findings.find((f) => f.code === 'availability-regions');
    expect(slow?.message).toBe('targets.availability 99.99 % is not met by 2 regions: the model gives 99.9837 % '
      + '(427.6 s lost a month of a 262.8 s budget: 7.6 s with every region down, 420 s failing over at T_f 420 s and k = 1); '
      + 'routing.ttl_seconds 135 or less meets it; so would fewer incidents than assumed');
  });

  it('splits by routing.traffic_share when given', () => {
    const uneven = prodOf(twoRegionFintech('      traffic_share: { eu-west-2: 0.8, eu-west-1: 0.2 }\n'));
    expect(uneven.availability.regions?.regions.map((r) => r.share)).toEqual([0.8, 0.2]);
    // u is the same in both regions, so the failover loss stays 180 s
    expect(uneven.availability.regions?.failoverLossSeconds).toBeCloseTo(180, 9);
  });
});

describe('fintech prod in two regions: limits an account shares in a region', () => {
  it('counts the whole peak in every region, so dev in eu-west-1 on the same account shares its throttle', () => {
    // Every region is sized for all of the peak (decision 0026 D2): 10,000 + 100 req/s in eu-west-1.
    const shared = planConfig(load(twoRegionFintech('', ['    account: "210000000001"\n', '    account: "210000000003"\n'],
      ['arn:aws:acm:eu-west-1:210000000001:certificate/0d1e2f30-0000-4000-8000-000000000001', 'arn:aws:acm:eu-west-1:210000000003:certificate/0d1e2f30-0000-4000-8000-000000000001'],
      ['arn:aws:acm:eu-west-1:210000000001:certificate/0d1e2f30-0000-4000-8000-000000000002', 'arn:aws:acm:eu-west-1:210000000003:certificate/0d1e2f30-0000-4000-8000-000000000002'])));
    const codes = Object.fromEntries(shared.map((p) => [p.environment, p.findings.filter((f) => f.code.startsWith('shared-account')).map((f) => f.message)]));
    expect(codes.dev).toEqual(['environments dev, prod share account 210000000003 in eu-west-1: their peaks add up to 10100 req/s, over the account throttle of 10000 req/s']);
    expect(codes.prod).toEqual(codes.dev);
    expect(codes.staging).toEqual([]);
  });
});

describe('fintech prod in one region (without its second region): the one-region plan', () => {
  it('keeps the one-region ceiling warning and the 99.73 % request-path product', () => {
    expect(oneRegion.availability.regions).toBeUndefined();
    expect(oneRegion.availability.compositePercent).toBeCloseTo(99.7303, 3);
    expect(warnings(oneRegion)).toEqual(['account-throttle', 'latency-budget', 'availability-multi-region']);
    expect(oneRegion.regions).toEqual(['eu-west-2']);
  });

  it('has none of the multi-region parts: no region column, no extra-region cost, no limits across regions', () => {
    expect(oneRegion.cost.regions).toBeUndefined();
    expect(oneRegion.cost.lines.every((l) => l.region === undefined)).toBe(true);
    expect(oneRegion.regionLimits).toBeUndefined();
    expect(planSections(oneRegion).map((s) => s.title)).not.toContain('Cost of each extra region');
    expect(planSections(oneRegion).map((s) => s.title)).not.toContain('Tier limits across regions');
    expect(renderMarkdownPlan(oneRegion)).toContain('### prod (eu-west-2, account 210000000003)');
  });

  it('matches the two-region plan in everything the second region does not change', () => {
    // Every region is sized for the whole peak (decision 0026 D2): the same throttles and reservations.
    expect(prod.concurrency).toEqual(oneRegion.concurrency);
    expect(prod.throttle).toEqual(oneRegion.throttle);
    expect(prod.latency).toEqual(oneRegion.latency);
    // The regional tier of D10 is the one-region path without CloudFront: 99.7303 / 99.9 = 99.8301 %
    expect((1 - regions.regions[0].unavailability) * 100).toBeCloseTo(99.8301, 4);
  });
});

/**
 * The second region's marginal cost: the two-region bill less the one-region bill ($96,944).
 * Fixed lines (its bill at zero requests): 3 NAT x 730 h x $0.048 = $105.12, the internal ALB
 * 730 h x ($0.0252 + 1 LCU x $0.008) = $24.24, the stage cache 730 h x $0.02 = $14.60, the
 * origin-guard web ACL $5 + 2 rules = $7, the Valkey minimum 0.1 GB x 730 h x $0.0837 = $6.11,
 * 5 keys $5 + 500,000 requests $1.50 = $6.50, metrics and alarms (22 methods x 7 + 20) x $0.30
 * + 15 x $0.10 = $53.70, breaker alarms and metrics $1.60 + $3.60: $222.47.
 * Its health and routing: checks, alarm, probes, secret replica, the prober and DNS queries.
 * The split: REST requests restart their tiers in eu-west-1: 2 x $14,826.99 - $29,070.75 = $583.23.
 */
describe('fintech prod in two regions: cost of the extra region', () => {
  const extra = prod.cost.regions!.extraRegions;
  const [eu1] = extra;
  const fixed = (item: string) => eu1.fixedLines.find((l) => `${l.service}: ${l.item}`.startsWith(item))?.monthlyUsd;
  const routing = (item: string) => eu1.routingLines.find((l) => `${l.service}: ${l.item}`.startsWith(item))?.monthlyUsd;

  it('is the two-region bill less the one-region bill', () => {
    expect(extra.map((x) => x.region)).toEqual(['eu-west-1']);
    expect(prod.cost.regions?.oneRegionUsd).toBeCloseTo(oneRegion.cost.totalUsd, 6);
    expect(Math.round(oneRegion.cost.totalUsd)).toBe(96944);
    expect(eu1.totalUsd).toBeCloseTo(prod.cost.totalUsd - oneRegion.cost.totalUsd, 6);
    expect(eu1.totalUsd).toBeCloseTo(eu1.fixedLines.concat(eu1.routingLines).reduce((s, l) => s + l.monthlyUsd, 0) + eu1.trafficSplitUsd, 6);
  });

  it('pays its own NAT gateways, ALB, stage cache, web ACL, Valkey minimum, keys, metrics and alarms', () => {
    expect(fixed('Network: 3 NAT gateway(s)')).toBeCloseTo(105.12, 2);
    expect(fixed('Network: internal ALB (1 LCU)')).toBeCloseTo(24.236, 3);
    expect(fixed('API Gateway: stage cache 0.5 GB')).toBeCloseTo(14.6, 6);
    expect(fixed('WAF: regional origin-guard web ACL')).toBeCloseTo(7, 6);
    expect(fixed('ElastiCache Serverless: data stored (the 100 MB minimum)')).toBeCloseTo(6.1101, 4);
    expect(fixed('KMS: 5 customer-managed keys')).toBeCloseTo(6.5, 6);
    expect(fixed('CloudWatch: metrics (22 methods x 7 + 20 custom) and 15 alarms')).toBeCloseTo(53.7, 6);
    expect(eu1.fixedLines.reduce((s, l) => s + l.monthlyUsd, 0)).toBeCloseTo(222.47, 2);
  });

  it('pays its health check, alarm and probes, a secret replica, and the routing it makes necessary', () => {
    expect(routing('Route 53: health check of eu-west-1')).toBe(0.5);
    expect(routing('CloudWatch: health alarm and probe-failure metric of eu-west-1')).toBeCloseTo(0.4, 9);
    expect(routing('Secrets Manager: origin-verify secret replica in eu-west-1')).toBe(0.4);
    expect(routing('Route 53: calculated health check')).toBe(0.5);
    // 43,800 runs of (6 - 1) x 10 s + 2 s = 52 s at 128 MB = 284,700 GB-s x $0.0000133334 = $3.80, + 43,800 x ($0.20 + $1)/M
    expect(routing('Lambda: health prober')).toBeCloseTo(3.849, 3);
    // 600 resolvers x 2,628,000 s / 60 s = 26.28 M latency queries x $0.60/M
    expect(routing('Route 53: latency queries for domains.api')).toBeCloseTo(15.768, 3);
  });

  it('adds the REST request tiers restarting in eu-west-1 to the traffic split', () => {
    const rest = (p: EnvironmentPlan) => p.cost.lines.filter((l) => l.item === 'REST requests (tiered)').map((l) => l.monthlyUsd);
    expect(rest(prod).map((u) => Math.round(u * 100) / 100)).toEqual([14826.99, 14826.99]);
    expect(rest(prod).reduce((s, u) => s + u, 0) - rest(oneRegion)[0]).toBeCloseTo(583.23, 2);
    expect(eu1.trafficSplitUsd).toBeGreaterThan(583);
  });

  it('bills the edge once, in the primary, and says where every line is billed', () => {
    const edge = prod.cost.lines.filter((l) => l.region === 'edge');
    expect(edge.map((l) => l.service)).toEqual(['CloudFront', 'CloudFront', 'CloudFront', 'CloudFront', 'WAF', 'WAF', 'Shield Advanced']);
    expect(prod.cost.lines.filter((l) => l.item.startsWith('HTTPS requests'))).toHaveLength(1);
    expect(new Set(prod.cost.lines.map((l) => l.region))).toEqual(new Set(['edge', 'eu-west-2', 'eu-west-1', 'us-east-1']));
  });

  it('prints the cost of each extra region in both renderings', () => {
    const line = `eu-west-1 adds ${usd0(eu1.totalUsd)} a month (3.1 % of the one-region bill): ${usd0(eu1.totalUsd - eu1.trafficSplitUsd)} whatever the traffic, ${usd0(eu1.trafficSplitUsd)} from splitting it.`;
    expect(renderTerminal(prod)).toContain(`Cost of each extra region\n`);
    expect(renderTerminal(prod)).toContain(line);
    expect(renderMarkdownPlan(prod)).toContain('#### Cost of each extra region');
    expect(renderMarkdownPlan(prod)).toContain('| eu-west-1 | fixed | Network: 3 NAT gateway(s), hourly | $105 |');
    expect(renderMarkdownPlan(prod)).toContain('### prod (eu-west-2 + eu-west-1, account 210000000003)');
  });

  it('lists the multi-region prices in the report once a plan uses them', () => {
    const loaded = load(twoRegionFintech());
    const report = renderCapacityReport([{ file: FINTECH, loaded, plans: planConfig(loaded) }]);
    expect(report).toContain('| route53HealthCheck | global | 0.5 |');
    expect(report).toContain('| route53Queries.latency | global | 0.6 |');
    const single = load(oneRegionFintech());
    expect(renderCapacityReport([{ file: FINTECH, loaded: single, plans: planConfig(single) }])).not.toContain('route53HealthCheck');
  });

  it('with failover routing, sends nothing to the standby by default: it costs its fixed lines and routing only', () => {
    const standby = prodOf(twoRegionFintech('', ['policy: latency ', 'policy: failover ']));
    const [x] = standby.cost.regions!.extraRegions;
    expect(standby.availability.regions?.regions.map((r) => r.share)).toEqual([1, 0]);
    expect(standby.cost.lines.find((l) => l.region === 'eu-west-1' && l.item === 'REST requests (tiered)')?.monthlyUsd).toBe(0);
    // The split is what the standby's minimums and its X-Ray reservoir do not cover: small.
    expect(Math.abs(x.trafficSplitUsd)).toBeLessThan(10);
    expect(standby.cost.lines.find((l) => l.item.startsWith('failover queries'))?.price).toBe('route53Queries.failover');
  });
});

/** Decision 0026 D6: counters are per region, so each tier's limits multiply by the regions. */
describe('fintech prod in two regions: tier limits across regions', () => {
  const row = (p: EnvironmentPlan, tier: string, window: string) => p.regionLimits?.rows.find((r) => r.tier === tier && r.window.startsWith(window));

  it('independent (the default): at most 2 x each window and 2 x each usage-plan quota', () => {
    expect(prod.regionLimits).toMatchObject({ mode: 'independent', regions: 2 });
    expect(row(prod, 'partner', 'minute')).toMatchObject({ limit: 600, worstCase: 1200, oneRegionConsumer: 1200 });
    expect(row(prod, 'partner', 'hour')).toMatchObject({ limit: 10_000, worstCase: 20_000 });
    expect(row(prod, 'partner', 'quota per DAY')).toMatchObject({ limit: 200_000, worstCase: 400_000 });
    expect(row(prod, 'enterprise', 'minute')).toMatchObject({ limit: 6000, worstCase: 12_000 });
    // A tier without a quota keeps the usage plan's hour x 24 backstop, regional too.
    expect(row(prod, 'sandbox', 'usage-plan quota per DAY')).toMatchObject({ limit: 24_000, worstCase: 48_000 });
  });

  it('prints the table in both renderings', () => {
    expect(renderMarkdownPlan(prod)).toContain('| partner | minute | 600 | <= 1,200 | <= 1,200 |');
    expect(renderMarkdownPlan(prod)).toContain('| partner | quota per DAY (authorizer and usage plan) | 200,000 | <= 400,000 | <= 400,000 |');
    expect(renderTerminal(prod)).toContain('Tier limits across regions');
  });

  it('divided: each region gets floor(L / 2), and the regions together never exceed the limit', () => {
    const divided = prodOf(twoRegionFintech('', ['  redis_timeout_ms: 10 ', '  across_regions: divided\n  redis_timeout_ms: 10 ']));
    expect(divided.regionLimits?.mode).toBe('divided');
    expect(row(divided, 'partner', 'minute')).toMatchObject({ limit: 600, perRegionBudget: 300, worstCase: 600, oneRegionConsumer: 300 });
    expect(row(divided, 'partner', 'quota per DAY')).toMatchObject({ perRegionBudget: 100_000 });
    expect(row(divided, 'sandbox', 'usage-plan quota')).toBeUndefined();
    expect(renderMarkdownPlan(divided)).toContain('| partner | minute | 600 | 300 | <= 600 |');
  });
});

describe('fintech prod in two regions: sign-in on the Cognito replica', () => {
  // PCI DSS requires MFA (a load rule), so the weaker settings drop the compliance list.
  const withBrowsers = (mfa: string, mode = 'replicate') => twoRegionFintech('',
    ['    mfa: required\n', `    mfa: ${mfa}\n    multi_region: ${mode}\n    public_clients:\n      - { name: dashboard, callback_urls: [https://app.payflow.example/callback] }\n`],
    ...(mfa === 'required' ? [] : [['compliance: [pci-dss]', 'compliance: []'] as const]));

  it('warns that TOTP users cannot sign in on the replica when public clients use MFA', () => {
    const f = prodOf(withBrowsers('required')).findings.find((x) => x.code === 'cognito-replica-totp');
    expect(f?.severity).toBe('warning');
    expect(f?.message).toContain('identity.cognito.mfa is required and public clients (dashboard) sign users in, but a Cognito replica has no TOTP MFA: '
      + 'while eu-west-2 is out of rotation the user pool domain fails over to the replica in eu-west-1, where no user can sign in');
    expect(prodOf(withBrowsers('optional')).findings.find((x) => x.code === 'cognito-replica-totp')?.message).toContain('where no user who set up TOTP can sign in');
  });

  it('says nothing for machine clients only (the example), nor with mfa off', () => {
    expect(prod.findings.map((f) => f.code)).not.toContain('cognito-replica-totp');
    expect(prodOf(withBrowsers('"off"')).findings.map((f) => f.code)).not.toContain('cognito-replica-totp');
  });

  it('notes that primary_only issues no token while the primary is out', () => {
    const f = prodOf(withBrowsers('required', 'primary_only')).findings.find((x) => x.code === 'cognito-primary-only');
    expect(f?.message).toBe('identity.cognito.multi_region is primary_only: while eu-west-2 is out of rotation no client gets a new token; '
      + 'tokens already issued keep working in every region until they expire (access tokens up to 60 minutes)');
  });
});

const usd0 = (n: number) => `$${Math.round(n).toLocaleString('en-US')}`;
