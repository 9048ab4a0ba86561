import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The layering of docs/architecture.md, checked with dependency-cruiser (.dependency-cruiser.cjs). */
const ROOT = join(__dirname, '../..');

interface Violation { readonly from: string; readonly to: string; readonly rule: { readonly name: string } }

function cruise(): Violation[] {
  // dependency-cruiser is ESM-only, which Jest's CommonJS runtime cannot load: run its CLI.
  const run = spawnSync(join(ROOT, 'node_modules/.bin/depcruise'), ['lib', 'lambdas', 'local', 'bin', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (!run.stdout) throw new Error(`depcruise failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('layers: no module imports from a layer above it', () => {
  it('holds for the whole tree', () => {
    expect(cruise().map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('catches a Lambda module that imports a construct (the check can fail)', () => {
    const probe = join(ROOT, 'lambdas/layer-probe.ts');
    writeFileSync(probe, "import { ApiUsagePlans } from '../lib/constructs/api-usage-plans';\nexport const probe = ApiUsagePlans;\n");
    try {
      expect(cruise().map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toContain('lambda-imports-cdk: lambdas/layer-probe.ts -> lib/constructs/api-usage-plans.ts');
    } finally {
      rmSync(probe, { force: true });
    }
  });
});
