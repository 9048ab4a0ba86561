import { API_GATEWAY_LIMITS } from '../config/aws-limits';
import type { Finding } from './finding';
import { fmt, pct, rate, usd } from './format-number';
import type { GrpcTranscoderPlan } from './grpc-transcoder';
import type { EnvironmentPlan } from './plan';
import { limitsSections } from './limits-sections';
import { extraRegionsSection, regionLimitsSection, regionsAvailabilitySection, regionsAvailabilitySummary, regionsCostSection } from './region-sections';
import type { Table } from './text-table';

/** One titled part of a rendered plan: a table and/or lines of text. */
export interface Section {
  readonly title: string;
  readonly table?: Table;
  readonly lines?: readonly string[];
}

/** The sections of one environment's plan, in reading order; both renderers print these. */
export function planSections(p: EnvironmentPlan): Section[] {
  const peak = p.authorizer.peak;
  const multi = p.availability.regions;
  const regionsCost = p.cost.regions;
  return [
    {
      title: 'Summary',
      table: {
        headers: ['figure', 'value'],
        rows: [
          ['traffic', `${fmt(p.traffic.steadyRps)} req/s steady, ${fmt(p.traffic.peakRps)} req/s peak (${p.traffic.burstiness}), ${fmt(p.traffic.distinctConsumers)} distinct consumers`],
          ['requests per month', `${fmt(p.cost.requestsPerMonth / 1e6, 1)} M (steady rate x ${fmt(p.assumptions.hoursPerMonth)} h)`],
          ['authorizer invocations at peak', `${rate(peak.invocationsPerSecond)}/s (${pct(peak.uncachedShare, 1)} of requests)`],
          ['authorizer concurrency at peak', `${rate(p.concurrency.peak)} of ${fmt(p.concurrency.reserved)} reserved`],
          ['Redis EVALSHA at peak', p.redis.enabled ? `${rate(p.redis.opsPerSecondPeak)}/s (${rate(p.redis.ecpuPerSecondPeak)} ECPU/s)` : 'none (local rate limiting)'],
          ['p99 latency', `${p.latency.gatewayMs} ms in the gateway of ${p.latency.targetMs} ms target (${p.latency.upstreamBudgetMs} ms left for the upstream)`],
          ['availability', multi ? regionsAvailabilitySummary(multi) : `target ${p.availability.targetPercent} %, request-path SLAs ${p.availability.compositePercent.toFixed(2)} %, one region`],
          ['monthly cost', regionsCost
            ? `${usd(p.cost.totalUsd)} for ${p.regions.length} regions, ${usd(p.cost.totalUsd - regionsCost.oneRegionUsd)} more than ${p.region} alone (list prices of ${p.pricesAsOf})`
            : `${usd(p.cost.totalUsd)} (${p.priceRegion} list prices of ${p.pricesAsOf})`],
          ['cost per million requests', usd(p.cost.perMillionUsd)],
        ],
      },
    },
    { title: 'Findings', lines: p.findings.length ? p.findings.map(findingLine) : ['none'] },
    {
      title: 'Request mix and authorizer cache (peak)',
      table: {
        headers: ['route', 'method', 'path', 'share', 'req/s', 'cache TTL', 'invocations/s', 'why the TTL'],
        numeric: [3, 4, 5, 6],
        rows: peak.endpoints.map((e) => [e.route, e.httpMethod, e.path, pct(e.share, 1), rate(e.requestsPerSecond), `${e.ttl} s`, rate(e.invocationsPerSecond), e.ttlReason ?? `limits: approximate, cache_ttl ${e.ttl}`]),
      },
    },
    {
      title: 'Capacity and limits',
      table: {
        headers: ['limit', 'needed', 'available', 'use'],
        numeric: [1, 2, 3],
        rows: [
          ['API Gateway account throttle (req/s)', fmt(p.throttle.peakRps), fmt(p.throttle.accountRate), pct(p.throttle.accountUtilisation)],
          ['stage throttle (req/s, burst ' + fmt(p.throttle.stageBurst) + ')', fmt(p.throttle.peakRps), fmt(p.throttle.stageRate), pct(p.throttle.peakRps / p.throttle.stageRate)],
          ['authorizer concurrency (reserved)', rate(p.concurrency.peak), fmt(p.concurrency.reserved), pct(p.concurrency.peak / p.concurrency.reserved)],
          ['reserved concurrency (account default)', fmt(p.concurrency.reserved), fmt(p.concurrency.maxReservable), pct(p.concurrency.reserved / p.concurrency.maxReservable)],
          ['usage plans', fmt(p.throttle.usagePlans), fmt(API_GATEWAY_LIMITS.usagePlans), pct(p.throttle.usagePlans / API_GATEWAY_LIMITS.usagePlans)],
          ['API keys (tier keys + one per consumer, at most)', fmt(p.throttle.apiKeysAtMost), '10,000', pct(p.throttle.apiKeysAtMost / 10_000)],
        ],
      },
      lines: [
        `DynamoDB key lookups: ${rate(p.keyLookups.peakPerSecond)}/s at peak, ${rate(p.keyLookups.steadyPerSecond)}/s steady (after the ${p.assumptions.rruPerKeyLookup} RRU in-memory key cache).`,
        `Valkey: ${fmt(p.redis.counters)} counters, ${(p.redis.storedGb * 1000).toFixed(2)} MB stored; ${rate(p.redis.opsPerSecondSteady)} EVALSHA/s steady.`,
      ],
    },
    {
      title: 'Usage plans (per API key)',
      table: { headers: ['tier', 'rate (req/s)', 'burst', 'quota'], numeric: [1, 2], rows: p.throttle.tiers.map((t) => [t.tier, fmt(t.ratePerKey), fmt(t.burstPerKey), t.quota]) },
    },
    ...(p.regionLimits ? [regionLimitsSection(p.regionLimits)] : []),
    ...(p.grpc ? [grpcSection(p.grpc, p.assumptions)] : []),
    {
      title: 'p99 latency budget',
      table: {
        headers: ['hop', 'p99 ms', 'assumption'],
        numeric: [1],
        rows: [
          ...p.latency.hops.map((h) => [h.hop, String(h.p99Ms), h.why]),
          ['gateway total', String(p.latency.gatewayMs), 'sum of hop p99s (pessimistic)'],
          ['left for the upstream', String(p.latency.upstreamBudgetMs), `of targets.p99_latency_ms ${p.latency.targetMs}`],
        ],
      },
    },
    multi ? regionsAvailabilitySection(multi, p.availability.mitigations) : {
      title: 'Availability',
      table: {
        headers: ['component', 'SLA %', 'on the request path', 'why'],
        numeric: [1],
        rows: p.availability.components.map((c) => [c.name, String(c.sla), c.inPath ? 'yes' : 'no', c.why]),
      },
      lines: [
        `Request path: ${p.availability.compositePercent.toFixed(2)} % (product of the SLAs on it); one region can promise at most ${p.availability.singleRegionCeiling} %.`,
        ...p.availability.mitigations.map((m) => `- ${m}`),
      ],
    },
    regionsCost ? regionsCostSection(p) : {
      title: 'Monthly cost',
      table: {
        headers: ['service', 'item', 'quantity', 'USD/month', 'price'],
        numeric: [3],
        rows: [
          ...p.cost.lines.map((l) => [l.service, l.item, l.quantity, usd(l.monthlyUsd), l.price]),
          ['total', '', '', usd(p.cost.totalUsd), ''],
          ['per million requests', '', '', usd(p.cost.perMillionUsd), ''],
        ],
      },
    },
    ...(regionsCost ? [extraRegionsSection(regionsCost, p.cost.totalUsd)] : []),
    ...limitsSections(p),
  ];
}

