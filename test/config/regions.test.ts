import { parseConfig } from '../../lib/checks/load';
import { environmentRegions, regionalGateways } from '../../lib/config/regions';
import { FILE } from './fixtures';
import { TWO_REGIONS } from './region-refusal-cases';

describe('the regions of an environment', () => {
  const loaded = parseConfig(TWO_REGIONS, FILE);
  const dev = loaded.environments.dev;

  it('is the region alone unless regions lists more', () => {
    const oneRegion = parseConfig(TWO_REGIONS.replace(/    regions:[^\n]*\n    routing:\n(      [^\n]*\n)+    per_region:\n(      [^\n]*\n)+/, ''), FILE);
    expect(environmentRegions(oneRegion.environments.dev.env)).toEqual(['eu-west-1']);
    expect(environmentRegions(dev.env)).toEqual(['eu-west-1', 'eu-west-2']);
  });

  it('shows each region its own certificates; the primary sees the environment as written', () => {
    const [primary, second] = regionalGateways(dev);
    expect(primary).toMatchObject({ isPrimary: true, primaryRegion: 'eu-west-1' });
    expect(primary.env).toEqual(dev.env);
    expect(second).toMatchObject({ isPrimary: false, primaryRegion: 'eu-west-1' });
    expect(second.env.region).toBe('eu-west-2');
    expect(second.env.certificates).toEqual({
      cloudfront: undefined,
      regional: 'arn:aws:acm:eu-west-2:111111111111:certificate/bbbb-0002',
      alb: 'arn:aws:acm:eu-west-2:111111111111:certificate/bbbb-0003',
    });
  });

  it('gives a region without a VPC of its own the primary\'s new-VPC settings', () => {
    const [primary, second] = regionalGateways(dev);
    expect(second.env.vpc).toEqual(primary.env.vpc);
  });

  it('defaults routing to latency with a judgement of 3 failed probes in 6 per minute and a 60 s TTL', () => {
    expect(dev.env.routing).toMatchObject({ policy: 'latency', ttl_seconds: 60, health_check: { period_seconds: 60, probes_per_period: 6, failed_probes: 3, timeout_ms: 2000 } });
  });
});
