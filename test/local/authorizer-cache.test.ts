import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { AuthorizerResultCache } from '../../local/api-gateway/authorizer-cache';

const result = (context: Record<string, string>): APIGatewayAuthorizerResult => ({
  principalId: 'p', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }] }, context,
});

describe('the local authorizer result cache', () => {
  it('is bounded in bytes, dropping the oldest entries first, whatever the size of each result', () => {
    const cache = new AuthorizerResultCache({ clock: () => 0, maxBytes: 100_000 });
    for (let i = 0; i < 1000; i++) cache.set(`k${i}`, result({ blob: 'x'.repeat(1000) }), 60);
    expect(cache.heldBytes).toBeLessThanOrEqual(100_000);
    expect(cache.size).toBeGreaterThan(10);
    expect(cache.get('k0')).toBeUndefined(); // the oldest went first
    expect(cache.get('k999')).toBeDefined();
  });

  it('keeps many small results in the same bound', () => {
    const cache = new AuthorizerResultCache({ clock: () => 0, maxBytes: 100_000 });
    for (let i = 0; i < 1000; i++) cache.set(`k${i}`, result({ t: 'free' }), 60);
    expect(cache.size).toBeGreaterThan(200);
  });

  it('never stores a result larger than the bound, and replaces an entry without counting it twice', () => {
    const cache = new AuthorizerResultCache({ clock: () => 0, maxBytes: 1000 });
    cache.set('big', result({ blob: 'x'.repeat(2000) }), 60);
    expect(cache.size).toBe(0);
    cache.set('a', result({ t: '1' }), 60);
    const once = cache.heldBytes;
    cache.set('a', result({ t: '1' }), 60);
    expect(cache.heldBytes).toBe(once);
  });
});
