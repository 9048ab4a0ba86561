import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readValidationFindings } from '../lib/compliance/report';
import { ROOT } from './support/synth';

const ROOT_YAML = readFileSync(join(ROOT, 'gateway.config.yaml'), 'utf8');
const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' };

function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}

function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-cli-')), 'gateway.config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('cdk synth from the command line', () => {
  it('synthesizes every environment of the default config offline with a clean compliance gate', () => {
    const out = mkdtempSync(join(tmpdir(), 'gatehouse-out-'));
    const run = spawnSync('npx', ['cdk', 'synth', '--quiet', '-o', out], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
    expect(run.stderr).not.toMatch(/Compliance gate|Error|credentials/);
    expect(run.status).toBe(0);
    expect(readValidationFindings(out)).toEqual([]);
  }, 300_000);

  it('stops on a bad config with the file, line, key path and no stack trace', () => {
    const file = writeConfig(ROOT_YAML.replace('    service: user-service-v1\n    auth: { strategies: [api_key] }\n  - name: api-v2-users', '    service: user-svc\n    auth: { strategies: [api_key] }\n  - name: api-v2-users'));
    const run = spawnSync('npx', ['tsx', 'bin/gatehouse.ts'], { cwd: ROOT, env: { ...env, GATEHOUSE_CONFIG: file, CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'gatehouse-out-')) }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe([
      'Invalid gateway config',
      `  ${file}:70 routes[0].service: unknown service "user-svc"; known services: user-service-v1, user-service-v2, user-service-v2-canary, tenant-router-service`,
      '',
    ].join('\n'));
  });

  it('refuses an empty -c env= instead of synthesizing every environment', () => {
    const context = { ...cdkJsonContext(), config: 'gateway.config.yaml', env: '', 'aws:cdk:bundling-stacks': [] };
    const run = spawnSync('npx', ['tsx', 'bin/gatehouse.ts'], { cwd: ROOT, env: { ...env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'gatehouse-out-')) }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('Invalid gateway config\n  gateway.config.yaml environments: -c env=NAME is empty (an unset variable?); name one or more of: dev, prod\n');
  });

  it('stops a config that AWS would refuse (health check timeout >= interval) before synth, without a stack trace', () => {
    const file = writeConfig(ROOT_YAML.replace('health_check: { path: /health }', 'health_check: { path: /health, interval_seconds: 5, timeout_seconds: 120 }'));
    const run = spawnSync('npx', ['tsx', 'bin/gatehouse.ts'], { cwd: ROOT, env: { ...env, GATEHOUSE_CONFIG: file, CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'gatehouse-out-')) }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Invalid gateway config\n {2}\S+:\d+ services\[0\]\.private\.health_check\.timeout_seconds: 120 s must be less than interval_seconds \(5 s\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails synth through the compliance gate when the config creates a non-compliant resource', () => {
    // soc2 demands MFA: optional MFA is not acknowledged, so AwsSolutions-COG2 stops synth.
    const file = writeConfig(ROOT_YAML.replace('    mfa: required', '    mfa: optional'));
    const out = mkdtempSync(join(tmpdir(), 'gatehouse-out-'));
    const run = spawnSync('npx', ['cdk', 'synth', '--quiet', '-c', `config=${file}`, '-c', 'env=dev', '-o', out], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
    // COG2 is a cdk-nag warning: the CLI alone would call this synth successful.
    expect(run.status).toBe(1);
    expect(run.stderr).toContain([
      'Compliance gate: 1 unacknowledged finding(s); fix the resource or acknowledge it with a reason (lib/compliance/nag.ts)',
      '  WARNING AwsSolutions-COG2 at dev/Identity/Users/UserPool/Resource: The Cognito user pool does not require MFA.',
    ].join('\n'));
    expect(readValidationFindings(out).map((f) => `${f.rule} ${f.path}`)).toEqual(['AwsSolutions-COG2 dev/Identity/Users/UserPool/Resource']);
  }, 300_000);
});

describe('no silent fallback to the sample config', () => {
  const synth = (extra: Record<string, string>) => spawnSync('npx', ['tsx', 'bin/gatehouse.ts'], { cwd: ROOT, env: { ...env, ...extra, CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'gatehouse-out-')) }, encoding: 'utf8' });

  it('refuses a misspelt GATEHOUSE_ variable with the one it resembles', () => {
    const run = synth({ GATEHOUSE_CONFG: 'examples/ecommerce.yaml' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: 'GATEHOUSE_CONFG: unknown variable; did you mean GATEHOUSE_CONFIG?\n' });
  });

  it('refuses a misspelt -c context key with the one it resembles', () => {
    // The CDK CLI hands `-c confg=...` to the app as CDK_CONTEXT_JSON.
    const run = synth({ CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJsonContext(), confg: 'examples/ecommerce.yaml' }) });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: '-c confg: unknown context key; did you mean -c config=...?\n' });
  });
});
