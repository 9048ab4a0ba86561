import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SynthSummary } from '../../cli/synth';
import { gatehouse, STACK_TRACE, type Run } from './support';
import { editShipped } from '../support/config-text';

const STACKS = ['Edge', 'Identity', 'Network', 'Data', 'Api', 'Audit', 'Cdn', 'Observability', 'EdgeObservability'];

describe('gatehouse synth', () => {
  // One synth of the default config's dev environment serves every assertion (synth takes seconds).
  let run: Run;
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'gatehouse-synth-out-'));
    run = gatehouse(['synth', '-e', 'dev', '--no-bundle', '--json', '--output', out]);
  }, 180_000);

  it('synthesizes in-process and offline, and names the config file used', () => {
    expect(run.stderr).toBe('gatehouse synth: config gateway.config.yaml (default)\n');
    expect(run.status).toBe(0);
  });

  it('summarizes environments, stacks, nag packs and findings', () => {
    const summary = JSON.parse(run.stdout) as SynthSummary;
    expect(summary.config).toBe('gateway.config.yaml');
    expect(summary.environments).toEqual([{ name: 'dev', account: '111111111111', region: 'eu-west-1', nagPacks: ['AwsSolutions', 'NIST-800-53-R5', 'Gatehouse'] }]);
    expect(summary.stacks.map((s) => s.id).sort()).toEqual(STACKS.map((s) => `dev/${s}`).sort());
    expect(summary.stacks.find((s) => s.id === 'dev/Data')).toMatchObject({ stackName: 'gatehouse-dev-data', region: 'eu-west-1' });
    expect(summary.stacks.find((s) => s.id === 'dev/Cdn')).toMatchObject({ stackName: 'gatehouse-dev-cdn', region: 'us-east-1' });
    for (const stack of summary.stacks) expect(stack.resources).toBeGreaterThan(0);
    expect(summary.findings).toEqual([]);
    expect(summary.assembly).toBe(out);
  });

  it('keeps the cloud assembly with --output', () => {
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { artifacts: Record<string, unknown> };
    expect(Object.keys(manifest.artifacts)).toContain('assembly-dev');
  });

  it('refuses an invalid config before CDK runs, with the message validate prints, exit 1', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-synth-')), 'gateway.config.yaml');
    writeFileSync(file, editShipped('gateway.config.yaml', ['    mfa: required', '    mfa: optional']));
    const synth = gatehouse(['synth', '-c', file, '--no-bundle']);
    const validate = gatehouse(['validate', '-c', file]);
    expect(synth.status).toBe(1);
    expect(synth.stdout).toBe('');
    expect(synth.stderr.replace('gatehouse synth:', '')).toBe(validate.stderr.replace('gatehouse validate:', ''));
    expect(synth.stderr).toMatch(/^gatehouse synth: config \S+ \(--config\)\nInvalid gateway config\n/);
    expect(synth.stderr).not.toMatch(STACK_TRACE);
  });

  it('names an unknown environment, exit 1', () => {
    const qa = gatehouse(['synth', '-e', 'qa']);
    expect(qa.status).toBe(1);
    expect(qa.stderr).toBe('gatehouse synth: config gateway.config.yaml (default)\nInvalid gateway config\n  gateway.config.yaml environments: no environment "qa" (selected with --env NAME); defined environments: dev, prod\n');
  });
});
