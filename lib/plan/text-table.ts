/** A table both renderers print: header cells, rows, and which columns are numbers (right-aligned). */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Indexes of right-aligned columns. */
  readonly numeric?: readonly number[];
}

/** Plain-text table with a rule under the header, for terminals. */
export function textTable(table: Table, indent = '  '): string {
  const widths = table.headers.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => indent + cells.map((c, i) => {
    const last = i === cells.length - 1;
    if (table.numeric?.includes(i)) return c.padStart(widths[i]);
    return last ? c : c.padEnd(widths[i]);
  }).join('  ').trimEnd();
  return [line(table.headers), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

/** GitHub-flavoured markdown table; `|` in cells is escaped. */
export function markdownTable(table: Table): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const align = table.headers.map((_, i) => (table.numeric?.includes(i) ? '---:' : '---'));
  return [
    `| ${table.headers.map(esc).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...table.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
