import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { minimalConfig } from '../support/config-text';
import { gatehouse, STACK_TRACE } from './support';

describe('gatehouse openapi', () => {
  it('prints the environment\'s document as JSON on stdout', () => {
    const run = gatehouse(['openapi', '--config', 'examples/fintech-startup.yaml', '--env', 'prod']);
    expect(run.status).toBe(0);
    const document = JSON.parse(run.stdout) as { openapi: string; servers: { url: string }[]; 'x-gatehouse-environment': string };
    expect(document.openapi).toBe('3.1.0');
    expect(document['x-gatehouse-environment']).toBe('prod');
    expect(document.servers.map((s) => s.url)).toEqual(['https://api.payflow.example', 'https://internal.api.payflow.example']);
  });

  it('writes YAML to a .yaml file, listing the servers given', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gatehouse-openapi-')), 'api.yaml');
    const run = gatehouse(['openapi', '-c', 'examples/ecommerce.yaml', '-e', 'staging', '-o', out, '--server', 'http://127.0.0.1:8080']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/wrote .*api\.yaml \(\d+ paths, environment staging\)/);
    expect((parse(readFileSync(out, 'utf8')) as { servers: unknown }).servers).toEqual([{ url: 'http://127.0.0.1:8080', description: 'given with --server' }]);
  });

  it('refuses an unknown environment with the defined ones, exit 1, no stack trace', () => {
    const run = gatehouse(['openapi', '-c', 'examples/ecommerce.yaml', '-e', 'qa']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no environment "qa"');
    expect(run.stderr).toContain('defined environments: staging, prod');
    expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('refuses a --server that is not a URL, exit 2', () => {
    const run = gatehouse(['openapi', '-c', 'examples/ecommerce.yaml', '-e', 'staging', '--server', 'localhost']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--server localhost: an http:// or https:// URL');
  });
});

describe('gatehouse validate with a service\'s OpenAPI document', () => {
  it('prints drift as warnings when the config says drift: warning, and stays valid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-drift-'));
    copyFileSync(join(__dirname, '../openapi/fixtures/orders.yaml'), join(dir, 'orders.yaml'));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, minimalConfig({
      services: [{ name: 'orders', url: 'https://orders.example.com', openapi: { document: 'orders.yaml', drift: 'warning' } }],
      routes: [{ name: 'echo', paths: ['/echo'], service: 'echo' }, { name: 'orders', paths: ['/v1/orders'], service: 'orders' }],
    }));
    const run = gatehouse(['validate', '--config', file]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('valid (environments dev), 1 warning');
    expect(run.stderr).toMatch(/^warning: .*gateway\.yaml:\d+ services\[1\]\.openapi\.document: orders\.yaml:9 POST \/v1\/orders is served by no route of service orders/m);
  });
});
