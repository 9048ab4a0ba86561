import { gatewayResponses, renderResponseBody } from '../../lib/contract/responses';
import { edgeRateLimited, REFUSAL, refusalBody, tooLarge } from '../../lib/contract/refusals';
import { edgeWebAclBodies } from '../../lib/contract/web-acl-bodies';

const config = {
  rate_limiting: { strategy: 'redis' as const, fault_tolerant: true, hide_client_headers: false, error_code: 429, error_message: 'API rate limit exceeded', redis_timeout_ms: 50, across_regions: 'independent' as const },
  routes: [{ auth: { strategies: ['api_key' as const] } }],
  services: [],
  identity: { api_keys: { header: 'x-api-key' } },
  security: { max_body_bytes: 1_048_576 },
};

describe('refusals: one set of words for every layer', () => {
  it('gives every refusal a message and a snake_case code', () => {
    for (const [name, text] of Object.entries(REFUSAL)) {
      expect([name, text.message.length > 0, /^[a-z]+(_[a-z]+)*$/.test(text.code)]).toEqual([name, true, true]);
    }
  });

  it('answers a fixed refusal as {message, code}, the bytes WAF and the ALB send', () => {
    expect(refusalBody(REFUSAL.noRouteMatched)).toBe('{"message":"no route matched","code":"no_route"}');
    expect(refusalBody(tooLarge(1024))).toBe('{"message":"Request body too large (limit 1024 bytes)","code":"request_too_large"}');
  });

  it('uses the gateway response\'s code for the web ACLs\' refusals of the same thing', () => {
    const byType = (type: string) => JSON.parse(renderResponseBody(gatewayResponses(config).find((r) => r.type === type)!, { requestId: 'r1' }));
    expect(byType('UNSUPPORTED_MEDIA_TYPE')).toEqual({ ...REFUSAL.unsupportedMediaType, requestId: 'r1' });
    expect(byType('WAF_FILTERED')).toEqual({ ...REFUSAL.forbidden, requestId: 'r1' });
    expect(byType('REQUEST_TOO_LARGE').code).toBe(tooLarge(1).code);
  });

  it('answers the edge web ACL\'s blocks with a code, the rate limit with the configured message', () => {
    expect(edgeWebAclBodies(config)).toEqual({
      geo: { message: 'Requests from this country are not allowed', code: 'geo_blocked' },
      tooLarge: { message: 'Request body too large (limit 1048576 bytes)', code: 'request_too_large' },
      rateLimited: { message: 'API rate limit exceeded', code: 'edge_rate_limited' },
    });
    expect(edgeRateLimited('Slow down').code).not.toBe(JSON.parse(renderResponseBody(gatewayResponses(config).find((r) => r.type === 'INVALID_API_KEY')!, { requestId: 'r' })).code);
  });
});
