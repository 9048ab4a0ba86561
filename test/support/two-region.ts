import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * The fintech example with its prod environment in two regions (eu-west-2 primary, eu-west-1),
 * as YAML text: the keys docs/multi-region.md tells a user to add.
 */
export function twoRegionFintech(extraProd: Record<string, unknown> = {}): string {
  const config = parse(readFileSync(join(__dirname, '../../examples/fintech-startup.yaml'), 'utf8')) as { environments: Record<string, Record<string, unknown>> };
  Object.assign(config.environments.prod, {
    regions: ['eu-west-2', 'eu-west-1'],
    routing: { hosted_zone: { id: 'Z0123456789EXAMPLE', name: 'payflow.example' } },
    per_region: {
      'eu-west-1': {
        certificates: {
          regional: 'arn:aws:acm:eu-west-1:210000000003:certificate/0d1e2f30-0000-4000-8000-000000000011',
          alb: 'arn:aws:acm:eu-west-1:210000000003:certificate/0d1e2f30-0000-4000-8000-000000000012',
        },
      },
    },
    ...extraProd,
  });
  return stringify(config);
}
