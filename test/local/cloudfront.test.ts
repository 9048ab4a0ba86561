import type { GatewayConfig } from '../../lib/config/schema';
import { compileViewerResponse, MAX_HEADER_BYTES, MAX_URL_BYTES, originRequestHeaders, parserRefusal, viewerRequestRefusal } from '../../local/cloudfront';

/** The CloudFront behaviour of the twin (local/cloudfront.ts), called with plain data. */

describe('viewerRequestRefusal', () => {
  it('passes a request within the limits with an allowed method', () => {
    expect(viewerRequestRefusal('PATCH', '/v1/users', ['Host', 'api.example.com'])).toBeUndefined();
  });

  it('answers a URL over 8,192 bytes with 414, counting UTF-8 bytes', () => {
    expect(viewerRequestRefusal('GET', `/${'a'.repeat(MAX_URL_BYTES - 1)}`, [])).toBeUndefined();
    expect(viewerRequestRefusal('GET', `/${'a'.repeat(MAX_URL_BYTES)}`, [])).toMatchObject({ statusCode: 414, message: 'URI too long', code: 'uri_too_long' });
    expect(viewerRequestRefusal('GET', `/${'é'.repeat(MAX_URL_BYTES / 2)}`, [])).toMatchObject({ statusCode: 414 });
  });

  it('answers headers over 20,480 bytes with 431 (2 bytes per name and value for the separators)', () => {
    const value = 'v'.repeat(MAX_HEADER_BYTES - 'X-Big'.length - 4);
    expect(viewerRequestRefusal('GET', '/', ['X-Big', value])).toBeUndefined();
    expect(viewerRequestRefusal('GET', '/', ['X-Big', `${value}v`])).toMatchObject({ statusCode: 431, code: 'header_too_large' });
  });

  it('answers a method the behaviour does not allow with 405 and Allow', () => {
    expect(viewerRequestRefusal('TRACE', '/', [])).toEqual({ statusCode: 405, message: 'Method not allowed', code: 'method_not_allowed', headers: { allow: 'GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE' } });
  });
});

describe('parserRefusal', () => {
  it('maps what the HTTP parser refused to the edge\'s answer', () => {
    expect(parserRefusal('HPE_HEADER_OVERFLOW', undefined).statusCode).toBe(431);
    expect(parserRefusal('HPE_INVALID_METHOD', Buffer.from('BREW /pot HTTP/1.1\r\n')).statusCode).toBe(405);
    expect(parserRefusal('HPE_INVALID_METHOD', Buffer.from('\u0016\u0003\u0001 not http')).statusCode).toBe(400);
    expect(parserRefusal('ERR_HTTP_REQUEST_TIMEOUT', undefined)).toMatchObject({ statusCode: 408, code: 'request_timeout' });
    expect(parserRefusal('HPE_INVALID_CONSTANT', undefined)).toMatchObject({ statusCode: 400, code: 'bad_request' });
  });
});

describe('originRequestHeaders', () => {
  it('drops the headers the viewer function owns, sets X-Forwarded-Host from Host and the client IP, appends the viewer to X-Forwarded-For', () => {
    const headers = originRequestHeaders(['Host', 'api.example.com', 'X-Forwarded-Host', 'evil.example', 'X-Gatehouse-Client-IP', '1.2.3.4', 'X-Forwarded-For', '10.0.0.1', 'Accept', '*/*'], '203.0.113.7');
    expect(headers).toEqual([
      ['Host', 'api.example.com'], ['Accept', '*/*'],
      ['X-Forwarded-Host', 'api.example.com'], ['X-Gatehouse-Client-IP', '203.0.113.7'],
      ['X-Forwarded-For', '10.0.0.1, 203.0.113.7'], ['X-Forwarded-Proto', 'https'],
    ]);
  });

  it('starts X-Forwarded-For with the viewer when the request had none', () => {
    expect(originRequestHeaders([], '203.0.113.7')).toEqual([['X-Gatehouse-Client-IP', '203.0.113.7'], ['X-Forwarded-For', '203.0.113.7'], ['X-Forwarded-Proto', 'https']]);
  });
});

describe('compileViewerResponse', () => {
  const config = {
    transformations: { response: { add_headers: { 'X-Api': 'gatehouse' }, remove_headers: ['Server', 'X-Powered-By'] } },
    cors: { origins: ['https://app.example.com'], credentials: false, headers: ['authorization'], expose_headers: ['x-request-id'], max_age: 600, methods: ['GET'] },
  } as unknown as GatewayConfig;
  const viewerResponse = compileViewerResponse(config);
  const collect = (method: string, request: Record<string, string>, headers: Record<string, string>) => {
    const out: Record<string, string | string[]> = {};
    viewerResponse(method, request, headers, { header: (name, value) => { out[name] = value; } });
    return out;
  };

  it('applies the response headers policy: removals, additions, Server: CloudFront, Via', () => {
    const out = collect('GET', {}, { 'content-type': 'application/json', 'x-powered-by': 'express', server: 'nginx', 'content-length': '2' });
    expect(out).toMatchObject({ 'content-type': 'application/json', 'x-api': 'gatehouse', 'x-content-type-options': 'nosniff', server: 'CloudFront', via: '1.1 local.cloudfront.net (CloudFront)' });
    expect(out).not.toHaveProperty('x-powered-by');
    expect(out).not.toHaveProperty('content-length');
  });

  it('replaces the origin\'s CORS headers for an allowed Origin', () => {
    const out = collect('GET', { origin: 'https://app.example.com' }, { 'access-control-allow-origin': '*' });
    expect(out).toMatchObject({ 'access-control-allow-origin': 'https://app.example.com', vary: 'Origin', 'access-control-expose-headers': 'x-request-id' });
  });

  it('keeps the origin\'s CORS headers for a request without an allowed Origin', () => {
    expect(collect('GET', { origin: 'https://evil.example' }, { 'access-control-allow-origin': '*' })).toMatchObject({ 'access-control-allow-origin': '*' });
  });

  it('answers a preflight with the allowed headers and max age', () => {
    const out = collect('OPTIONS', { origin: 'https://app.example.com', 'access-control-request-method': 'GET' }, {});
    expect(out).toMatchObject({ 'access-control-allow-headers': 'authorization', 'access-control-max-age': '600' });
    expect(out).toHaveProperty('access-control-allow-methods');
  });
});
