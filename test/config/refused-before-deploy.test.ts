import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/config/errors';
import { loadConfigFile, parseConfig } from '../../lib/checks/load';
import { selectEnvironments } from '../../lib/config/environments';
import { RESERVED_ISSUER_NAMES } from '../../lib/checks/references';
import { LOCAL_ISSUER_NAME } from '../../local/seed';
import { refusesEach } from './bad-config';
import { AWS_LIMITS, CORS, MESSAGES, NOT_A_CONFIG, SILENT_CHANGES, UNACCEPTABLE_NAMES, YAML_ALIASES } from './deploy-refusal-cases';
import { at, BASE, edit, FILE, message, rejection } from './fixtures';
import { RESILIENCE } from './resilience-refusal-cases';
import { REGIONS } from './region-refusal-cases';
import { GRPC } from './grpc-refusal-cases';
import { PORTAL } from './portal-refusal-cases';

/**
 * Inputs that used to crash with a stack trace, change meaning silently, or pass validation only
 * for AWS to refuse them at deploy time (review of bad input). Each pins the exact message; the
 * refused ones are data (deploy-refusal-cases.ts), which the parity test runs everywhere.
 */
const withUsersSchema = (schema: string) => edit(['      scopes: [users/read]\n  - name: catalog', `      scopes: [users/read]\n    request_schema:\n${schema}  - name: catalog`]);

describe('YAML aliases', () => {
  refusesEach(YAML_ALIASES);

  it('accepts one anchor reused far more than 100 times', () => {
    const properties = Array.from({ length: 150 }, (_, i) => `        p${i}: *text\n`).join('');
    const text = withUsersSchema(`      type: object\n      definitions:\n        text: &text { type: string }\n      properties:\n${properties}`);
    expect(() => parseConfig(text, FILE)).not.toThrow();
  });
});

describe('YAML merge keys', () => {
  it('shares a block between entries with <<: *anchor, the entry keys winning', () => {
    const text = edit(['tiers:\n', '  - <<: &shared { service: catalog, auth: { strategies: [api_key] } }\n    name: catalog-v2\n    paths: [/v2/catalog]\n  - <<: *shared\n    name: catalog-v3\n    paths: [/v3/catalog]\ntiers:\n']);
    const routes = parseConfig(text, FILE).base.routes;
    expect(routes.filter((r) => r.name.startsWith('catalog-')).map((r) => [r.name, r.service, r.auth.strategies])).toEqual([
      ['catalog-v2', 'catalog', ['api_key']], ['catalog-v3', 'catalog', ['api_key']],
    ]);
  });
});

describe('limits AWS would refuse at synth or deploy time', () => {
  refusesEach(AWS_LIMITS);
});

describe('silent changes of meaning', () => {
  refusesEach(SILENT_CHANGES);

  it('refuses an empty environment selection instead of selecting every environment', () => {
    const loaded = parseConfig(BASE, FILE);
    expect(() => selectEnvironments(loaded, [''], { config: '-c config=FILE', env: '-c env=NAME' })).toThrow(new ConfigError(FILE, [
      { path: 'environments', message: '-c env=NAME is empty (an unset variable?); name one or more of: dev' },
    ]));
    expect(() => selectEnvironments(loaded, ['dev', ' '])).toThrow('the environment selection has an empty name ("dev, ") (an unset variable?); name one or more of: dev');
  });

  it('refuses an empty config file name', () => {
    expect(() => loadConfigFile('', { config: '--config FILE', env: '--env NAME' })).toThrow('Invalid gateway config\n  the config file name is empty (an unset variable?); name the file with --config FILE or GATEHOUSE_CONFIG=FILE');
  });
});

describe('messages', () => {
  refusesEach(MESSAGES);
});

describe('issuer names', () => {
  // Security review: consumer records are keyed by issuer name (decision 0013); an external issuer
  // called "cognito" (or "local", the local gateway's issuer) would read the user pool's records.
  it.each(['cognito', 'local'])('refuses an external issuer named %s', (name) => {
    const text = edit(['identity:\n', `identity:\n  issuers:\n    - name: ${name}\n      issuer: https://idp.example.com\n      audiences: [api]\n`]);
    expect(rejection(text)).toBe(message(
      `${at(text, `name: ${name}`)} identity.issuers[0].name: "${name}" is reserved ("cognito" and "local" name Gatehouse's own issuers, and consumer records are keyed by issuer name); choose another name`,
    ));
  });

  it('reserves the name the local gateway gives its own issuer', () => {
    expect(RESERVED_ISSUER_NAMES).toContain(LOCAL_ISSUER_NAME);
  });
});

describe('names AWS or HTTP would not accept', () => {
  refusesEach(UNACCEPTABLE_NAMES);

  it('refuses a host label longer than DNS allows (63 characters)', () => {
    const label = 'a'.repeat(64);
    const text = edit(['  - name: catalog\n    paths: [/v1/catalog]\n', `  - name: catalog\n    paths: [/v1/catalog]\n    hosts: ["*.${label}.example.com"]\n`]);
    expect(rejection(text)).toBe(message(`${at(text, 'hosts:')} routes[1].hosts[0]: a host name (labels of at most 63 characters), optionally starting with *.`));
  });
});

describe('cors', () => {
  refusesEach(CORS);
});

describe('resilience settings (issue 14)', () => {
  refusesEach(RESILIENCE);
});

describe('multi-region settings (issue 15)', () => {
  refusesEach(REGIONS);
});

describe('the developer portal\'s path (issue 17)', () => {
  refusesEach(PORTAL);
});

describe('gRPC services (issue 16)', () => {
  refusesEach(GRPC);
});

describe('what a file must not be', () => {
  refusesEach(NOT_A_CONFIG);

  it('refuses text that is not UTF-8, at its first line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-enc-'));
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from(BASE.replace('name: shop', 'name: shop # Caf\u00e9'), 'latin1'));
    const line = BASE.split('\n').findIndex((l) => l.startsWith('name: shop')) + 1;
    expect(() => loadConfigFile(latin1)).toThrow(`Invalid gateway config\n  ${latin1}:${line}: the file is not valid UTF-8 text (saved as Latin-1 or Windows-1252?); save it as UTF-8`);
    const utf16 = join(dir, 'utf16.yaml');
    writeFileSync(utf16, Buffer.from(`\ufeff${BASE}`, 'utf16le'));
    expect(() => loadConfigFile(utf16)).toThrow(/utf16\.yaml:1: the file holds NUL bytes: it is not UTF-8 text \(saved as UTF-16\?\); save it as UTF-8/);
  });

  it('prints the first 10 YAML syntax errors and counts the rest', () => {
    const broken = Array.from({ length: 14 }, (_, i) => `k${i}: [unclosed\n`).join('');
    const lines = rejection(broken).split('\n');
    expect(lines.filter((l) => l.includes('YAML syntax:')).length).toBe(10);
    expect(lines[lines.length - 1]).toMatch(/\.\.\. and \d+ more YAML syntax errors; fix the first ones and run again$/);
  });
});
