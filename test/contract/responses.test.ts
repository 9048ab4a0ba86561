import { gatewayResponses, renderResponseBody, renderResponseHeaders, toResponseTemplate, type GatewayResponseType } from '../../lib/contract/responses';

const config = {
  rate_limiting: { strategy: 'redis' as const, fault_tolerant: true, hide_client_headers: false, error_code: 429, error_message: 'Slow down, upgrade at https://x.example/plans', redis_timeout_ms: 20, across_regions: 'independent' as const },
  routes: [{ auth: { strategies: ['jwt' as const] } }, { auth: { strategies: ['api_key' as const, 'none' as const] }, maintenance: { retry_after_seconds: 120 } }],
  services: [breakerService(45), breakerService(30, false)],
  identity: { api_keys: { header: 'x-api-key' } },
};
function breakerService(waitSeconds: number, enabled = true) {
  return { circuit_breaker: { enabled, failure_rate_threshold: 50, slow_call_rate_threshold: 100, window_seconds: 60, wait_seconds: waitSeconds, half_open_calls: 10 } };
}
const byType = (type: GatewayResponseType) => gatewayResponses(config).find((r) => r.type === type)!;

describe('gatewayResponses', () => {
  it.each([
    ['UNAUTHORIZED', 401], ['ACCESS_DENIED', 403], ['THROTTLED', 429], ['QUOTA_EXCEEDED', 429],
    ['BAD_REQUEST_BODY', 400], ['BAD_REQUEST_PARAMETERS', 400], ['REQUEST_TOO_LARGE', 413],
    ['INTEGRATION_TIMEOUT', 504], ['INTEGRATION_FAILURE', 502], ['AUTHORIZER_FAILURE', 503], ['AUTHORIZER_CONFIGURATION_ERROR', 503],
    ['DEFAULT_4XX', 400], ['DEFAULT_5XX', 500],
  ] as const)('answers %s with %i', (type, status) => {
    expect(byType(type).statusCode).toBe(status);
  });

  it('answers API Gateway throttling with rate_limiting.error_code and error_message', () => {
    const custom = gatewayResponses({ ...config, rate_limiting: { ...config.rate_limiting, error_code: 503 } }).find((r) => r.type === 'THROTTLED')!;
    expect(custom.statusCode).toBe(503);
    // A usage plan's (or the stage's) throttle has a code of its own, told apart from the tier limit's rate_limited.
    expect(renderResponseBody(custom, { requestId: 'r1' })).toBe('{"message":"Slow down, upgrade at https://x.example/plans","code":"throttled","requestId":"r1"}');
    expect(renderResponseHeaders(custom, { requestId: 'r1' })).toEqual({ 'Cache-Control': 'no-store', 'Retry-After': '1' });
  });

  it('answers a shed request 503 with the shortest wait of any enabled breaker or maintenance as Retry-After', () => {
    const shed = byType('AUTHORIZER_CONFIGURATION_ERROR');
    expect(renderResponseBody(shed, { requestId: 'r1' })).toBe('{"message":"Service unavailable, retry after the time given","code":"service_unavailable","requestId":"r1"}');
    // 45 s (the enabled breaker) beats 120 s (the route's maintenance); the disabled breaker's 30 s does not count.
    expect(renderResponseHeaders(shed, { requestId: 'r1' })).toEqual({ 'Cache-Control': 'no-store', 'Retry-After': '45' });
    const none = gatewayResponses({ ...config, services: [breakerService(30, false)], routes: [{ auth: { strategies: ['jwt'] } }] }).find((r) => r.type === 'AUTHORIZER_CONFIGURATION_ERROR')!;
    expect(renderResponseHeaders(none, { requestId: 'r1' })['Retry-After']).toBe('1');
  });

  it('prints the authorizer message and reason on a denial (rate limits included)', () => {
    const denied = byType('ACCESS_DENIED');
    expect(toResponseTemplate(denied)).toBe(
      '{"message":#if("$!context.authorizer.message" != "")"$context.authorizer.message"#else"Forbidden"#end,'
      + '"code":#if("$!context.authorizer.reason" != "")"$context.authorizer.reason"#else"forbidden"#end,"requestId":"$context.requestId"}',
    );
    expect(JSON.parse(renderResponseBody(denied, { requestId: 'r2', authorizer: { message: 'Rate limit exceeded', reason: 'rate_limited' } })))
      .toEqual({ message: 'Rate limit exceeded', code: 'rate_limited', requestId: 'r2' });
    expect(JSON.parse(renderResponseBody(denied, { requestId: 'r3', authorizer: {} })))
      .toEqual({ message: 'Forbidden', code: 'forbidden', requestId: 'r3' });
  });

  it('reports validation errors on a bad body', () => {
    expect(toResponseTemplate(byType('BAD_REQUEST_BODY'))).toContain('"$context.error.validationErrorString"');
  });

  it('never exposes internal details on 5xx and never sends CORS headers', () => {
    for (const def of gatewayResponses(config)) {
      expect(def.headers['Cache-Control']).toBe('no-store');
      expect(Object.keys(def.headers).filter((h) => /^access-control-/i.test(h))).toEqual([]);
      if (def.statusCode >= 500) expect(toResponseTemplate(def)).not.toContain('$context.error.message');
    }
    expect(renderResponseBody(byType('DEFAULT_5XX'), { requestId: 'r4' })).toBe('{"message":"Internal server error","code":"internal_error","requestId":"r4"}');
  });

  it('renders templates that are JSON once API Gateway substitutes the variables', () => {
    for (const def of gatewayResponses(config)) {
      const rendered = toResponseTemplate(def)
        .replace(/#if\("\$!context\.[\w.]+" != ""\)("\$context\.[\w.]+")#else("[^"]*")#end/g, '$2')
        .replace(/\$context\.requestId/g, 'abc');
      expect(() => JSON.parse(rendered)).not.toThrow();
    }
  });
});

describe('Retry-After on every 429 and 503 the gateway answers', () => {
  it('sends one on the tier limit, the usage plan throttle and quota, and the fail-closed 503', () => {
    const retryAfter = (type: GatewayResponseType) => {
      const def = byType(type);
      return def.headers['Retry-After'] ?? (def.contextHeaders?.['Retry-After'] ? `context.authorizer.${def.contextHeaders['Retry-After']}` : undefined);
    };
    expect({
      limit: retryAfter('INVALID_API_KEY'), throttled: retryAfter('THROTTLED'), quota: retryAfter('QUOTA_EXCEEDED'), unavailable: retryAfter('AUTHORIZER_FAILURE'),
    }).toEqual({ limit: 'context.authorizer.retryAfter', throttled: '1', quota: 'context.authorizer.quotaReset', unavailable: '1' });
    const unavailable = byType('AUTHORIZER_FAILURE');
    expect({ status: unavailable.statusCode, body: renderResponseBody(unavailable, { requestId: 'r5' }) })
      .toEqual({ status: 503, body: '{"message":"Temporarily unavailable, retry shortly","code":"temporarily_unavailable","requestId":"r5"}' });
  });
});

describe('WWW-Authenticate (decision 0018)', () => {
  const only = (...strategies: ('jwt' | 'api_key' | 'mtls' | 'none')[]) => gatewayResponses({ ...config, routes: [{ auth: { strategies } }] }).find((r) => r.type === 'UNAUTHORIZED')!;

  it('answers a 401 with one static challenge per scheme the API accepts, without an error (UNAUTHORIZED has no authorizer context)', () => {
    const def = byType('UNAUTHORIZED');
    expect(def.headers).toEqual({ 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="gatehouse", ApiKey realm="gatehouse", header="x-api-key"' });
    expect(def.contextHeaders).toBeUndefined();
    expect(renderResponseHeaders(def, { requestId: 'r6', authorizer: { wwwAuthenticate: 'Bearer error="invalid_token"' } })['WWW-Authenticate'])
      .toBe('Bearer realm="gatehouse", ApiKey realm="gatehouse", header="x-api-key"');
  });

  it('lists only the schemes the routes use, and none for an API of mTLS and anonymous routes', () => {
    expect(only('jwt').headers['WWW-Authenticate']).toBe('Bearer realm="gatehouse"');
    expect(only('api_key', 'mtls').headers['WWW-Authenticate']).toBe('ApiKey realm="gatehouse", header="x-api-key"');
    expect(only('mtls', 'none').headers).toEqual({ 'Cache-Control': 'no-store' });
  });

  it('maps the challenge of a Deny from the authorizer context on a 403, and sends none when the context has none', () => {
    const denied = byType('ACCESS_DENIED');
    expect(denied.contextHeaders).toEqual({ 'WWW-Authenticate': 'wwwAuthenticate' });
    const challenge = 'Bearer realm="gatehouse", error="insufficient_scope", error_description="missing scope: users/write", scope="users/read users/write"';
    expect(renderResponseHeaders(denied, { requestId: 'r7', authorizer: { reason: 'insufficient_scope', wwwAuthenticate: challenge } }))
      .toEqual({ 'Cache-Control': 'no-store', 'WWW-Authenticate': challenge });
    expect(renderResponseHeaders(denied, { requestId: 'r8', authorizer: { reason: 'tenant_mismatch' } })).toEqual({ 'Cache-Control': 'no-store' });
  });
});