/** The gRPC transcoder's load, concurrency and assumptions (lib/plan/grpc-transcoder.ts). */
function grpcSection(g: GrpcTranscoderPlan, a: EnvironmentPlan['assumptions']): Section {
  return {
    title: 'gRPC transcoding',
    table: {
      headers: ['figure', 'value'],
      rows: [
        ['routes to gRPC services', `${g.routes.join(', ')} (${pct(g.share, 1)} of requests)`],
        ['transcoder invocations', `${rate(g.steadyRps)}/s steady, ${rate(g.peakRps)}/s peak`],
        ['seconds per invocation', `${fmt(g.secondsPerInvocation * 1000, 1)} ms: ${fmt(a.grpc.transcodeSeconds * 1000, 1)} ms own work (bench:grpc) + ${fmt(a.grpc.upstreamSeconds * 1000)} ms upstream (assumed) + cold starts`],
        ['concurrency at peak', `${rate(g.concurrency.peak)} of ${fmt(g.concurrency.reserved)} reserved`],
        ['native gRPC services', g.nativeServices.length ? g.nativeServices.join(', ') : 'none'],
      ],
    },
  };
}

export const findingLine = (f: Finding) => `${f.severity === 'warning' ? 'WARNING' : 'note'} [${f.code}] ${f.message}`;
