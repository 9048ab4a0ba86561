import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { toTranscoderConfig } from '../../lambdas/grpc-transcoder/build-config';
import type { TranscoderConfig } from '../../lambdas/grpc-transcoder/config';
import { buildTranscoder } from '../../lambdas/grpc-transcoder/build-transcoder';
import { libraryTranscoder } from '../../lambdas/grpc-transcoder/library-transcoder';
import { createTranscoder, DEADLINE_MARGIN_MS } from '../../lambdas/grpc-transcoder/transcode';
import type { CallOptions, RestCall, ServiceTranscoder } from '../../lambdas/grpc-transcoder/transcoding-port';
import { loadConfigFile } from '../../lib/checks/load';
import { grpcSourcesOfService } from '../../lib/constructs/grpc-transcoder';
import { GrpcJsChannel, GrpcStatus, grpcServiceDefinition, jsonImplementation, loadGrpcService } from '../../lib/grpc';
import { ROOT } from '../support/synth';
import { grpcConfigText, writeGrpcConfig } from '../stacks/grpc-fixture';

/** The fixture's config (ledger route: /v1/entries, timeout_ms 2500) as the transcoder bakes it. */
function bakedConfig(text = grpcConfigText()): TranscoderConfig {
  const gateway = loadConfigFile(join(ROOT, writeGrpcConfig(text))).environments.dev;
  return toTranscoderConfig(gateway, (s) => grpcSourcesOfService(gateway, s));
}

function event(overrides: Partial<APIGatewayProxyEvent> & { authorizer?: Record<string, unknown> } = {}): APIGatewayProxyEvent {
  const { authorizer, ...rest } = overrides;
  return {
    httpMethod: 'GET', resource: '/v1/entries/{proxy+}', path: '/v1/entries/42', body: null, isBase64Encoded: false,
    headers: { 'X-Gatehouse-Client-IP': '203.0.113.7', Authorization: 'Bearer secret-token', 'X-Trace-Id': 't-1' },
    multiValueHeaders: {}, queryStringParameters: { view: 'full' }, multiValueQueryStringParameters: { view: ['full'] },
    pathParameters: { proxy: '42' }, stageVariables: null,
    requestContext: {
      requestId: 'req-1', requestTimeEpoch: 1_700_000_000_000, identity: { sourceIp: '198.51.100.1' },
      authorizer: authorizer ?? { route: 'ledger', principal: 'partner-1', consumer: 'c:partner-1', tier: 'free', scopes: 'ledger.read', tenant: '', canary: 'false' },
    },
    ...rest,
  } as unknown as APIGatewayProxyEvent;
}

/** A service transcoder that records what it was handed and answers 200. */
function recorder() {
  const calls: Array<{ call: RestCall; options: CallOptions }> = [];
  const transcoder: ServiceTranscoder = {
    call: async (call, options) => { calls.push({ call, options }); return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }; },
    close: () => undefined,
  };
  return { calls, transcoder };
}

