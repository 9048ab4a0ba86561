import { apiSize } from '../lib/checks/deploy-rules';
import { EXAMPLES, synthesize } from './support/synth';

/** Asset hashes change with any code change; the rest of the template must not drift silently. */
function normalize(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '[ASSET_HASH]'));
}

describe.each(EXAMPLES)('%s', (file) => {
  const synth = synthesize({ file });

  // Every stack of the stage: a second region's stacks, Keys, Health and Routing too.
  it.each(Object.keys(synth.stages))('matches the snapshot of environment %s', (env) => {
    for (const stack of synth.stages[env].node.children.map((c) => c.node.id)) {
      expect(normalize(synth.template(env, stack).toJSON())).toMatchSnapshot(stack);
    }
  });

  // apiSize() refuses configs too large for one API stack before synth; it mirrors what the API
  // stack creates, so it must stay a close lower bound (environment extras: domains, mappings).
  it.each(Object.keys(synth.stages))('estimates the API stack size of environment %s within 6 resources below the truth', (env) => {
    const actual = Object.keys(synth.template(env, 'Api').toJSON().Resources).length;
    const estimate = apiSize(synth.config.environments[env].config).stackResources;
    expect(actual - estimate).toBeGreaterThanOrEqual(0);
    expect(actual - estimate).toBeLessThanOrEqual(6);
  });

  it('passes the compliance gate', () => {
    expect(synth.findings.map((f) => `${f.rule} at ${f.path}`)).toEqual([]);
  });
});
