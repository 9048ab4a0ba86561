/**
 * `npm run bench:grpc`: what REST -> gRPC transcoding costs (issue 16, docs/decisions/0027), in one
 * run, side by side, against the same grpc-js upstream (the test fixture's payflow.ledger.v1.Ledger,
 * implemented with lib/grpc's jsonImplementation, on a free loopback port, plaintext HTTP/2):
 *   - direct: a gRPC client (GrpcJsChannel, the request built and encoded with @bufbuild/protobuf
 *     as generated stubs would, the reply decoded), as a native gRPC client calls the service;
 *   - transcoded: the deployed transcoder handler (middy + Powertools + lambdas/grpc-transcoder +
 *     lib/grpc) on an API Gateway proxy event, as the Lambda runs it, with the baked config of the
 *     fixture's config and a channel to the same upstream.
 * Rows: GET with a path variable (GetEntry) and POST with a body field (CreateEntry); one call at a
 * time (p50/p99 per call) and 32 in flight (throughput). Sides alternate in small batches for
 * BENCH_ROUNDS (5) x BENCH_SECONDS (1) s per row, so both see the same machine load. What is not
 * here: the Lambda invoke, API Gateway, TLS and the ALB hop (docs/grpc.md, latency).
 */
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { create, fromBinary, toBinary, type DescMethod } from '@bufbuild/protobuf';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { GrpcJsChannel, grpcServiceDefinition, jsonImplementation, loadGrpcService } from '../lib/grpc';
import { loadConfigFile } from '../lib/checks/load';
import { toTranscoderConfig } from '../lambdas/grpc-transcoder/build-config';
import { buildTranscoder } from '../lambdas/grpc-transcoder/build-transcoder';
import { createHandler } from '../lambdas/grpc-transcoder/handler';
import { libraryTranscoder } from '../lambdas/grpc-transcoder/library-transcoder';
import { grpcSourcesOfService } from '../lib/constructs/grpc-transcoder';
import { ROOT } from '../test/support/synth';
import { writeGrpcConfig } from '../test/stacks/grpc-fixture';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const SECONDS = Math.max(0.2, Number(process.env.BENCH_SECONDS ?? 1));
const IN_FLIGHT = 32;

type Call = () => Promise<void>;
interface Side { readonly perCallUs: number[]; spentS: number; calls: number }
interface Row { readonly name: string; readonly direct: Side; readonly transcoded: Side; readonly inFlight: number }

const LAMBDA_CONTEXT = {
  functionName: 'bench-grpc-transcoder', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:bench',
  memoryLimitInMB: '512', awsRequestId: 'bench', logGroupName: '/aws/lambda/bench', logStreamName: 'bench', callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000, done: () => undefined, fail: () => undefined, succeed: () => undefined,
} as unknown as Context;

