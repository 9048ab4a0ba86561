import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { textTable } from '../../lib/plan/text-table';

const ROOT = resolve(__dirname, '../..');
const plan = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'bin/plan.ts'), ...args], {
  cwd: ROOT, encoding: 'utf8', env: withoutConfigVariable(),
});

function withoutConfigVariable(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.GATEHOUSE_CONFIG;
  return env;
}

describe('bin/plan.ts', () => {
  it('prints one JSON plan per selected environment with --json', () => {
    const run = plan('--config', 'examples/fintech-startup.yaml', '--env', 'prod', '--json');
    expect(run.status).toBe(0);
    const plans = JSON.parse(run.stdout) as { environment: string; traffic: { peakRps: number }; cost: { totalUsd: number }; findings: { code: string }[] }[];
    expect(plans.map((p) => p.environment)).toEqual(['prod']);
    expect(plans[0].traffic.peakRps).toBe(10_000);
    expect(Math.round(plans[0].cost.totalUsd)).toBe(96938);
    expect(plans[0].findings.map((f) => f.code)).toContain('availability-multi-region');
  });

  it('prints readable tables and writes a markdown report', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'plan-')), 'report.md');
    const run = plan('-c', 'gateway.config.yaml', '-e', 'dev', '--markdown', out);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('gateway.config.yaml · environment dev (eu-west-1, account 111111111111)');
    expect(run.stdout).toMatch(/\n {2}API Gateway account throttle \(req\/s\) +2,000 +10,000 +20 %\n/);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('## gateway.config.yaml');
    expect(md).toContain('| figure | value |');
  });

  it('rejects an invalid config with the same message as synth and no stack trace', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plan-')), 'bad.yaml');
    writeFileSync(file, 'name: shop\ntraffic:\n  steady_rps: lots\n');
    const run = plan('--config', file);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Invalid gateway config \(\d+ problems\)\n/);
    expect(run.stderr).toContain(`${file}:3 traffic.steady_rps: expected a number, got a string "lots"`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('names an unknown environment', () => {
    const run = plan('--config', 'gateway.config.yaml', '--env', 'qa');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no environment "qa" (selected with --env NAME); defined environments: dev, prod');
  });

  it('reports a markdown path it cannot write without a stack trace', () => {
    const run = plan('--config', 'gateway.config.yaml', '--env', 'dev', '--markdown', '/nonexistent/dir/report.md');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('plan: cannot write the markdown report to /nonexistent/dir/report.md: its directory does not exist\n');
  });

  it('refuses an empty --env instead of planning every environment', () => {
    const run = plan('--config', 'gateway.config.yaml', '--env', '');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('environments: --env NAME is empty (an unset variable?); name one or more of: dev, prod');
    expect(run.stdout).toBe('');
  });

  it("points out cdk synth's -c config=FILE syntax", () => {
    const run = plan('-c', 'config=gateway.config.yaml');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('plan: "config=gateway.config.yaml" is cdk synth\'s syntax; plan takes --config FILE and --env NAME');
  });

  it('rejects an unknown flag with the usage line', () => {
    const run = plan('--jsn');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("plan: Unknown option '--jsn'");
    expect(run.stderr).toContain('usage: npm run plan -- [--config FILE]... [--env NAME]... [--all] [--json] [--markdown FILE]');
  });
});

describe('textTable', () => {
  it('pads text left and numbers right under a rule', () => {
    expect(textTable({ headers: ['name', 'n'], rows: [['a', '1'], ['bbb', '1,000']], numeric: [1] }, '')).toBe([
      'name      n',
      '----  -----',
      'a         1',
      'bbb   1,000',
    ].join('\n'));
  });
});
