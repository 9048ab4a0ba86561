import { create, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { anyPack, DurationSchema } from '@bufbuild/protobuf/wkt';
import { GRPC_CODE, GrpcJsChannel, GrpcStatus, httpStatusOfGrpcCode, transcode, type GrpcService } from '../../lib/grpc';
import { builtinTypes } from '../../lib/grpc/definitions';
import { kitchen, rest, startKitchenServer, type KitchenServer } from './support/kitchen';

/**
 * What a REST caller gets back: the well-known types as their proto3 JSON, every gRPC status
 * as its HTTP status (grpc-gateway's table) with the google.rpc.Status JSON, the deadline, and
 * an upstream that is not there.
 */
let service: GrpcService;
let server: KitchenServer;
beforeAll(async () => {
  service = kitchen();
  server = await startKitchenServer(service);
});
afterAll(() => server.close());

const echo = async (thing: Record<string, unknown>) => {
  const answer = await transcode(service, server.channel, rest('PUT', '/v1/echo/1', { body: JSON.stringify(thing) }));
  return { status: answer.statusCode, json: JSON.parse(answer.body) as Record<string, unknown> };
};

describe('well-known types, there and back through protobuf binary', () => {
  it.each([
    ['createTime', '2026-05-01T10:00:00.250Z'],
    ['ttl', '90s'],
    ['quota', '9007199254740993'],
    ['enabled', false],
    ['note', ''],
    ['score', 0.25],
    ['attributes', { owner: 'ops', reviewed: true, n: 3, tags: ['a'], nested: { x: null } }],
    ['anyValue', [1, 'two', { three: 3 }]],
    ['items', ['a', 1, true, null]],
    ['mask', 'displayName,size.width'],
    ['extra', { '@type': 'type.googleapis.com/gatehouse.test.v1.Page', size: 5, token: 't' }],
    ['extra', { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '1s' }],
    ['stock', { apples: 3, pears: 0 }],
    ['sizes', { a: { width: 1, height: 2, unit: 'INCH' } }],
    ['blob', 'AAEC/w=='],
    ['rank', 0],
    ['batch', 7],
  ])('%s keeps %j', async (field, value) => {
    const { status, json } = await echo({ [field]: value });
    expect(status).toBe(200);
    expect(json[field]).toEqual(value);
  });

  it('refuses a value that is not its type\'s JSON, as INVALID_ARGUMENT', async () => {
    expect(await echo({ createTime: 'yesterday' })).toMatchObject({ status: 400, json: { code: 3 } });
    expect(await echo({ extra: { '@type': 'type.googleapis.com/nowhere.Unknown' } })).toMatchObject({ status: 400, json: { code: 3 } });
  });
});

describe('gRPC status -> HTTP status (grpc-gateway\'s table)', () => {
  const TABLE: [keyof typeof GRPC_CODE, number][] = [
    ['OK', 200], ['CANCELLED', 499], ['UNKNOWN', 500], ['INVALID_ARGUMENT', 400], ['DEADLINE_EXCEEDED', 504], ['NOT_FOUND', 404],
    ['ALREADY_EXISTS', 409], ['PERMISSION_DENIED', 403], ['RESOURCE_EXHAUSTED', 429], ['FAILED_PRECONDITION', 400], ['ABORTED', 409],
    ['OUT_OF_RANGE', 400], ['UNIMPLEMENTED', 501], ['INTERNAL', 500], ['UNAVAILABLE', 503], ['DATA_LOSS', 500], ['UNAUTHENTICATED', 401],
  ];

  it('maps every google.rpc.Code, and an unknown code to 500', () => {
    expect(TABLE.map(([name]) => [name, httpStatusOfGrpcCode(GRPC_CODE[name])])).toEqual(TABLE);
    expect(httpStatusOfGrpcCode(42)).toBe(500);
  });

  it.each(TABLE.filter(([name]) => name !== 'OK'))('answers a call that ends %s with %i and {code, message, details}', async (name, http) => {
    server.handle('GetThing', () => { throw new GrpcStatus(GRPC_CODE[name], `thing says ${name}`); });
    const answer = await transcode(service, server.channel, rest('GET', '/v1/shelves/s/things/t'));
    expect({ status: answer.statusCode, body: JSON.parse(answer.body), grpcCode: answer.grpcCode }).toEqual({
      status: http, body: { code: GRPC_CODE[name], message: `thing says ${name}`, details: [] }, grpcCode: GRPC_CODE[name],
    });
  });

  it('writes the details of grpc-status-details-bin as Any JSON, types it does not know with their bytes', async () => {
    const status = builtinTypes().getMessage('google.rpc.Status')!;
    const page = service.registry.getMessage('gatehouse.test.v1.Page') as DescMessage;
    const details = [
      anyPack(page, create(page, { size: 3 } as never)),
      anyPack(DurationSchema, create(DurationSchema, { seconds: 2n })),
      { $typeName: 'google.protobuf.Any', typeUrl: 'type.googleapis.com/vendor.Secret', value: new Uint8Array([1, 2]) },
    ];
    const bytes = toBinary(status, create(status, { code: 9, message: 'not yet', details } as never));
    server.handle('GetThing', () => { throw new GrpcStatus(GRPC_CODE.FAILED_PRECONDITION, 'not yet', bytes); });
    const answer = await transcode(service, server.channel, rest('GET', '/v1/shelves/s/things/t'));
    expect({ status: answer.statusCode, body: JSON.parse(answer.body) }).toEqual({
      status: 400,
      body: {
        code: 9, message: 'not yet', details: [
          { '@type': 'type.googleapis.com/gatehouse.test.v1.Page', size: 3 },
          { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '2s' },
          { '@type': 'type.googleapis.com/vendor.Secret', value: 'AQI=' },
        ],
      },
    });
  });
});

describe('the deadline', () => {
  it('ends a call the upstream has not answered by the deadline as DEADLINE_EXCEEDED, 504, on time', async () => {
    server.handle('GetThing', () => new Promise((resolve) => { setTimeout(() => resolve({}), 1500).unref(); }));
    const started = Date.now();
    const answer = await transcode(service, server.channel, rest('GET', '/v1/shelves/s/things/t', { deadline: started + 300 }));
    const took = Date.now() - started;
    expect({ status: answer.statusCode, body: JSON.parse(answer.body) }).toEqual({
      status: 504, body: { code: 4, message: 'the upstream did not answer before the deadline (the route\'s timeout)', details: [] },
    });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(800);
  });

  it('passes the deadline to the upstream (grpc-timeout), which may give up itself', async () => {
    server.handle('GetThing', () => { throw new GrpcStatus(GRPC_CODE.DEADLINE_EXCEEDED, 'the database was slow'); });
    const answer = await transcode(service, server.channel, rest('GET', '/v1/shelves/s/things/t'));
    expect({ status: answer.statusCode, body: JSON.parse(answer.body) }).toEqual({ status: 504, body: { code: 4, message: 'the database was slow', details: [] } });
  });
});

describe('an upstream that is not there', () => {
  it('is UNAVAILABLE, 503, without the gateway\'s addresses in the message', async () => {
    const closed = await startKitchenServer(service);
    const port = closed.port;
    await closed.close();
    const channel = new GrpcJsChannel({ target: `127.0.0.1:${port}` });
    try {
      const answer = await transcode(service, channel, rest('GET', '/v1/shelves/s/things/t'));
      expect({ status: answer.statusCode, body: JSON.parse(answer.body) }).toEqual({ status: 503, body: { code: 14, message: 'the upstream is unavailable', details: [] } });
    } finally {
      channel.close();
    }
  });
});
