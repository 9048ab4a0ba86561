/**
 * The test service gatehouse.test.v1.Kitchen (fixtures/protos/gatehouse/test/v1/kitchen.proto)
 * compiled, and a real grpc-js server for it on a free loopback port whose handlers tests set
 * per case (JSON in, JSON out) and which records what each call received.
 */
import { join } from 'node:path';
import type { JsonObject } from '@bufbuild/protobuf';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { GrpcSettings, type GrpcSettingsConfig } from '../../../lib/config/grpc-schema';
import { compileServiceInDirectory, GrpcJsChannel, grpcServiceDefinition, jsonImplementation, type GrpcService, type JsonUnaryHandler, type RestRequest } from '../../../lib/grpc';

export const FIXTURES = join(__dirname, '../fixtures');

export function kitchenSettings(extra: Partial<Record<keyof GrpcSettingsConfig, unknown>> = {}): GrpcSettingsConfig {
  return GrpcSettings.parse({ service: 'gatehouse.test.v1.Kitchen', protos: ['protos/gatehouse/test/v1/kitchen.proto'], import_paths: ['protos'], ...extra });
}

/** The Kitchen service compiled from its protos; throws on problems (they are a fixture's bug). */
export function kitchen(extra: Partial<Record<keyof GrpcSettingsConfig, unknown>> = {}): GrpcService {
  const { service, problems } = compileServiceInDirectory(kitchenSettings(extra), FIXTURES);
  if (!service) throw new Error(problems.map((p) => p.message).join('\n'));
  return service;
}

export interface Received {
  readonly method: string;
  readonly request: JsonObject;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface KitchenServer {
  readonly channel: GrpcJsChannel;
  readonly port: number;
  /** Calls received since the last `take`. */
  take(): Received[];
  /** Replaces a method's handler (default: every method answers the request's fields its reply has). */
  handle(method: string, handler: JsonUnaryHandler): void;
  close(): Promise<void>;
}

/** Starts a real grpc-js server for `service`, with a channel to it. */
export async function startKitchenServer(service: GrpcService): Promise<KitchenServer> {
  const received: Received[] = [];
  const overrides = new Map<string, JsonUnaryHandler>();
  const handlers = Object.fromEntries(service.descriptor.methods.map((m) => [m.name, async (request: JsonObject, metadata: Readonly<Record<string, string>>) => {
    received.push({ method: m.name, request, metadata });
    const handler = overrides.get(m.name);
    if (handler) return handler(request, metadata);
    const reply: JsonObject = {};
    for (const f of m.output.fields) if (f.jsonName in request) reply[f.jsonName] = request[f.jsonName];
    return reply;
  }]));
  const server = new Server();
  server.addService(grpcServiceDefinition(service.descriptor), jsonImplementation(service.descriptor, service.registry, handlers, { responseHeaders: () => ({ 'x-kitchen': 'open' }) }));
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const channel = new GrpcJsChannel({ target: `127.0.0.1:${port}` });
  return {
    channel, port,
    take: () => received.splice(0),
    handle: (method, handler) => { overrides.set(method, handler); },
    close: async () => {
      channel.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}

/** A REST request with a deadline a second away. */
export const rest = (method: string, path: string, more: Partial<RestRequest> = {}): RestRequest => ({ method, path, deadline: Date.now() + 1000, ...more });
