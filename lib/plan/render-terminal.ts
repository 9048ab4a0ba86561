import type { EnvironmentPlan } from './plan';
import { planSections } from './plan-sections';
import { textTable } from './text-table';

/** The plan of one environment as readable text tables. */
export function renderTerminal(p: EnvironmentPlan): string {
  const head = `${p.file} · environment ${p.environment} (${p.regions.join(' + ')}, account ${p.account})`;
  const out = [head, '='.repeat(head.length)];
  for (const s of planSections(p)) {
    out.push('', s.title);
    if (s.table) out.push(textTable(s.table));
    if (s.lines) out.push(...s.lines.map((l) => `  ${l}`));
  }
  return `${out.join('\n')}\n`;
}
