/**
 * Owns: how Route 53 spreads a multi-region environment over its regions and how each region's
 * health is judged (decision 0026, D3 and D4): the CNAME records per name and region, the
 * alarm-based health checks, the regions that watch (observers), the prober's settings and the
 * names of the alarms. Pure data from the config: the Health and Routing stacks map it to CDK
 * (lib/constructs/health-*.ts, routing-records.ts), the prober Lambda reads its part.
 *
 * Why alarm-based checks: a Route 53 HTTPS check cannot send X-Origin-Verify (F8), so the
 * regional web ACL would refuse it. A prober Lambda sends it, counts failed probes per region
 * into `HealthProbeFailures{TargetRegion}`, an alarm per region judges one period, and a
 * `CLOUDWATCH_METRIC` check follows the alarm, holding its last status when the alarm has no data
 * (a silent prober moves no traffic, as in decision 0022).
 *
 * Not ANDed in: the region's own `<prefix>-5xx-rate` SLO alarm. The health route is a MOCK that
 * never reaches the authorizer, so an authorizer failure does not fail a probe; a per-region
 * CALCULATED check over the prober's check and the 5xx alarm would catch it, but
 * 1. Route 53 cannot watch that alarm: a CLOUDWATCH_METRIC check describes its alarm by one
 *    MetricName, Namespace and Statistic (API CloudWatchAlarmConfiguration, all required), and
 *    `<prefix>-5xx-rate` is metric math (errors / requests), which has none of them (community
 *    reports the CreateHealthCheck refusal; unverified here);
 * 2. it is a ticket, not a health verdict: 3 of 3 five-minute periods above the error budget
 *    (0.01 % for fintech), so it would act after 15 minutes, on any upstream's errors (which the
 *    other regions share when the upstream is shared), and flap: out of rotation its traffic
 *    drops below the 20-request floor, the ratio reads 0, the region returns, 15 minutes later it
 *    leaves again.
 * A per-region signal for "requests through the authorizer fail" would need a plain-metric alarm
 * of its own (e.g. the authorizer's Errors Sum over one minute); the calculated check would then
 * take it as a second child. Left for when it is wanted.
 */
import type { GatewayEnvironment } from '../config/environments';
import { environmentRegions } from '../config/regions';
import type { RoutingConfig } from '../config/region-schema';
import type { EnvironmentSettings } from '../config/schema';
import { METRICS_NAMESPACE } from '../observability/metric-names';
import { HEALTH_PATH } from './health-route';
import { resourcePrefix } from './resource-names';

/**
 * Where regions are watched from: the origin-verify secret's primary lives here, and so do the
 * edge stacks; a serving region's loss never blinds the check of another (D4).
 */
export const HEALTH_OBSERVER_REGION = 'us-east-1';

/**
 * Powertools service name (the `service` dimension) of the health prober. Beside its metric
 * rather than in lib/observability/metric-names.ts only because that file was not this change's
 * to edit; it belongs there with the others.
 */
export const HEALTH_PROBER_SERVICE = 'gatehouse-health-prober';
/** Failed probes of one region in one prober run (0 is published too). Count. Dimensions: service, TargetRegion. */
export const HEALTH_PROBE_METRIC = 'HealthProbeFailures';
export const HEALTH_PROBE_DIMENSION = 'TargetRegion';
/** Probes of one region within a period start this far apart (probes_per_period of them, at most 6 in 60 s). */
export const PROBE_INTERVAL_MS = 10_000;

/** The regional custom domains that get a record per region (lib/constructs/api-domains.ts creates the same set). */
export type RoutedDomain = 'api' | 'mtls' | 'tenants';

/** The routing-policy fields of one record (CloudFormation AWS::Route53::RecordSet). */
export type RecordRouting =
  | { readonly policy: 'latency'; readonly region: string }
  | { readonly policy: 'geolocation'; readonly countryCode?: string; readonly continentCode?: string }
  | { readonly policy: 'failover'; readonly failover: 'PRIMARY' | 'SECONDARY' };

/** One CNAME: `name` answers with `region`'s regional domain name of `domain`, while `region` is healthy. */
export interface RecordPlan {
  /** The name as configured, e.g. origin.api.payflow.example or *.tenants.example.com. */
  readonly name: string;
  readonly domain: RoutedDomain;
  /** The region served: its regional domain name is the record's value, its health check the record's. */
  readonly region: string;
  /** Unique among the records of `name`: the region (geolocation: region and location). */
  readonly setIdentifier: string;
  readonly ttlSeconds: number;
  readonly routing: RecordRouting;
}

