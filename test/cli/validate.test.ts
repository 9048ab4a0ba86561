import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, gatehouse, ROOT, STACK_TRACE } from './support';
import { guardedEdit } from '../support/config-text';

const DEFAULT_YAML = readFileSync(join(ROOT, 'gateway.config.yaml'), 'utf8');

/** gateway.config.yaml with `from` replaced by `to`; throws unless `from` occurs exactly once. */
function configWith(from: string, to: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-validate-')), 'gateway.config.yaml');
  writeFileSync(file, guardedEdit(DEFAULT_YAML, [from, to]));
  return file;
}

const UNKNOWN_SERVICE = ['    service: user-service-v1\n    auth: { strategies: [api_key] }\n  - name: api-v2-users', '    service: user-svc\n    auth: { strategies: [api_key] }\n  - name: api-v2-users'] as const;

describe('gatehouse validate', () => {
  it('accepts the default config, naming the file and where it came from', () => {
    expect(gatehouse(['validate'])).toEqual({
      status: 0,
      stdout: 'gateway.config.yaml: valid (environments dev, prod)\n',
      stderr: 'gatehouse validate: config gateway.config.yaml (default)\n',
    });
    expect(gatehouse(['validate'], { GATEHOUSE_CONFIG: 'examples/ecommerce.yaml' }).stderr).toBe('gatehouse validate: config examples/ecommerce.yaml (GATEHOUSE_CONFIG)\n');
    expect(gatehouse(['validate', '-c', 'examples/ecommerce.yaml', '-e', 'prod']).stdout).toBe('examples/ecommerce.yaml: valid (environments prod)\n');
  });

  it('refuses an invalid config with exit 1 and the message synth prints, without a stack trace', () => {
    const file = configWith(...UNKNOWN_SERVICE);
    const run = gatehouse(['validate', '--config', file]);
    const expected = [
      'Invalid gateway config',
      `  ${file}:70 routes[0].service: unknown service "user-svc"; known services: user-service-v1, user-service-v2, user-service-v2-canary, tenant-router-service`,
      '',
    ].join('\n');
    expect(run).toEqual({ status: 1, stdout: '', stderr: `gatehouse validate: config ${file} (--config)\n${expected}` });
    // The CDK app's entry point (what `cdk synth` runs) says the same.
    const synth = spawnSync(process.execPath, ['--import', 'tsx', 'bin/gatehouse.ts'], { cwd: ROOT, env: cleanEnv({ GATEHOUSE_CONFIG: file, CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'gatehouse-out-')) }), encoding: 'utf8' });
    expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 1, stderr: expected });
  });

  it('reports every problem as JSON with file, line, path and message for CI, exit 1', () => {
    const file = configWith(...UNKNOWN_SERVICE);
    const run = gatehouse(['validate', '--config', file, '--json']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      valid: false,
      file,
      problems: [{ file, line: 70, path: 'routes[0].service', message: 'unknown service "user-svc"; known services: user-service-v1, user-service-v2, user-service-v2-canary, tenant-router-service' }],
    });
    expect(run.stderr).toBe(`gatehouse validate: config ${file} (--config)\n`);
  });

  it('prints a valid config as JSON with its environments', () => {
    const run = gatehouse(['validate', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ valid: true, file: 'gateway.config.yaml', environments: ['dev', 'prod'], problems: [], warnings: [] });
  });

  it('reports a missing file and an unknown environment without a line, exit 1', () => {
    const missing = gatehouse(['validate', '-c', 'no/such.yaml', '--json']);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout).problems).toEqual([{ file: 'no/such.yaml', path: '', message: 'file not found; check the path, or pass the config file with --config FILE or GATEHOUSE_CONFIG=FILE' }]);
    const qa = gatehouse(['validate', '-e', 'qa']);
    expect(qa.status).toBe(1);
    expect(qa.stderr).toContain('gateway.config.yaml environments: no environment "qa" (selected with --env NAME); defined environments: dev, prod\n');
    expect(qa.stderr).not.toMatch(STACK_TRACE);
  });

  it('refuses an empty GATEHOUSE_CONFIG instead of falling back to the sample config', () => {
    const run = gatehouse(['validate'], { GATEHOUSE_CONFIG: '' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the config file name is empty (an unset variable?); name the file with --config FILE or GATEHOUSE_CONFIG=FILE');
  });

  it('answers in about a second: no synth', () => {
    const started = Date.now();
    expect(gatehouse(['validate']).status).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
  });
});
