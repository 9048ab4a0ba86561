import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../lib/checks/load';
import type { GatewayEnvironment } from '../../lib/config/environments';
import { minimalConfig } from '../support/config-text';

/**
 * The fintech example, whose prod runs in two regions (decision 0026's worked example): eu-west-2
 * primary, eu-west-1 with its own certificates, Route 53 zone payflow.example, latency routing.
 */
export const FINTECH_TWO_REGIONS = readFileSync(join(__dirname, '../../examples/fintech-startup.yaml'), 'utf8');

export function fintechTwoRegions(): GatewayEnvironment {
  return parseConfig(FINTECH_TWO_REGIONS, 'fintech-two-regions.yaml').environments.prod;
}

const certificate = (region: string, n: number) => `arn:aws:acm:${region}:111111111111:certificate/00000000-0000-4000-8000-00000000000${n}`;

/**
 * A small multi-region environment `live` of gateway `acme`: `regions` (primary first), the API
 * on origin.api.acme.example in zone acme.example, `routing` merged over the zone, and
 * `domains` merged over the API's; `top` adds top-level keys (e.g. compliance).
 */
export function acmeMultiRegion(regions: readonly string[], routing: Record<string, unknown> = {}, domains: Record<string, unknown> = {}, top: Record<string, unknown> = {}): GatewayEnvironment {
  const [primary, ...others] = regions;
  const text = minimalConfig({
    ...top,
    environments: {
      dev: null,
      live: {
        account: '111111111111',
        region: primary,
        regions,
        domains: { api: 'origin.api.acme.example', ...domains },
        certificates: { regional: certificate(primary, 1) },
        routing: { hosted_zone: { id: 'Z0123456789EXAMPLE', name: 'acme.example' }, ...routing },
        per_region: Object.fromEntries(others.map((r, i) => [r, { certificates: { regional: certificate(r, i + 2) } }])),
      },
    },
  });
  return parseConfig(text, 'acme.yaml').environments.live;
}