/** The metric the prober publishes for one region, as the alarm reads it. */
export interface ProbeMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: 'Sum';
  readonly periodSeconds: number;
}

/** How one region is judged: an alarm in its observer region, and the Route 53 check that follows it. */
export interface RegionHealthPlan {
  readonly region: string;
  /** Where the prober of this region, its alarm and its check's AlarmIdentifier live. */
  readonly observerRegion: string;
  /** `<prefix>-health-<region>`: ALARM = out of rotation. */
  readonly alarmName: string;
  /** The Route 53 check's Name tag (the console's label). */
  readonly checkName: string;
  readonly metric: ProbeMetric;
  /** ALARM when Sum >= this within 1 of 1 periods (`failed_probes`). */
  readonly failedProbes: number;
  /** While the alarm has no data, the check keeps its last status. */
  readonly insufficientDataHealthStatus: 'LastKnownStatus';
  /** D9: `<prefix>-out-of-rotation-<region>` on the check's HealthCheckStatus (ticket), us-east-1. */
  readonly outOfRotationAlarmName: string;
}

/** What one observer region's prober does. */
export interface ObserverPlan {
  readonly region: string;
  /** Regions it probes, in `regions` order. */
  readonly targets: readonly string[];
}

/** How the prober probes every target (the same in every observer). */
export interface ProbeSettings {
  readonly path: string;
  /** domains.api: TLS SNI, Host, and the custom domain whose regional name each region is looked up by. */
  readonly host: string;
  readonly probesPerPeriod: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly periodSeconds: number;
}

/** "Some region is healthy": a CALCULATED check over the regions' checks. */
export interface AnyRegionHealthPlan {
  readonly checkName: string;
  readonly childRegions: readonly string[];
  readonly healthThreshold: 1;
  /** D9: `<prefix>-no-region-healthy` on its HealthCheckStatus (an input of the page), us-east-1. */
  readonly noRegionHealthyAlarmName: string;
}

export interface RoutingPlan {
  readonly regions: readonly string[];
  readonly hostedZone: RoutingConfig['hosted_zone'];
  readonly policy: RoutingConfig['policy'];
  readonly records: readonly RecordPlan[];
  readonly regionHealth: readonly RegionHealthPlan[];
  readonly anyRegion: AnyRegionHealthPlan;
  readonly observers: readonly ObserverPlan[];
  readonly probe: ProbeSettings;
}

/** `<prefix>-health-<region>`: the alarm that takes `region` out of rotation. */
export function healthAlarmName(prefix: string, region: string): string {
  return `${prefix}-health-${region}`;
}

/**
 * Who watches `target`: us-east-1, unless it is us-east-1 itself, which is watched from the first
 * other region of the environment (an observer never judges its own loss, D4).
 */
export function observerRegionOf(target: string, regions: readonly string[]): string {
  if (target !== HEALTH_OBSERVER_REGION) return HEALTH_OBSERVER_REGION;
  const other = regions.find((r) => r !== HEALTH_OBSERVER_REGION);
  if (!other) throw new Error(`${target} is the only region: nothing else can watch it`);
  return other;
}

/**
 * The regional custom domains of the environment, as ApiDomains creates them (domains.mtls only
 * with identity.mtls, which the loader requires of it).
 */
export function routedDomains(env: Pick<EnvironmentSettings, 'domains'>): Array<{ domain: RoutedDomain; name: string }> {
  const { domains } = env;
  return [
    ...(domains.api ? [{ domain: 'api' as const, name: domains.api }] : []),
    ...(domains.mtls ? [{ domain: 'mtls' as const, name: domains.mtls }] : []),
    ...(domains.tenants ? [{ domain: 'tenants' as const, name: domains.tenants }] : []),
  ];
}

/**
 * The routing of a multi-region environment. Throws (a programming error) for one region or
 * without routing/domains.api: the loader refuses those configs (lib/checks/region-rules.ts).
 */
