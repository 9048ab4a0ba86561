import { createSign, generateKeyPairSync } from 'node:crypto';
import { fromJson, toJson, type DescMethod, type JsonObject } from '@bufbuild/protobuf';
import { credentials, makeGenericClientConstructor, Metadata, Server, ServerCredentials, status, type Client, type ServerWritableStream, type ServiceError, type UntypedHandleCall } from '@grpc/grpc-js';
import { GrpcSettings } from '../../lib/config/grpc-schema';
import { compileServiceInDirectory, grpcServiceDefinition, jsonImplementation, type GrpcService } from '../../lib/grpc';
import { startTestGateway, type TestGateway } from './support/harness';

/**
 * gRPC clients through the twin's native path (issue 16, docs/grpc.md "the native path in the
 * twin"): a real grpc-js client calls examples/enterprise-saas.yaml's `search` service
 * (tenantly.search.v1.Search, `grpc.native: { enabled: true, issuer: cognito }`) on the twin's
 * HTTP/2 listener, which checks the bearer token as the ALB's jwt-validation rule does (the claims
 * of lib/contract/native-grpc.ts, against the Cognito stand-in) and proxies the stream.
 */
const CONFIG = 'examples/enterprise-saas.yaml';
const settings = GrpcSettings.parse({ service: 'tenantly.search.v1.Search', protos: ['protos/tenantly/search/v1/search.proto'], import_paths: ['protos'] });
const search: GrpcService = compileServiceInDirectory(settings, 'examples').service!;
const definition = grpcServiceDefinition(search.descriptor);
const SearchClient = makeGenericClientConstructor(definition, 'Search');
const method = (name: string): DescMethod => search.descriptor.methods.find((m) => m.name === name)!;

interface Answer { code: number; details?: string; reply?: JsonObject; headers?: Metadata }

/** One unary call; never rejects: the status, the reply as JSON and the response headers. */
function unary(client: Client, name: string, request: JsonObject, token?: string, path = `/${search.name}/${name}`): Promise<Answer> {
  const m = method(name);
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    let headers: Metadata | undefined;
    const call = client.makeUnaryRequest(path, definition[name].requestSerialize, definition[name].responseDeserialize, fromJson(m.input, request, { registry: search.registry }), metadata,
      { deadline: Date.now() + 10_000 },
      (err: ServiceError | null, reply?: unknown) => {
        if (err) resolve({ code: err.code, details: err.details, headers });
        else resolve({ code: status.OK, reply: toJson(m.output, reply as never, { registry: search.registry }) as JsonObject, headers });
      });
    call.on('metadata', (m: Metadata) => { headers = m; });
  });
}

