import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * The fintech example, whose prod runs in two regions (eu-west-2 primary, eu-west-1), as YAML
 * text, with `extraProd` merged into prod: the shipped two-region environment, for tests that
 * vary it.
 */
export function twoRegionFintech(extraProd: Record<string, unknown> = {}): string {
  const config = parse(readFileSync(join(__dirname, '../../examples/fintech-startup.yaml'), 'utf8')) as { environments: Record<string, Record<string, unknown>> };
  if (!Array.isArray(config.environments.prod.regions) || config.environments.prod.regions.length < 2) {
    throw new Error('fixture: examples/fintech-startup.yaml prod is expected to list two regions');
  }
  Object.assign(config.environments.prod, extraProd);
  return stringify(config);
}

/**
 * The fintech example with its prod back in one region (eu-west-2 alone: no regions, routing or
 * per_region), as YAML text: what the environment was before its second region, for tests that
 * compare the two or pin the one-region model.
 */
export function oneRegionFintech(): string {
  const config = parse(readFileSync(join(__dirname, '../../examples/fintech-startup.yaml'), 'utf8')) as { environments: Record<string, Record<string, unknown>> };
  for (const key of ['regions', 'routing', 'per_region']) delete config.environments.prod[key];
  return stringify(config);
}
