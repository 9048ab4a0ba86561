import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readValidationFindings } from '../lib/compliance/report';
import { ROOT } from './support/synth';
import { guardedEdit } from './support/config-text';

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
    const file = writeConfig(guardedEdit(ROOT_YAML, ['    service: user-service-v1\n    auth: { strategies: [api_key] }\n  - name: api-v2-users', '    service: user-svc\n    auth: { strategies: [api_key] }\n  - name: api-v2-users']));
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
    const file = writeConfig(guardedEdit(ROOT_YAML, ['health_check: { path: /health }', 'health_check: { path: /health, interval_seconds: 5, timeout_seconds: 120 }']));
    const run = spawnSync('npx', ['tsx', 'bin/gatehouse.ts'], { cwd: ROOT, env: { ...env, GATEHOUSE_CONFIG: file, CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'gatehouse-out-')) }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Invalid gateway config\n {2}\S+:\d+ services\[0\]\.private\.health_check\.timeout_seconds: 120 s must be less than interval_seconds \(5 s\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a config the compliance gate would fail (optional MFA under soc2) before synth, at its key', () => {
    const file = writeConfig(guardedEdit(ROOT_YAML, ['    mfa: required', '    mfa: optional']));
    const run = spawnSync('npx', ['tsx', 'bin/gatehouse.ts'], { cwd: ROOT, env: { ...env, GATEHOUSE_CONFIG: file, CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'gatehouse-out-')) }, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: [
      'Invalid gateway config',
      `  ${file}:${ROOT_YAML.split('\n').indexOf('    mfa: required           # soc2: the compliance gate refuses optional MFA') + 1} identity.cognito.mfa: "optional", but compliance soc2 requires multi-factor authentication for user pool users (the compliance gate would stop synth: AwsSolutions-COG2, the user pool does not require MFA); set mfa: required`,
      '',
    ].join('\n') });
  });

  it('fails synth through the compliance gate with each finding under the config key that causes it', () => {
    // An imported VPC without a cached lookup: synth sees CDK's placeholder VPC, the config cannot.
    const file = writeConfig(guardedEdit(ROOT_YAML, ['    region: eu-west-1\n    domains:\n      internal: services.dev', '    region: eu-west-1\n    vpc: { id: vpc-0abc12345678def01 }\n    domains:\n      internal: services.dev']));
    const context = { ...cdkJsonContext(), config: file, env: 'dev', 'aws:cdk:bundling-stacks': [] };
    const run = spawnSync('npx', ['tsx', 'bin/gatehouse.ts'], { cwd: ROOT, env: { ...env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'gatehouse-out-')) }, encoding: 'utf8', timeout: 240_000 });
    expect(run.status).toBe(1);
    const gate = run.stderr.slice(run.stderr.indexOf('Compliance gate:')).split('\n');
    expect(gate.slice(0, 2)).toEqual([
      'Compliance gate: 14 unacknowledged findings, each under the config key that causes it and what to change there',
      `  ${file}:28 environments.dev.vpc.id: vpc-0abc12345678def01 has no cached lookup in cdk.context.json, so synth used CDK's placeholder VPC (vpc-12345, subnets p-12345 and p-67890); run \`npx cdk synth -c env=dev\` once with AWS credentials for account 111111111111 in eu-west-1, and commit cdk.context.json`,
    ]);
    expect(gate[2]).toMatch(/^ {4}E\d+ \(error\) at dev\/Network\//);
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
