import { authorizerInvocations, cacheMissRate } from '../../lib/plan/authorizer-invocations';
import type { Endpoint } from '../../lib/plan/request-mix';

const endpoint = (over: Partial<Endpoint>): Endpoint => ({ route: 'r', path: '/r', httpMethod: 'GET', share: 1, ttl: 300, strategies: ['api_key'], ...over });

describe('cacheMissRate (misses of a per-identity cache with Poisson arrivals)', () => {
  it('calls the authorizer on every request when the TTL is 0', () => {
    expect(cacheMissRate(1000, 500, 0)).toBe(1000);
  });

  it('approaches one call per identity per TTL when every identity is busy', () => {
    // 10,000 req/s, 100 identities, TTL 60: 10000*100 / (100 + 10000*60) = 1,000,000 / 600,100 = 1.66639
    expect(cacheMissRate(10_000, 100, 60)).toBeCloseTo(1.66639, 4);
    expect(cacheMissRate(10_000, 100, 60)).toBeLessThan(100 / 60);
  });

  it('approaches the request rate when identities rarely repeat within the TTL', () => {
    // 10 req/s, 1,000,000 identities, TTL 300: 10*1e6 / (1e6 + 3000) = 9.97009
    expect(cacheMissRate(10, 1_000_000, 300)).toBeCloseTo(9.97009, 4);
  });

  it('is zero without traffic', () => {
    expect(cacheMissRate(0, 10, 60)).toBe(0);
  });
});

describe('authorizerInvocations', () => {
  it('adds the misses of each endpoint and reports the uncached share', () => {
    // 1,000 req/s: half on an uncached endpoint (500/s), half cached 60 s for 500 identities:
    // 500*500 / (500 + 500*60) = 250,000 / 30,500 = 8.19672; total 508.19672, share 0.50820
    const load = authorizerInvocations([endpoint({ share: 0.5, ttl: 0 }), endpoint({ share: 0.5, ttl: 60 })], 1000, 500);
    expect(load.endpoints.map((e) => e.requestsPerSecond)).toEqual([500, 500]);
    expect(load.invocationsPerSecond).toBeCloseTo(508.19672, 4);
    expect(load.uncachedShare).toBeCloseTo(0.50820, 4);
  });
});
