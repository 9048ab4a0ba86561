import { transcode, type GrpcService } from '../../lib/grpc';
import { kitchen, rest, startKitchenServer, type KitchenServer } from './support/kitchen';

/**
 * REST -> gRPC -> REST through a real grpc-js server (gatehouse.test.v1.Kitchen): which binding
 * a request takes, how path variables, query parameters and the body fill the request message,
 * and what the caller gets back, as google/api/http.proto and grpc-gateway define it.
 */
let service: GrpcService;
let server: KitchenServer;
beforeAll(async () => {
  service = kitchen({ metadata_headers: ['traceparent', 'x-trace-*'] });
  server = await startKitchenServer(service);
});
afterAll(() => server.close());
beforeEach(() => { server.take(); });

const call = async (...args: Parameters<typeof rest>) => {
  const answer = await transcode(service, server.channel, rest(...args));
  return { status: answer.statusCode, json: JSON.parse(answer.body) as Record<string, unknown>, headers: answer.headers, grpcMethod: answer.grpcMethod };
};
/** The request the server received, as proto3 JSON with every field. */
const received = () => {
  const calls = server.take();
  expect(calls).toHaveLength(1);
  return calls[0];
};

describe('choosing the method', () => {
  it('calls the method whose template matches, with the path variable as its field', async () => {
    const { status, grpcMethod } = await call('GET', '/v1/shelves/s1/things/t1');
    expect({ status, grpcMethod }).toEqual({ status: 200, grpcMethod: '/gatehouse.test.v1.Kitchen/GetThing' });
    expect(received()).toMatchObject({ method: 'GetThing', request: { name: 'shelves/s1/things/t1' } });
  });

  it('serves additional bindings: {name=**} takes the rest of the path', async () => {
    await call('GET', '/v1/things/a/b/c');
    expect(received().request).toEqual({ name: 'a/b/c' });
  });

  it('tells a custom verb from the plain path: POST ...:cancel calls CancelThing', async () => {
    await call('POST', '/v1/shelves/s1/things/t1:cancel', { body: '{"reason":"duplicate"}' });
    expect(received()).toMatchObject({ method: 'CancelThing', request: { name: 'shelves/s1/things/t1', reason: 'duplicate' } });
  });

  it('answers 404 with NOT_FOUND when no template matches, 405 with UNIMPLEMENTED for another method on a bound path', async () => {
    expect(await call('GET', '/v2/nothing')).toMatchObject({ status: 404, json: { code: 5, message: 'no method of gatehouse.test.v1.Kitchen is bound to GET /v2/nothing', details: [] } });
    expect(await call('POST', '/v1/echo/7/name')).toMatchObject({ status: 405, json: { code: 12, message: 'POST is not bound to /v1/echo/7/name; it takes GET' }, headers: { allow: 'GET' } });
    expect(server.take()).toEqual([]);
  });
});

describe('query parameters: the fields the path and body do not bind', () => {
  it('sets nested fields (page.size), repeated fields (tags=a&tags=b), enums by name or number, int64 as strings, bools', async () => {
    await call('GET', '/v1/shelves/s1/things', { query: 'page.size=20&page.token=abc&tags=a&tags=b&color=GREEN&colors=RED&colors=2&minId=9007199254740993&active=true' });
    expect(received().request).toMatchObject({
      parent: 'shelves/s1', page: { size: 20, token: 'abc' }, tags: ['a', 'b'], color: 'GREEN', colors: ['RED', 'GREEN'], minId: '9007199254740993', active: true,
    });
  });

  it('takes proto names and JSON names alike, and decodes them as a form does (+ is a space)', async () => {
    await call('GET', '/v1/shelves/s1/things', { query: 'min_id=5&page.token=a+b%2Bc' });
    expect(received().request).toMatchObject({ minId: '5', page: { token: 'a b+c' } });
  });

  it('reads well-known types from their JSON text: Timestamp, Duration, wrappers, FieldMask, bytes as base64', async () => {
    await call('GET', '/v1/shelves/s1/things', { query: 'since=2026-05-01T10:00:00Z&maxAge=3.5s&limit=10&archived=false&readMask=name,displayName&cursor=AQID' });
    expect(received().request).toMatchObject({ since: '2026-05-01T10:00:00Z', maxAge: '3.500s', limit: 10, archived: false, readMask: 'name,displayName', cursor: 'AQID' });
  });

  it('takes already-split parameters (the Lambda\'s multi-value query) as the raw string', async () => {
    await call('GET', '/v1/shelves/s1/things', { query: { tags: ['x', 'y'], 'page.size': ['3'] } });
    expect(received().request).toMatchObject({ tags: ['x', 'y'], page: { size: 3 } });
  });

  it.each([
    ['unknown=1', 'unknown query parameter unknown: gatehouse.test.v1.ListThingsRequest has no field unknown'],
    ['page=1', 'query parameter page: field page is a message (gatehouse.test.v1.Page); set its fields (page.x=...)'],
    ['tags.x=1', 'query parameter tags.x: tags is not a message field, so it has no field x'],
    ['labels=a', 'query parameter labels: map fields cannot be set from the query; send them in a body'],
    ['minId=1&minId=2', 'query parameter minId is given 2 times, but field min_id is not repeated'],
    ['active=yes', 'query parameter active: "yes" is not true or false'],
    ['page.size=big', 'query: field size (gatehouse.test.v1.Page): expected number (int32), got "big"'],
    ['color=PURPLE', 'query parameter color: "PURPLE" is no value of gatehouse.test.v1.Color (COLOR_UNSPECIFIED, RED, GREEN)'],
    ['colors=RED&colors=BLUE', 'query parameter colors: "BLUE" is no value of gatehouse.test.v1.Color (COLOR_UNSPECIFIED, RED, GREEN)'],
    ['parent=shelves/s2', 'query parameter parent: field parent is bound by the path (/v1/{parent=shelves/*}/things)'],
  ])('refuses %s with 400 INVALID_ARGUMENT, naming the parameter', async (query, message) => {
    expect(await call('GET', '/v1/shelves/s1/things', { query })).toMatchObject({ status: 400, json: { code: 3, message, details: [] } });
    expect(server.take()).toEqual([]);
  });
});

