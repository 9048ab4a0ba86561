import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatehouse, STACK_TRACE } from './support';

describe('gatehouse plan', () => {
  it('prints one JSON plan per selected environment with --json', () => {
    const run = gatehouse(['plan', '--config', 'examples/fintech-startup.yaml', '--env', 'prod', '--json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('gatehouse plan: config examples/fintech-startup.yaml (--config)\n');
    const plans = JSON.parse(run.stdout) as { environment: string; regions: string[]; traffic: { peakRps: number }; cost: { totalUsd: number }; findings: { code: string }[] }[];
    expect(plans.map((p) => p.environment)).toEqual(['prod']);
    expect(plans[0].traffic.peakRps).toBe(10_000);
    expect(Math.round(plans[0].cost.totalUsd)).toBe(99982);   // two regions (docs/multi-region.md)
    expect(plans[0].regions).toEqual(['eu-west-2', 'eu-west-1']);
    expect(plans[0].findings.map((f) => f.code)).not.toContain('availability-multi-region');
  });

  it('prints readable tables and writes a markdown report', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'plan-')), 'report.md');
    const run = gatehouse(['plan', '-c', 'gateway.config.yaml', '-e', 'dev', '--markdown', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('gateway.config.yaml · environment dev (eu-west-1, account 111111111111)');
    expect(run.stdout).toMatch(/\n {2}API Gateway account throttle \(req\/s\) +2,000 +10,000 +20 %\n/);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('## gateway.config.yaml');
    expect(md).toContain('| figure | value |');
  });

  it('names every config file it plans, --all included', () => {
    const run = gatehouse(['plan', '--all', '--json']);
    expect(run.status).toBe(0);
    expect(run.stderr.split('\n').filter(Boolean)).toEqual(expect.arrayContaining([
      'gatehouse plan: config gateway.config.yaml (--all)',
      'gatehouse plan: config examples/ecommerce.yaml (--all)',
    ]));
    expect(gatehouse(['plan', '-e', 'prod'], { GATEHOUSE_CONFIG: 'examples/ecommerce.yaml' }).stderr).toBe('gatehouse plan: config examples/ecommerce.yaml (GATEHOUSE_CONFIG)\n');
  });

  it('rejects an invalid config with the same message as synth and no stack trace, exit 1', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'plan-')), 'bad.yaml');
    writeFileSync(file, 'name: shop\ntraffic:\n  steady_rps: lots\n');
    const run = gatehouse(['plan', '--config', file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/\nInvalid gateway config \(\d+ problems\)\n/);
    expect(run.stderr).toContain(`${file}:3 traffic.steady_rps: expected a number, got a string "lots"`);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.stdout).toBe('');
  });

  it('names an unknown environment, exit 1', () => {
    const run = gatehouse(['plan', '--config', 'gateway.config.yaml', '--env', 'qa']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no environment "qa" (selected with --env NAME); defined environments: dev, prod');
  });

  it('reports a markdown path it cannot write without a stack trace, exit 1', () => {
    const run = gatehouse(['plan', '--config', 'gateway.config.yaml', '--env', 'dev', '--markdown', '/nonexistent/dir/report.md']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('gatehouse plan: config gateway.config.yaml (--config)\nplan: cannot write the markdown report to /nonexistent/dir/report.md: its directory does not exist\n');
  });

  it('refuses an empty --env instead of planning every environment, exit 1', () => {
    const run = gatehouse(['plan', '--config', 'gateway.config.yaml', '--env', '']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('environments: --env NAME is empty (an unset variable?); name one or more of: dev, prod');
    expect(run.stdout).toBe('');
  });

  it("points out cdk synth's -c config=FILE syntax, exit 2", () => {
    expect(gatehouse(['plan', '-c', 'config=gateway.config.yaml'])).toEqual({
      status: 2, stdout: '', stderr: 'error: "config=gateway.config.yaml" is cdk synth\'s syntax; plan takes --config FILE and --env NAME\n(add --help for usage)\n',
    });
  });

  it('refuses --all with --config and an unknown flag with the one meant, exit 2', () => {
    expect(gatehouse(['plan', '--all', '-c', 'gateway.config.yaml'])).toMatchObject({ status: 2, stderr: "error: option '-c, --config <file>' cannot be used with option '--all'\n(add --help for usage)\n" });
    expect(gatehouse(['plan', '--jsn'])).toMatchObject({ status: 2, stderr: "error: unknown option '--jsn'\n(Did you mean --json?)\n(add --help for usage)\n" });
  });
});
