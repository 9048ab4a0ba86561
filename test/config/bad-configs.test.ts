import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/config/errors';
import { loadConfigFile, parseConfig } from '../../lib/checks/load';
import { selectEnvironments } from '../../lib/config/environments';
import { refusesEach } from './bad-config';
import { COMPLIANCE_FINDINGS, DEPLOY_TIME_RULES, ENVIRONMENTS, FILE_ITSELF, RATE_LIMIT_SETTINGS, REFERENCES, SHAPE } from './bad-config-cases';
import { at, BASE, edit, FILE, rejection } from './fixtures';

/**
 * Each case is one small mutation of the valid BASE config and pins the exact message a user
 * sees: `file:line key.path: what is wrong (and how to fix it)`. The cases are data
 * (bad-config-cases.ts), so that the parity test runs the same ones through every entry point.
 */
describe('a bad config is rejected with file, line, key path and a fix', () => {
  it('accepts the unmodified base config', () => {
    expect(() => parseConfig(BASE, FILE)).not.toThrow();
  });

  describe('shape (schema)', () => {
    refusesEach(SHAPE);
  });

  describe('references and combinations', () => {
    refusesEach(REFERENCES);
  });

  describe('environments', () => {
    refusesEach(ENVIRONMENTS);

    it('names the defined environments when asked for an unknown one', () => {
      const loaded = parseConfig(BASE, FILE);
      expect(() => selectEnvironments(loaded, ['dev', 'qa'])).toThrow(new ConfigError(FILE, [
        { path: 'environments', message: 'no environment "qa"; defined environments: dev' },
      ]));
      expect(selectEnvironments(loaded).map((e) => e.name)).toEqual(['dev']);
    });
  });

  describe('rules AWS would only enforce at deploy time', () => {
    refusesEach(DEPLOY_TIME_RULES);
  });

  describe('findings the compliance gate would make (lib/config/compliance-findings.ts)', () => {
    refusesEach(COMPLIANCE_FINDINGS);

    it('accepts optional MFA and no threat protection where no regime demands them (gdpr)', () => {
      const text = edit(['    domain_prefix: shop-dev\n', '    domain_prefix: shop-dev\n    mfa: "off"\n    threat_protection: "off"\n']);
      expect(() => parseConfig(text, FILE)).not.toThrow();
    });
  });

  describe('the file itself', () => {
    refusesEach(FILE_ITSELF);

    it('rejects a file that does not exist', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-')), 'missing.yaml');
      expect(() => loadConfigFile(file, { config: '-c config=FILE', env: '-c env=NAME' })).toThrow(`Invalid gateway config\n  ${file}: file not found; check the path, or pass the config file with -c config=FILE or GATEHOUSE_CONFIG=FILE`);
    });

    it('names the real file in messages of a file on disk', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-')), 'gateway.config.yaml');
      writeFileSync(file, edit(['steady_rps: 100', 'steady_rps: lots']));
      expect(() => loadConfigFile(file)).toThrow(`Invalid gateway config\n  ${file}:6 traffic.steady_rps: expected a number, got a string "lots"`);
    });
  });
});

/** Issue 10: every bad rate-limit setting names its file, line and key. */
describe('bad rate-limit settings', () => {
  it.each(RATE_LIMIT_SETTINGS)('rejects %s', (_title, find, replace, needle, expected) => {
    const text = edit([find, replace]);
    const got = rejection(text);
    expect(got.startsWith(`Invalid gateway config\n  ${at(text, needle)} `)).toBe(true);
    expect(got).toMatch(expected);
  });
});
