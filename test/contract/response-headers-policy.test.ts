import { hstsValue, HSTS, responseHeadersPolicy, securityHeaderValues } from '../../lib/contract/response-headers-policy';

const config = (response: { add_headers?: Record<string, string>; remove_headers?: string[] }, cors?: unknown) => ({
  transformations: { request: { add_headers: {}, remove_headers: [] }, response: { add_headers: {}, remove_headers: [], ...response } },
  cors,
}) as unknown as Parameters<typeof responseHeadersPolicy>[0];

describe('the response headers policy', () => {
  it('derives the HSTS value from its numbers: 730 days, subdomains, preload', () => {
    expect(HSTS).toEqual({ maxAgeDays: 730, includeSubdomains: true, preload: true });
    expect(hstsValue(HSTS)).toBe('max-age=63072000; includeSubDomains; preload');
    expect(hstsValue({ maxAgeDays: 1, includeSubdomains: false, preload: false } as never)).toBe('max-age=86400');
  });

  it('sends the four security headers with their values', () => {
    expect(securityHeaderValues()).toEqual({
      'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
  });

  it('adds the configured headers CloudFront can set: no security header, no request-time template', () => {
    const policy = responseHeadersPolicy(config({ add_headers: { 'X-Api-Version': '2', 'X-Frame-Options': 'SAMEORIGIN', 'X-Request': '$(uuid)' } }));
    expect(policy.customHeaders).toEqual([{ header: 'X-Api-Version', value: '2' }]);
  });

  it('removes the configured headers CloudFront can remove, never one it sets itself', () => {
    const policy = responseHeadersPolicy(config({ add_headers: { 'X-Api-Version': '2' }, remove_headers: ['X-Powered-By', 'Server', 'Via', 'x-api-version', 'Referrer-Policy'] }));
    expect(policy.removeHeaders).toEqual(['X-Powered-By']);
    expect(policy.removesServer).toBe(true);
  });

  it('carries CORS only when the config sets it', () => {
    expect(responseHeadersPolicy(config({})).cors).toBeUndefined();
    const cors = { origins: ['https://app.example.com'], methods: ['GET'], headers: ['Authorization'], expose_headers: [], credentials: false, max_age: 600 };
    expect(responseHeadersPolicy(config({}, cors)).cors).toMatchObject({ allowMethods: ['GET', 'OPTIONS'], maxAgeSeconds: 600 });
  });
});
