/** The results of `gatehouse verify` as people and CI read them. */
import type { CheckResult } from './checks';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

export function textReport(results: readonly CheckResult[], url: string): string {
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  const lines = results.map((r) => `${MARK[r.status]}  ${r.title}${r.status === 'pass' ? '' : `\n      ${r.reason}`}`);
  return `${lines.join('\n')}\n\n${url}: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped\n`;
}

/** JUnit XML: one test case per check, skipped and failed ones with their reason. */
export function junitXml(results: readonly CheckResult[], suite: string): string {
  const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
  const cases = results.map((r) => {
    const inner = r.status === 'fail' ? `<failure message="${esc(r.reason)}"/>` : r.status === 'skip' ? `<skipped message="${esc(r.reason)}"/>` : '';
    return `  <testcase classname="${esc(suite)}" name="${esc(r.title)}">${inner}</testcase>`;
  });
  const failures = results.filter((r) => r.status === 'fail').length;
  const skipped = results.filter((r) => r.status === 'skip').length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="${esc(suite)}" tests="${results.length}" failures="${failures}" skipped="${skipped}">\n${cases.join('\n')}\n</testsuite>\n`;
}