describe('the body', () => {
  it('fills the whole message with body "*", path variables over it', async () => {
    await call('PUT', '/v1/echo/42', { body: JSON.stringify({ id: '7', displayName: 'Lamp', tags: ['a'] }) });
    expect(received().request).toMatchObject({ id: '42', displayName: 'Lamp', tags: ['a'] });
  });

  it('fills one field with body "thing"; the other fields come from the path and query', async () => {
    await call('POST', '/v1/shelves/s1/things', { query: 'thingId=t9', body: JSON.stringify({ displayName: 'Chair', size: { width: 40, unit: 'CM' } }) });
    expect(received().request).toMatchObject({ parent: 'shelves/s1', thingId: 't9', thing: { displayName: 'Chair', size: { width: 40, unit: 'CM' } } });
  });

  it('binds a nested path variable into the body\'s message: PATCH /v1/{thing.name=...}', async () => {
    await call('PATCH', '/v1/shelves/s1/things/t1', { query: 'updateMask=displayName', body: JSON.stringify({ displayName: 'Desk' }) });
    expect(received().request).toMatchObject({ thing: { name: 'shelves/s1/things/t1', displayName: 'Desk' }, updateMask: 'displayName' });
  });

  it.each([
    ['{"displayName":', /^the body is not JSON \(/],
    ['{"nope":1}', /^body: gatehouse\.test\.v1\.Thing: key "nope" is unknown$/],
    ['{"id":"x"}', /^body: field id \(gatehouse\.test\.v1\.Thing\): expected bigint \(int64\): x out of range$/],
  ])('refuses the body %s with 400 INVALID_ARGUMENT', async (body, message) => {
    const answer = await call('PUT', '/v1/echo/1', { body });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(message);
  });

  it('refuses query parameters beside body "*" (every field is in the body)', async () => {
    expect(await call('PUT', '/v1/echo/1', { query: 'displayName=x', body: '{}' })).toMatchObject({ status: 400, json: { message: 'query parameter displayName: this method takes every field from the body (body: "*"), none from the query' } });
  });
});

describe('the answer', () => {
  it('is the reply as proto3 JSON: JSON names, every field with its default, 64-bit integers as strings, enums by name', async () => {
    const { status, json } = await call('PUT', '/v1/echo/9007199254740993', { body: '{"color":"RED"}' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ name: '', displayName: '', id: '9007199254740993', big: '0', color: 'RED', palette: [], tags: [], stock: {}, active: false, code: '' });
    expect(json).not.toHaveProperty('rank');
    expect(json).not.toHaveProperty('size');
  });

  it('returns only the response_body field when the binding names one', async () => {
    server.handle('EchoName', () => ({ displayName: 'Only this' }));
    const answer = await transcode(service, server.channel, rest('GET', '/v1/echo/1/name'));
    expect({ status: answer.statusCode, body: answer.body }).toEqual({ status: 200, body: '"Only this"' });
  });

  it('shows the reply\'s metadata as grpc-metadata-* headers (grpc-gateway\'s convention)', async () => {
    expect((await call('GET', '/v1/shelves/s/things/t')).headers).toEqual({ 'content-type': 'application/json', 'grpc-metadata-x-kitchen': 'open' });
  });
});

describe('metadata', () => {
  it('sends the gateway\'s headers and the client headers metadata_headers selects, never grpc-* or HTTP/2 headers', async () => {
    await call('GET', '/v1/shelves/s/things/t', {
      metadata: { 'x-gatehouse-consumer': 'demo-pro', 'x-gatehouse-route': 'things' },
      headers: { traceparent: '00-abc-def-01', 'x-trace-span': 's1', 'x-other': 'no', 'grpc-timeout': '1S', 'content-type': 'text/plain', cookie: 'secret' },
    });
    const { metadata } = received();
    expect(Object.fromEntries(Object.entries(metadata).filter(([k]) => k !== 'user-agent'))).toEqual({
      'x-gatehouse-consumer': 'demo-pro', 'x-gatehouse-route': 'things', traceparent: '00-abc-def-01', 'x-trace-span': 's1',
    });
  });
});
