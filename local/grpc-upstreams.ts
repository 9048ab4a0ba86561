import { fromJson, type JsonObject } from '@bufbuild/protobuf';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ServiceConfig } from '../lib/config/schema';
import { compileServiceInDirectory, GrpcDefinitionError, grpcServiceDefinition, jsonImplementation, type GrpcService, type JsonUnaryHandler } from '../lib/grpc';
import { hostPort } from './listen';
import { searchSampleHandlers, SEARCH_SERVICE } from './grpc-sample-search';
import type { SampleUpstream } from './upstreams';

/**
 * Built-in sample gRPC upstreams, for gRPC services without `local_url` or `local_instances`: a
 * real grpc-js server (plaintext HTTP/2, `http://host:port`, as a `local_url` of a gRPC service
 * is read) implementing the service from its protos. The example's search service has a sample
 * implementation (./grpc-sample-search.ts); any other service answers each unary method with the
 * fields of its request that its reply has too (an echo). Every answer carries the metadata the
 * call received as `echo-<key>` response headers (`grpc-metadata-echo-<key>` over REST), so the
 * gateway's context headers are visible, as the HTTP samples show them in their JSON.
 */
const SAMPLES: Readonly<Record<string, () => Record<string, JsonUnaryHandler>>> = {
  [SEARCH_SERVICE]: searchSampleHandlers,
};

/** Starts the sample of a gRPC service; `configDir` is where its protos are read from. */
export async function startSampleGrpcUpstream(service: ServiceConfig, configDir: string, host = '127.0.0.1', region?: string): Promise<SampleUpstream> {
  const { service: compiled, problems } = compileServiceInDirectory(service.grpc!, configDir);
  if (!compiled) throw new GrpcDefinitionError(service.grpc!.service, problems);
  const handlers = SAMPLES[compiled.name]?.() ?? echoHandlers(compiled);
  const server = new Server();
  server.addService(grpcServiceDefinition(compiled.descriptor), jsonImplementation(compiled.descriptor, compiled.registry, handlers, {
    responseHeaders: (received) => ({
      ...Object.fromEntries(Object.entries(received).filter(([k]) => !k.startsWith('grpc-') && k !== 'user-agent').map(([k, v]) => [`echo-${k}`, v])),
      ...(region ? { 'sample-region': region } : {}),
    }),
  }));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:0`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  return { service: service.name, url: `http://${hostPort(host, port)}`, close: () => shutdown(server) };
}

/** Each unary method answers with the request's fields that its reply message has too. */
function echoHandlers(service: GrpcService): Record<string, JsonUnaryHandler> {
  return Object.fromEntries(service.descriptor.methods.map((m) => [m.name, (request: JsonObject) => {
    const reply: JsonObject = {};
    for (const field of m.output.fields) if (field.jsonName in request) reply[field.jsonName] = request[field.jsonName];
    try {
      fromJson(m.output, reply, { registry: service.registry });
      return reply;
    } catch {
      // A field of the same name but another type: the reply's defaults.
      return {};
    }
  }]));
}

/** Lets calls in flight finish for a moment, then closes the rest. */
function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const forced = setTimeout(() => { server.forceShutdown(); resolve(); }, 1000);
    server.tryShutdown(() => { clearTimeout(forced); resolve(); });
  });
}
