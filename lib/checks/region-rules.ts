/**
 * The rules of a multi-region environment (decision 0026): a region list that names each region
 * once, primary first; routing that can route (a zone holding the names, a policy that fits the
 * region count); per-region settings only for listed regions; regions that offer what the config
 * uses (lib/config/region-capabilities.ts). A one-region environment without these keys passes.
 */
import type { AddProblem } from '../config/errors';
import { missingCapabilities } from '../config/region-capabilities';
import { environmentRegions } from '../config/regions';
import type { EnvironmentSettings, GatewayConfig } from '../config/schema';

export function checkRegions(config: GatewayConfig, envName: string, env: EnvironmentSettings, add: AddProblem): void {
  const at = ['environments', envName];
  const regions = environmentRegions(env);
  if (env.regions) {
    if (env.regions[0] !== env.region) add([...at, 'regions', 0], `the first region is the primary and must be region (${env.region}), not ${env.regions[0]}`);
    env.regions.forEach((r, i) => {
      const first = env.regions!.indexOf(r);
      if (first !== i) add([...at, 'regions', i], `${r} is listed twice (first at regions[${first}]); each region gets one set of regional stacks`);
    });
  }
  regions.forEach((r, i) => {
    for (const missing of missingCapabilities(config, r)) {
      add(env.regions ? [...at, 'regions', i] : [...at, 'region'], `${r} ${missing}`);
    }
  });
  for (const r of Object.keys(env.per_region)) {
    if (r === env.region) add([...at, 'per_region', r], `${r} is the primary region: its settings are the environment's own certificates and vpc`);
    else if (!regions.includes(r)) add([...at, 'per_region', r], `${r} is not in regions (${regions.join(', ')}); list it there or remove these settings`);
  }
  const routing = env.routing;
  if (regions.length === 1) {
    if (routing) add([...at, 'routing'], `routing spreads requests across regions, but this environment has one (${env.region}); list the others in regions, or remove routing`);
    return;
  }
  if (!routing) {
    add([...at, 'routing'], `required with ${regions.length} regions: the Route 53 hosted zone and policy that send each request to a healthy region (docs/multi-region.md)`);
  } else {
    checkRouting(env, regions, at, add);
  }
  if (!env.domains.api) add([...at, 'domains', 'api'], `required with ${regions.length} regions: CloudFront's origin is this name, which Route 53 resolves to a healthy region`);
}

function checkRouting(env: EnvironmentSettings, regions: readonly string[], at: readonly PropertyKey[], add: AddProblem): void {
  const routing = env.routing!;
  const key = [...at, 'routing'];
  const zone = routing.hosted_zone.name;
  for (const kind of ['api', 'mtls', 'tenants'] as const) {
    const name = env.domains[kind];
    if (name && !name.endsWith(`.${zone}`)) add([...at, 'domains', kind], `${name} is not in routing.hosted_zone ${zone}: Route 53 can only route names of its zone`);
  }
  if (routing.policy === 'failover' && regions.length !== 2) {
    add([...key, 'policy'], `failover routes to a primary and one secondary: exactly 2 regions, not ${regions.length}; use latency or geolocation`);
  }
  if (routing.policy === 'geolocation' && !routing.geolocation) add([...key, 'geolocation'], 'required by policy geolocation: locations (GB, continent:EU, default) -> region');
  if (routing.policy !== 'geolocation' && routing.geolocation) add([...key, 'geolocation'], `only used by policy geolocation (policy is ${routing.policy})`);
  if (routing.geolocation) {
    if (!routing.geolocation.default) add([...key, 'geolocation'], 'needs a default entry: resolvers whose location matches no entry get no answer otherwise');
    for (const [where, r] of Object.entries(routing.geolocation)) {
      if (!regions.includes(r)) add([...key, 'geolocation', where], `${r} is not in regions (${regions.join(', ')})`);
    }
    const served = new Set(Object.values(routing.geolocation));
    const idle = regions.filter((r) => !served.has(r));
    if (idle.length > 0) add([...key, 'geolocation'], `no location is routed to ${idle.join(', ')}: a region must serve some location (it is still failed over to only through default)`);
  }
  if (routing.traffic_share) {
    for (const r of Object.keys(routing.traffic_share)) {
      if (!regions.includes(r)) add([...key, 'traffic_share', r], `${r} is not in regions (${regions.join(', ')})`);
    }
    const missing = regions.filter((r) => !(r in routing.traffic_share!));
    if (missing.length > 0) add([...key, 'traffic_share'], `gives no share for ${missing.join(', ')}: name every region`);
    const sum = Object.values(routing.traffic_share).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-9) add([...key, 'traffic_share'], `shares sum to ${Number(sum.toFixed(6))}, not 1`);
  }
  const health = routing.health_check;
  if (health.failed_probes > health.probes_per_period) {
    add([...key, 'health_check', 'failed_probes'], `${health.failed_probes} failed probes can never happen in a period of ${health.probes_per_period} probes: at most probes_per_period`);
  }
  if (health.timeout_ms * health.probes_per_period > health.period_seconds * 1000) {
    add([...key, 'health_check', 'timeout_ms'], `${health.probes_per_period} probes of ${health.timeout_ms} ms do not fit in ${health.period_seconds} s`);
  }
}
