import { synthesize, formatFindings } from './support/synth';

describe('the default gateway.config.yaml', () => {
  const synth = synthesize({ file: 'gateway.config.yaml' });

  it('synthesizes one stage per environment with the six stacks', () => {
    expect(Object.keys(synth.stages)).toEqual(['dev', 'prod']);
    expect(synth.stages.dev.edge.region).toBe('us-east-1');
    expect(synth.stages.dev.cdn.region).toBe('us-east-1');
    expect(synth.stages.dev.api.region).toBe('eu-west-1');
    expect(synth.stages.prod.api.stackName).toBe('gatehouse-prod-api');
  });

  it('passes the compliance gate with no unacknowledged finding', () => {
    expect(formatFindings(synth.findings)).toBe('');
  });
});
