/**
 * The multi-region keys of an environment (docs/multi-region.md, decision 0026): which regions
 * serve it, how Route 53 spreads requests across them, and the settings that differ per region.
 * Apart from schema.ts because they form one topic. One region stays the default: without
 * `regions` an environment is exactly what it was.
 */
import { z } from 'zod';

export const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
export const regionName = z.string().regex(REGION_PATTERN, 'an AWS region like eu-west-1');

/** DNS answers of the API's names: Route 53 allows 0-2147483647 s; failover wants them short. */
export const MIN_ROUTING_TTL_SECONDS = 10;
export const MAX_ROUTING_TTL_SECONDS = 300;

const HealthCheck = z.strictObject({
  period_seconds: z.literal(60).default(60)
    .describe('Length of one judgement, in seconds: the health alarm\'s period (one CloudWatch minute).'),
  probes_per_period: z.number().int().min(1).max(6).default(6)
    .describe('Probes of each region per period, 10 s apart (6: one every 10 s).'),
  failed_probes: z.number().int().min(1).max(6).default(3)
    .describe('Failed probes within one period that take a region out of rotation (<= probes_per_period).'),
  timeout_ms: z.number().int().min(100).max(5000).default(2000)
    .describe('A probe that has no answer within this many ms has failed.'),
}).describe('How each region\'s health is judged: a prober in us-east-1 calls GET /_gatehouse/health on every region through its regional custom domain.');

export const Routing = z.strictObject({
  hosted_zone: z.strictObject({
    id: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'a Route 53 hosted zone id like Z0123456789EXAMPLE').describe('Hosted zone id.'),
    name: z.string().regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a zone name like example.com').describe('Zone name; domains.api, domains.mtls and domains.tenants must be in it.'),
  }).describe('Public Route 53 hosted zone that holds the API\'s regional names (it is not created: an existing zone).'),
  policy: z.enum(['latency', 'geolocation', 'failover']).default('latency')
    .describe('latency: each resolver gets the nearest healthy region; geolocation: by the resolver\'s country or continent (routing.geolocation); failover: the primary while it is healthy, else the second region (exactly 2 regions).'),
  ttl_seconds: z.number().int().min(MIN_ROUTING_TTL_SECONDS).max(MAX_ROUTING_TTL_SECONDS).default(60)
    .describe('TTL of the per-region CNAME records: how long a resolver may keep sending traffic to a region after it left rotation.'),
  geolocation: z.record(z.string().regex(/^([A-Z]{2}|continent:(AF|AN|AS|EU|NA|OC|SA)|default)$/, 'a country code like GB, continent:EU, or default'), regionName).optional()
    .describe('policy geolocation: country code (GB), continent (continent:EU) or default -> region. default is required.'),
  traffic_share: z.record(regionName, z.number().gt(0).max(1)).optional()
    .describe('Share of requests each region serves, for the planner only (default: equal shares). Must sum to 1.'),
  health_check: HealthCheck.default(HealthCheck.parse({})),
}).describe('Route 53 routing across the regions of a multi-region environment (required with 2 or more regions).');

export type RoutingConfig = z.infer<typeof Routing>;