export function planRouting(gateway: GatewayEnvironment): RoutingPlan {
  const settings = gateway.config.environments[gateway.name];
  const regions = environmentRegions(settings);
  const routing = settings.routing;
  const host = settings.domains.api;
  if (regions.length < 2 || !routing || !host) {
    throw new Error(`environment ${gateway.name}: routing needs 2 or more regions, routing and domains.api (the loader refuses anything else)`);
  }
  const prefix = resourcePrefix(gateway);
  const health = routing.health_check;

  const records = routedDomains(settings).flatMap(({ domain, name }) =>
    recordsOf(routing, regions).map((r): RecordPlan => ({ name, domain, ttlSeconds: routing.ttl_seconds, ...r })));

  const regionHealth = regions.map((region): RegionHealthPlan => ({
    region,
    observerRegion: observerRegionOf(region, regions),
    alarmName: healthAlarmName(prefix, region),
    checkName: healthAlarmName(prefix, region),
    metric: {
      namespace: METRICS_NAMESPACE,
      metricName: HEALTH_PROBE_METRIC,
      dimensions: { service: HEALTH_PROBER_SERVICE, [HEALTH_PROBE_DIMENSION]: region },
      statistic: 'Sum',
      periodSeconds: health.period_seconds,
    },
    failedProbes: health.failed_probes,
    insufficientDataHealthStatus: 'LastKnownStatus',
    outOfRotationAlarmName: `${prefix}-out-of-rotation-${region}`,
  }));

  const observerRegions = [...new Set(regionHealth.map((h) => h.observerRegion))];
  return {
    regions,
    hostedZone: routing.hosted_zone,
    policy: routing.policy,
    records,
    regionHealth,
    anyRegion: { checkName: `${prefix}-health-any-region`, childRegions: regions, healthThreshold: 1, noRegionHealthyAlarmName: `${prefix}-no-region-healthy` },
    observers: observerRegions.map((region) => ({ region, targets: regionHealth.filter((h) => h.observerRegion === region).map((h) => h.region) })),
    probe: {
      path: HEALTH_PATH,
      host,
      probesPerPeriod: health.probes_per_period,
      intervalMs: PROBE_INTERVAL_MS,
      timeoutMs: health.timeout_ms,
      periodSeconds: health.period_seconds,
    },
  };
}

/** The observer entry of `region`; throws when nothing is watched from there. */
export function observerIn(plan: RoutingPlan, region: string): ObserverPlan {
  const observer = plan.observers.find((o) => o.region === region);
  if (!observer) throw new Error(`no region is watched from ${region}; observer regions: ${plan.observers.map((o) => o.region).join(', ')}`);
  return observer;
}

/**
 * The records of one name, by policy:
 * - latency: one per region, `Region` = the region;
 * - failover: regions[0] PRIMARY, regions[1] SECONDARY (the loader allows exactly 2);
 * - geolocation: one per `routing.geolocation` entry (GB, continent:EU, default = CountryCode
 *   `*`). An unhealthy location's resolvers fall back to the next larger area and finally to
 *   default; when default names the same region as the failed location there is no healthy
 *   record left and Route 53 answers with the unhealthy ones (F11): such a location does not fail
 *   over. Set default to a region other than the busiest location's to keep failover.
 */
function recordsOf(routing: RoutingConfig, regions: readonly string[]): Array<Pick<RecordPlan, 'region' | 'setIdentifier' | 'routing'>> {
  switch (routing.policy) {
    case 'latency':
      return regions.map((region) => ({ region, setIdentifier: region, routing: { policy: 'latency', region } }));
    case 'failover':
      return regions.slice(0, 2).map((region, i) => ({ region, setIdentifier: region, routing: { policy: 'failover', failover: i === 0 ? 'PRIMARY' : 'SECONDARY' } }));
    case 'geolocation':
      return Object.entries(routing.geolocation ?? {}).map(([where, region]) => ({
        region,
        setIdentifier: `${region}-${where.replace(':', '-')}`,
        routing: { policy: 'geolocation', ...geoLocation(where) },
      }));
  }
}

/** A `routing.geolocation` key as Route 53's GeoLocation. */
function geoLocation(where: string): { countryCode?: string; continentCode?: string } {
  if (where === 'default') return { countryCode: '*' };
  if (where.startsWith('continent:')) return { continentCode: where.slice('continent:'.length) };
  return { countryCode: where };
}
