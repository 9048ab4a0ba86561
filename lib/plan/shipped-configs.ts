import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The configs the repository ships, relative to its root: the default one, then examples/*.yaml. */
export function shippedConfigs(root: string): string[] {
  const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml')).sort();
  return ['gateway.config.yaml', ...examples.map((f) => `examples/${f}`)];
}

/** Where the generated report lives, relative to the repository root. */
export const CAPACITY_REPORT_FILE = 'docs/capacity-report.md';