function proxyEvent(httpMethod: string, resource: string, proxy: string | undefined, body?: string): APIGatewayProxyEvent {
  return {
    httpMethod, resource, path: proxy ? `/v1/entries/${proxy}` : '/v1/entries', body: body ?? null, isBase64Encoded: false,
    headers: { 'content-type': 'application/json', 'x-gatehouse-client-ip': '203.0.113.7', authorization: 'Bearer x' },
    multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null,
    pathParameters: proxy ? { proxy } : null, stageVariables: null,
    requestContext: {
      requestId: 'bench-request', requestTimeEpoch: Date.now(), identity: { sourceIp: '198.51.100.1' },
      authorizer: { route: 'ledger', principal: 'partner-1', consumer: 'c:partner-1', tier: 'free', scopes: '', tenant: '', canary: 'false' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  } as APIGatewayProxyEvent;
}

async function timeBatch(call: Call, side: Side, inFlight: number, calls: number): Promise<void> {
  const worker = async (w: number) => {
    for (let i = w; i < calls; i += inFlight) {
      const t = performance.now();
      await call();
      if (inFlight === 1) side.perCallUs.push((performance.now() - t) * 1000);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(w)));
  side.spentS += (performance.now() - started) / 1000;
  side.calls += calls;
}

async function compare(name: string, direct: Call, transcoded: Call, inFlight: number): Promise<Row> {
  const batch = inFlight * 50;
  const warm = { perCallUs: [], spentS: 0, calls: 0 };
  await timeBatch(direct, warm, inFlight, batch * 4);
  await timeBatch(transcoded, warm, inFlight, batch * 4);
  const row: Row = { name, inFlight, direct: { perCallUs: [], spentS: 0, calls: 0 }, transcoded: { perCallUs: [], spentS: 0, calls: 0 } };
  const deadline = performance.now() + ROUNDS * SECONDS * 1000;
  for (let b = 0; performance.now() < deadline; b++) {
    const order = b % 2 === 0 ? (['direct', 'transcoded'] as const) : (['transcoded', 'direct'] as const);
    for (const side of order) await timeBatch(side === 'direct' ? direct : transcoded, row[side], inFlight, batch);
  }
  return row;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

function render(rows: Row[]): string {
  const f = (n: number, w = 9) => n.toFixed(1).padStart(w);
  const lines = [
    `bench:grpc  ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}, ${ROUNDS * SECONDS} s per row in alternating batches, Node.js ${process.version}`,
    '',
    'row                                   direct gRPC                       transcoded REST (handler)         transcoding adds',
    '                                      p50 us    p99 us    calls/s       p50 us    p99 us    calls/s       p50 us   p99 us   x time',
  ];
  for (const r of rows) {
    const one = r.inFlight === 1;
    const d50 = one ? quantile(r.direct.perCallUs, 0.5) : NaN;
    const d99 = one ? quantile(r.direct.perCallUs, 0.99) : NaN;
    const t50 = one ? quantile(r.transcoded.perCallUs, 0.5) : NaN;
    const t99 = one ? quantile(r.transcoded.perCallUs, 0.99) : NaN;
    const dRate = r.direct.calls / r.direct.spentS;
    const tRate = r.transcoded.calls / r.transcoded.spentS;
    const dash = '        -';
    lines.push(`${r.name.padEnd(36)}${one ? f(d50) : dash} ${one ? f(d99) : dash} ${f(dRate, 10)}     ${one ? f(t50) : dash} ${one ? f(t99) : dash} ${f(tRate, 10)}     ${one ? f(t50 - d50, 8) : '       -'} ${one ? f(t99 - d99, 8) : '       -'}   ${(dRate / tRate).toFixed(2)}x`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const file = writeGrpcConfig();
  const gateway = loadConfigFile(join(ROOT, file)).environments.dev;
  const config = toTranscoderConfig(gateway, (s) => grpcSourcesOfService(gateway, s));
  const baked = config.services.ledger;
  const compiled = loadGrpcService({ service: baked.grpcService, mappings: baked.mappings, metadata_headers: baked.metadataHeaders }, baked.sources);

  // The upstream: a real grpc-js server answering from plain functions.
  const entries = new Map<string, Record<string, unknown>>([['entries/42', { name: 'entries/42', amountCents: '1250', currency: 'EUR' }]]);
  const server = new Server();
  server.addService(grpcServiceDefinition(compiled.descriptor), jsonImplementation(compiled.descriptor, compiled.registry, {
    GetEntry: (req) => (entries.get(String(req.name)) ?? { name: String(req.name) }) as never,
    CreateEntry: (req) => ({ ...(req.entry as object), name: 'entries/43' }) as never,
  }));
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const target = `127.0.0.1:${port}`;

  const handler = createHandler(() => buildTranscoder(config, async (service) => libraryTranscoder(service, new GrpcJsChannel({ target })), undefined));
  const directChannel = new GrpcJsChannel({ target });
  const method = (name: string): DescMethod => compiled.descriptor.methods.find((m) => m.name === name)!;
  const direct = (name: string, init: Record<string, unknown>): Call => {
    const m = method(name);
    return async () => {
      const result = await directChannel.unary({ path: `/${compiled.name}/${m.name}`, request: toBinary(m.input, create(m.input, init as never)), metadata: {}, deadline: new Date(Date.now() + 5000) });
      if (!result.ok) throw new Error(`direct ${name}: status ${result.code} ${result.message}`);
      fromBinary(m.output, result.response);
    };
  };
  const transcoded = (event: APIGatewayProxyEvent): Call => async () => {
    const answer = await handler(event, LAMBDA_CONTEXT);
    if (answer.statusCode !== 200) throw new Error(`transcoded ${event.httpMethod} ${event.path}: ${answer.statusCode} ${answer.body}`);
  };

  const get = { direct: direct('GetEntry', { name: 'entries/42' }), transcoded: transcoded(proxyEvent('GET', '/v1/entries/{proxy+}', '42')) };
  const post = {
    direct: direct('CreateEntry', { entry: { amountCents: 1250n, currency: 'EUR' } }),
    transcoded: transcoded(proxyEvent('POST', '/v1/entries', undefined, JSON.stringify({ amountCents: '1250', currency: 'EUR' }))),
  };
  try {
    const rows = [
      await compare('GET /v1/entries/42, 1 in flight', get.direct, get.transcoded, 1),
      await compare('POST /v1/entries, 1 in flight', post.direct, post.transcoded, 1),
      await compare(`GET /v1/entries/42, ${IN_FLIGHT} in flight`, get.direct, get.transcoded, IN_FLIGHT),
    ];
    process.stdout.write(`${render(rows)}\n`);
  } finally {
    directChannel.close();
    server.forceShutdown();
  }
}

main().then(() => process.exit(process.exitCode ?? 0), (err) => { process.stderr.write(`bench:grpc: ${(err as Error).stack}\n`); process.exit(1); });
