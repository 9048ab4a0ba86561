import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The layering of docs/architecture.md, checked with dependency-cruiser (.dependency-cruiser.cjs). */
const ROOT = join(__dirname, '../..');

interface Violation { readonly from: string; readonly to: string; readonly rule: { readonly name: string } }

function cruise(): Violation[] {
  // dependency-cruiser is ESM-only, which Jest's CommonJS runtime cannot load: run its CLI.
  const run = spawnSync(join(ROOT, 'node_modules/.bin/depcruise'), ['lib', 'lambdas', 'local', 'bin', 'cli', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (!run.stdout) throw new Error(`depcruise failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

/** The violations with a probe module written at `path` (removed afterwards). */
function violationsWith(path: string, source: string): string[] {
  const probe = join(ROOT, path);
  writeFileSync(probe, source);
  try {
    return cruise().map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  } finally {
    rmSync(probe, { force: true });
  }
}

describe('layers: no module imports from a layer above it', () => {
  it('holds for the whole tree', () => {
    expect(cruise().map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('catches a Lambda module that imports a construct (the check can fail)', () => {
    expect(violationsWith('lambdas/layer-probe.ts', "import { ApiUsagePlans } from '../lib/constructs/api-usage-plans';\nexport const probe = ApiUsagePlans;\n"))
      .toContain('lambda-imports-cdk: lambdas/layer-probe.ts -> lib/constructs/api-usage-plans.ts');
  });

  it('catches the config importing the contract (the folder circle issue 11 broke)', () => {
    expect(violationsWith('lib/config/layer-probe.ts', "import { compileRouteTable } from '../contract/route-table';\nexport const probe = compileRouteTable;\n"))
      .toContain('config-imports-above: lib/config/layer-probe.ts -> lib/contract/route-table.ts');
  });
});
