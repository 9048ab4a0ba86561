/**
 * The parts of a plan that only an environment with 2 or more regions has (decision 0026 D6,
 * D10): the N-region availability, the bill by region, the cost of each extra region and the
 * tier limits across regions. Both renderers print them through plan-sections.ts.
 */
import { percentText } from './availability';
import { fmt, pct, usd } from './format-number';
import type { RegionLimits } from './limits-across-regions';
import type { EnvironmentPlan } from './plan';
import type { Section } from './plan-sections';
import type { RegionsAvailability } from './region-availability';
import type { RegionsCost } from './region-cost';

/** `$1,234`, `-$5.84`: the traffic split can save money. */
const signedUsd = (n: number) => (n < 0 ? `-${usd(-n)}` : usd(n));
const seconds = (s: number) => `${fmt(s, 1)} s`;

/** The summary's availability figure: A against the target, and the edge tier beside it. */
export function regionsAvailabilitySummary(r: RegionsAvailability): string {
  return `target ${r.targetPercent} %, ${r.regions.length} regions ${percentText(r.percent)} (budget ${seconds(r.budgetSeconds)} a month, ${seconds(r.leftSeconds)} left); `
    + `edge tier ${r.edgePercent.toFixed(2)} %, not compared`;
}

/** How many incidents per region and month the target survives, in words. */
export function incidentsHeadroom(r: RegionsAvailability): string {
  const k = r.maxIncidentsPerRegionMonth;
  if (k === Infinity) return 'holds for any k';
  if (k === 0) return 'missed whatever k: every region down at once already spends the budget';
  return `holds while k <= ${fmt(Math.floor(k * 100) / 100, 2)}`;
}

export function regionsAvailabilitySection(r: RegionsAvailability, mitigations: readonly string[]): Section {
  const [first] = r.regions;
  const shares = r.regions.map((x) => `${x.region} ${pct(x.share)}`).join(', ');
  return {
    title: 'Availability',
    table: {
      headers: ['tier', 'component', 'SLA %', 'on the request path', 'why'],
      numeric: [2],
      rows: [
        ...r.edgeComponents.map((c) => ['edge (once)', c.name, String(c.sla), c.inPath ? 'yes' : 'no', c.why]),
        ...r.regionalComponents.map((c) => ['each region', c.name, String(c.sla), c.inPath ? 'yes' : 'no', c.why]),
      ],
    },
    lines: [
      `Edge tier G: ${r.edgePercent.toFixed(2)} % (product of its SLAs): one distribution whatever the region count, so shown and not compared with the target.`,
      `Regional tier: ${percentText((1 - first.unavailability) * 100)} per region, u = ${pct(first.unavailability, 3)}, down ${fmt(first.downSecondsPerMonth)} s a month; shares ${shares}.`,
      `A = 1 - prod_r(u_r) - (k/P) x sum_r s_r x min(T_f, u_r x P / k) = 1 - (${seconds(r.allDownSeconds)} every region down + ${seconds(r.failoverLossSeconds)} failing over) / ${fmt(r.monthSeconds)} s `
        + `= ${percentText(r.percent)} against the ${r.targetPercent} % target: budget ${seconds(r.budgetSeconds)}, ${seconds(r.leftSeconds)} left; ${incidentsHeadroom(r)}.`,
      'Assumptions:',
      ...r.assumptions.map((a) => `- ${a}`),
      'Mitigations:',
      ...mitigations.map((m) => `- ${m}`),
    ],
  };
}

/** The whole bill with the region of each line. */
export function regionsCostSection(p: EnvironmentPlan): Section {
  return {
    title: 'Monthly cost',
    table: {
      headers: ['region', 'service', 'item', 'quantity', 'USD/month', 'price'],
      numeric: [4],
      rows: [
        ...p.cost.lines.map((l) => [l.region ?? '', l.service, l.item, l.quantity, usd(l.monthlyUsd), l.price]),
        ['total', '', '', '', usd(p.cost.totalUsd), ''],
        ['per million requests', '', '', '', usd(p.cost.perMillionUsd), ''],
      ],
    },
    lines: ['Variable lines are split by traffic share; the edge (CloudFront, the edge web ACL, Shield Advanced) is billed once. Each region is priced on its own tiers.'],
  };
}

export function extraRegionsSection(c: RegionsCost, totalUsd: number): Section {
  const primary = c.shares.find((s) => s.isPrimary)!.region;
  return {
    title: 'Cost of each extra region',
    table: {
      headers: ['extra region', 'part', 'item', 'USD/month'],
      numeric: [3],
      rows: c.extraRegions.flatMap((x) => [
        ...x.fixedLines.map((l) => [x.region, 'fixed', `${l.service}: ${l.item}`, usd(l.monthlyUsd)]),
        ...x.routingLines.map((l) => [x.region, 'health and routing', `${l.service}: ${l.item}`, usd(l.monthlyUsd)]),
        [x.region, 'traffic split', `its ${pct(x.share)} share billed in ${x.region}: tiered prices (REST requests, vended logs) restart per region, its own X-Ray reservoir, its region's prices`, signedUsd(x.trafficSplitUsd)],
        [x.region, 'total', 'the bill with it less the bill without it', usd(x.totalUsd)],
      ]),
    },
    lines: [
      ...c.extraRegions.map((x) => {
        const steady = x.totalUsd - x.trafficSplitUsd;
        return `${x.region} adds ${usd(x.totalUsd)} a month (${pct(x.totalUsd / c.oneRegionUsd, 1)} of the one-region bill): ${usd(steady)} whatever the traffic, ${signedUsd(x.trafficSplitUsd)} from splitting it.`;
      }),
      `${c.shares.length} regions cost ${usd(totalUsd)} a month; ${primary} alone would cost ${usd(c.oneRegionUsd)}.`,
    ],
  };
}

export function regionLimitsSection(l: RegionLimits): Section {
  const N = l.regions;
  if (l.mode === 'independent') {
    return {
      title: 'Tier limits across regions',
      table: {
        headers: ['tier', 'window', 'limit per region', 'one region, a failover in the window', `worst case, ${N} regions`],
        numeric: [2, 3, 4],
        rows: l.rows.map((r) => [r.tier, r.window, fmt(r.limit), `<= ${fmt(r.oneRegionConsumer)}`, `<= ${fmt(r.worstCase)}`]),
      },
      lines: [
        'rate_limiting.across_regions: independent. Each region enforces the full limit with its own counters (ElastiCache Serverless does not replicate), '
          + 'so a consumer whose requests reach R regions in a window is admitted at most R x the limit; one served by one region gets the limit, and twice it in a window '
          + 'that holds a failover (its counters stay behind). Usage-plan quotas are regional too. The edge web ACL\'s rate rules stay one global cap.',
      ],
    };
  }
  return {
    title: 'Tier limits across regions',
    table: {
      headers: ['tier', 'window', 'tier limit', `per-region budget, max(1, floor(L / ${N}))`, `all ${N} regions together`],
      numeric: [2, 3, 4],
      rows: l.rows.map((r) => [r.tier, r.window, fmt(r.limit), fmt(r.perRegionBudget ?? r.limit), `<= ${fmt(r.worstCase)}`]),
    },
    lines: [
      'rate_limiting.across_regions: divided. Each region enforces its budget with its own counters, so the regions together never admit more than the limit '
        + '(unless it is below the region count), but a consumer served by one region gets only that region\'s budget, also after a failover.',
    ],
  };
}
