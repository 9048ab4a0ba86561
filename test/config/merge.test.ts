import { locateOverride, mergeOverrides } from '../../lib/config/merge';
import { BASE, edit, FILE, message, rejection } from './fixtures';
import { parseConfig } from '../../lib/checks/load';

describe('mergeOverrides', () => {
  it('merges objects key by key', () => {
    expect(mergeOverrides({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 4 }, e: 5 })).toEqual({ a: 1, b: { c: 2, d: 4 }, e: 5 });
  });

  it('merges named lists item by item on name and appends new names', () => {
    const base = [{ name: 'free', minute: 60, hour: 1000 }, { name: 'pro', minute: 600, hour: 10000 }];
    expect(mergeOverrides(base, [{ name: 'pro', hour: 20000 }, { name: 'trial', minute: 10, hour: 100 }])).toEqual([
      { name: 'free', minute: 60, hour: 1000 },
      { name: 'pro', minute: 600, hour: 20000 },
      { name: 'trial', minute: 10, hour: 100 },
    ]);
  });

  it('replaces any other array', () => {
    expect(mergeOverrides({ compliance: ['soc2', 'gdpr'] }, { compliance: ['pci-dss'] })).toEqual({ compliance: ['pci-dss'] });
    expect(mergeOverrides({ paths: ['/a', '/b'] }, { paths: [] })).toEqual({ paths: [] });
  });

  it('replaces scalars and lets an override change a type', () => {
    expect(mergeOverrides({ a: { b: 1 } }, { a: 'x' })).toEqual({ a: 'x' });
  });
});

describe('locateOverride', () => {
  const base = { tiers: [{ name: 'free', hour: 1 }, { name: 'pro', hour: 2 }], security: { waf: { bot_control: 'common' } } };

  it('maps a merged named-list index to the override index', () => {
    expect(locateOverride(base, { tiers: [{ name: 'pro', hour: 3 }] }, ['tiers', 1, 'hour'])).toEqual(['tiers', 0, 'hour']);
  });

  it('returns undefined for values the override does not touch', () => {
    expect(locateOverride(base, { tiers: [{ name: 'pro', hour: 3 }] }, ['tiers', 0, 'hour'])).toBeUndefined();
    expect(locateOverride(base, { security: { waf: { bot_control: 'off' } } }, ['security', 'geo'])).toBeUndefined();
  });

  it('keeps the rest of the path below a subtree the override introduced', () => {
    expect(locateOverride(base, { tiers: [{ name: 'new' }] }, ['tiers', 2, 'minute'])).toEqual(['tiers', 0, 'minute']);
    expect(locateOverride(base, { caching: { default_ttl: 5 } }, ['caching', 'default_ttl'])).toEqual(['caching', 'default_ttl']);
  });
});

describe('environment overrides in a config', () => {
  it('apply per environment and leave the base untouched', () => {
    const loaded = parseConfig(BASE, FILE);
    expect(loaded.environments.dev.config.security.waf.bot_control).toBe('off');
    // BASE is an ecommerce gateway: its organization preset chose TARGETED bot control.
    expect(loaded.base.security.waf.bot_control).toBe('targeted');
  });

  it('merge a named list entry by name, keeping the other entries', () => {
    const text = edit(['    overrides:\n', '    overrides:\n      tiers:\n        - name: pro\n          hour: 20000\n']);
    const { config } = parseConfig(text, FILE).environments.dev;
    expect(config.tiers.map((t) => [t.name, t.minute, t.hour])).toEqual([['free', 60, 1000], ['pro', 600, 20000]]);
  });

  it('replace plain arrays', () => {
    // pci-dss demands MFA (lib/config/compliance-findings.ts), so the override sets it too.
    const text = edit(['    overrides:\n', '    overrides:\n      compliance: [pci-dss]\n      identity: { cognito: { mfa: required } }\n']);
    expect(parseConfig(text, FILE).environments.dev.config.compliance).toEqual(['pci-dss']);
  });

  it('cannot change name or environments', () => {
    const text = edit(['    overrides:\n', '    overrides:\n      name: other\n      environments: {}\n']);
    expect(rejection(text)).toBe(message(
      `${FILE}:22 environments.dev.overrides.environments: cannot be overridden per environment; set it at the top level`,
      `${FILE}:21 environments.dev.overrides.name: cannot be overridden per environment; set it at the top level`,
    ));
  });
});
