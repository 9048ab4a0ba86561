import { parseConfig } from '../../lib/checks/load';
import { editShipped, guardedEdit, minimalConfig } from '../support/config-text';

/** The test fixtures that replace copied YAML (test/support/config-text.ts). */
describe('minimalConfig()', () => {
  it('loads as it is: one environment, service, route and tier', () => {
    const config = parseConfig(minimalConfig(), 'minimal.yaml');
    expect(Object.keys(config.environments)).toEqual(['dev']);
    expect(config.base.routes.map((r) => r.name)).toEqual(['echo']);
  });

  it('merges what a test adds, named lists by name, and drops keys set to null', () => {
    const text = minimalConfig({
      compliance: ['pci-dss'],
      environments: { dev: null, live: { account: '333333333333', region: 'eu-central-1' } },
      routes: [{ name: 'echo', auth: { strategies: ['none'] } }, { name: 'more', paths: ['/more'], service: 'echo' }],
    });
    const config = parseConfig(text, 'minimal.yaml');
    expect(Object.keys(config.environments)).toEqual(['live']);
    expect(config.base.routes.map((r) => [r.name, r.auth.strategies])).toEqual([['echo', ['none']], ['more', ['api_key']]]);
  });
});

describe('guardedEdit()', () => {
  it('replaces text that occurs exactly once, literally ($ patterns included)', () => {
    expect(guardedEdit('a: 1\nb: 2\n', ['b: 2', 'b: $&3'])).toBe('a: 1\nb: $&3\n');
  });

  it('throws when the text is missing or ambiguous, so an edit never silently does nothing', () => {
    expect(() => guardedEdit('a: 1\n', ['b: 2', 'b: 3'])).toThrow('config edit: "b: 2" occurs 0 times (expected once)');
    expect(() => guardedEdit('a: 1\na: 1\n', ['a: 1', 'a: 2'])).toThrow('occurs 2 times');
    expect(() => editShipped('gateway.config.yaml', ['this text is not in the shipped config', ''])).toThrow('occurs 0 times');
  });
});