/** An access token of a client of the Cognito stand-in (client credentials). */
async function accessToken(gw: TestGateway, clientId: string, scope: string): Promise<string> {
  const client = gw.credentials.oauthClients.find((c) => c.clientId === clientId)!;
  const res = await fetch(gw.credentials.issuer!.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The same header and claims, signed RS256 by a key that is not the issuer's. */
function resignedWithAnotherKey(token: string): string {
  const [header, payload] = token.split('.');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

describe('native gRPC through the twin, to the sample upstream', () => {
  let gw: TestGateway;
  let client: Client;
  let token: string;

  beforeAll(async () => {
    // A manual clock a minute ahead of the issuer's: the expiry test moves it past `exp`.
    gw = await startTestGateway({ configFile: CONFIG, seed: 'derived', manualClockStart: Date.now() + 60_000 });
    client = new SearchClient(gw.credentials.grpc!.target, credentials.createInsecure());
    token = await accessToken(gw, 'scim-provisioner', 'api/admin');
  });
  afterAll(async () => {
    client?.close();
    await gw?.close();
  });

  it('lists the listener in the credentials and the banner', () => {
    expect(gw.credentials.grpc).toEqual({
      url: `http://${gw.credentials.grpc!.target}`, target: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      services: [{ service: 'search', grpcService: 'tenantly.search.v1.Search', issuer: 'local' }],
    });
    expect(gw.printed).toContain(`native gRPC (stands in for CloudFront's gRPC behaviour + the ALB's JWT rule; plaintext HTTP/2, no gateway limits) on ${gw.credentials.grpc!.target}`);
  });

  it('answers a call with an access token of one of the pool\'s app clients: the sample upstream\'s reply, no gateway context', async () => {
    const answer = await unary(client, 'ListIndexes', { pageSize: 1 }, token);
    expect(answer.code).toBe(status.OK);
    expect(answer.reply).toEqual({ indexes: [{ name: 'indexes/handbook', displayName: 'Employee handbook', documentCount: '3', createTime: '2026-01-05T09:00:00Z' }] });
    const echoed = answer.headers!.getMap();
    expect(echoed['echo-x-forwarded-for']).toBe('127.0.0.1');
    expect(echoed['echo-authorization']).toBe(`Bearer ${token}`);
    // No authorizer, no transformations on this path (as on AWS).
    expect(Object.keys(echoed).filter((k) => k.startsWith('echo-x-gatehouse-') || k === 'echo-x-request-id')).toEqual([]);
    // A status of the upstream comes through as its own, with its message (trailers proxied).
    expect(await unary(client, 'GetDocument', { name: 'indexes/handbook/documents/nope' }, token)).toMatchObject({ code: status.NOT_FOUND, details: 'document indexes/handbook/documents/nope not found' });
  });

  it('refuses a call without a token, or with a malformed one, with 401: UNAUTHENTICATED', async () => {
    for (const bad of [undefined, 'not-a-jwt']) {
      expect(await unary(client, 'ListIndexes', {}, bad)).toEqual({ code: status.UNAUTHENTICATED, details: 'Received HTTP status code 401', headers: expect.anything() });
    }
  });

  /** Why the listener refused the last call (its request log line). */
  const refusal = async () => (await gw.logs()).filter((l) => l.error?.startsWith('alb:')).at(-1)?.error;

  it('refuses a token signed by another key', async () => {
    expect(await unary(client, 'ListIndexes', {}, resignedWithAnotherKey(token))).toMatchObject({ code: status.UNAUTHENTICATED });
    expect(await refusal()).toBe('alb:jwt-validation: ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('refuses an access token of a client that is not one of the pool\'s app clients (client_id)', async () => {
    // demo-canary-tester is a client of the Cognito stand-in only (the REST authorizer takes its
    // tokens); the Cognito pool's app clients are scim-provisioner and web-app.
    const other = await accessToken(gw, 'demo-canary-tester', 'api/read');
    expect(await unary(client, 'ListIndexes', {}, other)).toMatchObject({ code: status.UNAUTHENTICATED });
    expect(await refusal()).toBe('alb:jwt-validation: claim client_id is not scim-provisioner or web-app');
  });

  it('refuses an expired token (exp against the twin\'s clock)', async () => {
    await gw.advance(3600 * 1000);
    try {
      expect(await unary(client, 'ListIndexes', {}, token)).toMatchObject({ code: status.UNAUTHENTICATED });
      expect(await refusal()).toBe('alb:jwt-validation: ERR_JWT_EXPIRED');
    } finally {
      await gw.advance(-3600 * 1000);
    }
    expect((await unary(client, 'ListIndexes', {}, token)).code).toBe(status.OK);
  });

  it('answers a path no rule matches with the listener\'s 404: UNIMPLEMENTED, token or not', async () => {
    for (const t of [undefined, token]) {
      expect(await unary(client, 'ListIndexes', {}, t, '/tenantly.billing.v1.Billing/ListInvoices')).toMatchObject({ code: status.UNIMPLEMENTED, details: 'Received HTTP status code 404' });
    }
  });

  it('forwards an unknown method of the service to the upstream, which answers UNIMPLEMENTED (after the token check)', async () => {
    expect(await unary(client, 'ListIndexes', {}, undefined, `/${search.name}/DropIndex`)).toMatchObject({ code: status.UNAUTHENTICATED });
    const answer = await unary(client, 'ListIndexes', {}, token, `/${search.name}/DropIndex`);
    expect(answer.code).toBe(status.UNIMPLEMENTED);
    expect(answer.details).not.toContain('HTTP status');
  });
});

describe('native gRPC through the twin: a server-streaming method (local_url)', () => {
  let gw: TestGateway;
  let server: Server;
  let client: Client;
  const watch = method('WatchIndex');

  beforeAll(async () => {
    server = new Server();
    server.addService(definition, {
      ...jsonImplementation(search.descriptor, search.registry, { ListIndexes: () => ({ indexes: [] }) }),
      WatchIndex: ((call: ServerWritableStream<never, unknown>) => {
        const name = String((toJson(watch.input, call.request, { registry: search.registry }) as JsonObject).name);
        let i = 0;
        // Three events some time apart, then a status in the trailers.
        const timer = setInterval(() => {
          i += 1;
          call.write(fromJson(watch.output, { document: `${name}/documents/d${i}`, kind: i === 2 ? 'updated' : 'created' }, { registry: search.registry }));
          if (i === 3) {
            clearInterval(timer);
            const trailers = new Metadata();
            trailers.set('watch-ended', 'yes');
            call.end(trailers);
          }
        }, 50);
      }) as unknown as UntypedHandleCall,
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    gw = await startTestGateway({ configFile: CONFIG, seed: 'derived', overrides: { services: [{ name: 'search', local_url: `http://127.0.0.1:${port}` }] } });
    client = new SearchClient(gw.credentials.grpc!.target, credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await gw?.close();
    server?.forceShutdown();
  });

  const stream = (token: string | undefined) => new Promise<{ events: { at: number; event: JsonObject }[]; code: number; trailers?: Metadata }>((resolve) => {
    const metadata = new Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    const events: { at: number; event: JsonObject }[] = [];
    const call = client.makeServerStreamRequest(`/${search.name}/WatchIndex`, definition.WatchIndex.requestSerialize, definition.WatchIndex.responseDeserialize,
      fromJson(watch.input, { name: 'indexes/handbook' }, { registry: search.registry }), metadata, { deadline: Date.now() + 10_000 });
    call.on('data', (m: unknown) => events.push({ at: Date.now(), event: toJson(watch.output, m as never, { registry: search.registry }) as JsonObject }));
    call.on('error', (err: ServiceError) => resolve({ events, code: err.code }));
    call.on('status', (s: { code: number; metadata: Metadata }) => { if (s.code === status.OK) resolve({ events, code: s.code, trailers: s.metadata }); });
  });

  it('streams each message as the upstream sends it, then its trailers', async () => {
    const token = await accessToken(gw, 'scim-provisioner', 'api/admin');
    const { events, code, trailers } = await stream(token);
    expect(code).toBe(status.OK);
    expect(events.map((e) => e.event)).toEqual([
      { document: 'indexes/handbook/documents/d1', kind: 'created' },
      { document: 'indexes/handbook/documents/d2', kind: 'updated' },
      { document: 'indexes/handbook/documents/d3', kind: 'created' },
    ]);
    // Delivered one by one, not buffered to the end.
    expect(events[2].at - events[0].at).toBeGreaterThanOrEqual(50);
    expect(trailers!.get('watch-ended')).toEqual(['yes']);
  });

  it('refuses the stream without a token', async () => {
    expect(await stream(undefined)).toMatchObject({ events: [], code: status.UNAUTHENTICATED });
  });
});