describe('the transcoder Lambda\'s steps (lambdas/grpc-transcoder/transcode.ts)', () => {
  const config = bakedConfig();

  it('bakes each gRPC route with its service, its timeout and the gateway\'s upstream headers', () => {
    expect(config.routes).toEqual({ ledger: expect.objectContaining({ service: 'ledger', timeoutMs: 2500, paths: ['/v1/entries'], stripPath: false, basePath: '/' }) });
    expect(config.services.ledger).toMatchObject({ grpcService: 'payflow.ledger.v1.Ledger', upstream: { kind: 'internal-alb', authority: 'internal.dev.example.com' }, sources: { kind: 'protos' } });
    expect(config.routes.echo).toBeUndefined();
  });

  it('calls the route\'s service with the upstream path, query and a deadline of the route timeout less the margin', async () => {
    const { calls, transcoder } = recorder();
    const transcode = createTranscoder({ config, services: new Map([['ledger', transcoder]]), now: () => 1_000 });
    const answer = await transcode(event());
    expect(answer).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(calls[0].call).toMatchObject({ httpMethod: 'GET', path: '/v1/entries/42', query: { view: ['full'] } });
    expect(calls[0].options.deadline).toBe(1_000 + 2500 - DEADLINE_MARGIN_MS);
  });

  it('sends the authorizer\'s decision as metadata (the route header the ALB routes on included) and keeps the consumed credential from the service', async () => {
    const { calls, transcoder } = recorder();
    await createTranscoder({ config, services: new Map([['ledger', transcoder]]) })(event());
    expect(calls[0].options.metadata).toMatchObject({
      'x-gatehouse-route': 'ledger', 'x-gatehouse-consumer': 'c:partner-1', 'x-gatehouse-principal': 'partner-1', 'x-gatehouse-tier': 'free', 'x-gatehouse-scopes': 'ledger.read',
    });
    expect(calls[0].options.metadata.authorization).toBeUndefined();
    expect(calls[0].call.headers.authorization).toBeUndefined();
    expect(calls[0].call.headers['x-trace-id']).toBe('t-1');
  });

  it('answers 500 without calling anything when the authorizer named no gRPC route of this function', async () => {
    const { calls, transcoder } = recorder();
    const outcomes: unknown[] = [];
    const transcode = createTranscoder({ config, services: new Map([['ledger', transcoder]]), onOutcome: (o) => outcomes.push(o) });
    const answer = await transcode(event({ authorizer: { route: 'echo' } }));
    expect(answer.statusCode).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Internal server error', code: 'internal_error' });
    expect(calls).toHaveLength(0);
    expect(outcomes).toEqual([{ kind: 'misrouted', route: 'echo', problem: 'route echo is not a gRPC route of this function' }]);
  });

  it('answers 502 when the library fails (it never should for a gRPC status)', async () => {
    const failing: ServiceTranscoder = { call: async () => { throw new Error('boom'); }, close: () => undefined };
    const answer = await createTranscoder({ config, services: new Map([['ledger', failing]]) })(event());
    expect(answer.statusCode).toBe(502);
    expect(JSON.parse(answer.body).code).toBe('upstream_unavailable');
  });

  it('applies strip_path and the service\'s base path as an HTTP_PROXY integration would', async () => {
    const stripped: TranscoderConfig = { ...config, routes: { ledger: { ...config.routes.ledger, stripPath: true, basePath: '/v1/entries' } } };
    const { calls, transcoder } = recorder();
    await createTranscoder({ config: stripped, services: new Map([['ledger', transcoder]]) })(event({ pathParameters: { proxy: 'a b/42' } }));
    expect(calls[0].call.path).toBe('/v1/entries/a%20b/42');
  });
});

describe('the transcoder with the library against a real grpc-js upstream', () => {
  const config = bakedConfig();
  const baked = config.services.ledger;
  const compiled = loadGrpcService({ service: baked.grpcService, mappings: baked.mappings, metadata_headers: baked.metadataHeaders }, baked.sources);
  const server = new Server();
  const seen: Array<Record<string, string>> = [];
  server.addService(grpcServiceDefinition(compiled.descriptor), jsonImplementation(compiled.descriptor, compiled.registry, {
    GetEntry: (req, metadata) => {
      seen.push(metadata);
      if (req.name === 'entries/404') throw new GrpcStatus(5, 'no such entry');
      return { name: String(req.name), amountCents: '1250', currency: 'EUR' };
    },
  }));
  let port = 0;
  beforeAll(async () => {
    port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  });
  afterAll(() => server.forceShutdown());
  const transcode = () => buildTranscoder(config, async (service) => libraryTranscoder(service, new GrpcJsChannel({ target: `127.0.0.1:${port}` })), undefined);

  it('maps GET /v1/entries/42 to GetEntry{name: "entries/42"} and the reply to proto3 JSON, with the gateway metadata upstream', async () => {
    const answer = await (await transcode())(event({ queryStringParameters: null, multiValueQueryStringParameters: null }));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ name: 'entries/42', amountCents: '1250', currency: 'EUR' });
    expect(seen.at(-1)).toMatchObject({ 'x-gatehouse-route': 'ledger', 'x-gatehouse-consumer': 'c:partner-1' });
  });

  it('answers a query parameter the request message has no field for as 400 (INVALID_ARGUMENT), as grpc-gateway does', async () => {
    expect((await (await transcode())(event())).statusCode).toBe(400);
  });

  it('answers NOT_FOUND as 404', async () => {
    const answer = await (await transcode())(event({ path: '/v1/entries/404', pathParameters: { proxy: '404' }, queryStringParameters: null, multiValueQueryStringParameters: null }));
    expect(answer.statusCode).toBe(404);
  });
});
