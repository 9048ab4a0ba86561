import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigFile } from '../../lib/checks/load';
import { APPROXIMATE_CACHE_TTLS } from '../../lib/plan/limits-modes';
import { APPROXIMATE_TRADE_OFF } from '../../lib/plan/limits-sections';
import { planConfig } from '../../lib/plan/plan';
import { planSections } from '../../lib/plan/plan-sections';
import { renderTerminal } from '../../lib/plan/render-terminal';
import { renderCapacityReport } from '../../lib/plan/render-markdown';
import { CAPACITY_REPORT_FILE, shippedConfigs } from '../../lib/plan/shipped-configs';

const ROOT = resolve(__dirname, '../..');
const CONFIGS = shippedConfigs(ROOT);

/** Warnings each shipped config deserves (see docs/capacity.md); anything else is a false alarm. */
const DESERVED: Record<string, Record<string, string[]>> = {
  'gateway.config.yaml': { dev: [], prod: [] },
  'examples/ecommerce.yaml': { staging: [], prod: [] },
  'examples/enterprise-saas.yaml': { dev: [], prod: [] },
  'examples/fintech-startup.yaml': {
    dev: ['latency-budget', 'availability-multi-region'],
    staging: ['account-throttle', 'latency-budget', 'availability-multi-region'],
    prod: ['account-throttle', 'latency-budget'],   // two regions: 99.9929 %
  },
};

describe.each(CONFIGS)('%s', (file) => {
  const plans = planConfig(loadConfigFile(join(ROOT, file)));

  it('plans every environment with the warnings it deserves and no others', () => {
    const warnings = Object.fromEntries(plans.map((p) => [p.environment, p.findings.filter((f) => f.severity === 'warning').map((f) => f.code)]));
    expect(warnings).toEqual(DESERVED[file]);
  });

  it('compares exact and approximate limits with a row per mode, in the plan and in both renderings', () => {
    for (const p of plans) {
      const approximateRows = APPROXIMATE_CACHE_TTLS.map((ttl) => `all routes approximate, cache_ttl ${ttl}`);
      const someApproximate = p.limitsComparison.routes.some((r) => r.limits === 'approximate');
      expect(p.limitsComparison.modes.map((m) => m.label)).toEqual(someApproximate
        ? ['as configured', 'all routes exact', ...approximateRows]
        : ['as configured (all routes exact)', ...approximateRows]);
      const section = planSections(p).find((s) => s.title === 'Exact vs approximate tier limits (peak)');
      expect(section?.table?.rows.map((r) => r[0])).toEqual(p.limitsComparison.modes.map((m) => m.label));
      expect(section?.lines?.[0]).toBe(APPROXIMATE_TRADE_OFF);
      expect(renderTerminal(p)).toContain('Exact vs approximate tier limits (peak)');
      // Exact counts every request; approximate never needs more invocations or money.
      const [asConfigured, ...others] = p.limitsComparison.modes;
      const exact = others.find((m) => m.mode === 'exact') ?? asConfigured;
      expect(exact.countedShare).toBeCloseTo(1, 9);
      for (const m of others.filter((o) => o.mode === 'approximate')) {
        expect(m.peakInvocationsPerSecond).toBeLessThanOrEqual(exact.peakInvocationsPerSecond + 1e-9);
        expect(m.monthlyUsd).toBeLessThanOrEqual(exact.monthlyUsd + 1e-6);
      }
      expect(p.limitsComparison.routes.map((r) => r.route)).toEqual([...new Set(p.authorizer.peak.endpoints.map((e) => e.route))]);
    }
  });

  it('keeps the authorizer within its reserved concurrency and prices every line', () => {
    for (const p of plans) {
      expect(p.concurrency.peak).toBeLessThan(p.concurrency.reserved);
      expect(p.cost.lines.every((l) => Number.isFinite(l.monthlyUsd) && l.monthlyUsd >= 0)).toBe(true);
      expect(p.cost.totalUsd).toBeGreaterThan(0);
    }
  });
});

it('covers every shipped config in the deserved-warnings table', () => {
  expect(Object.keys(DESERVED).sort()).toEqual([...CONFIGS].sort());
});

it(`${CAPACITY_REPORT_FILE} is up to date (run npx gatehouse plan --all --markdown ${CAPACITY_REPORT_FILE})`, () => {
  const configs = CONFIGS.map((file) => {
    const loaded = loadConfigFile(join(ROOT, file));
    return { file, loaded, plans: planConfig(loaded).map((p) => ({ ...p, file })) };
  });
  expect(readFileSync(join(ROOT, CAPACITY_REPORT_FILE), 'utf8')).toBe(renderCapacityReport(configs));
});
