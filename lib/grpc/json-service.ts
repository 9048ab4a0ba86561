/**
 * A gRPC service implemented with JSON in and JSON out, over the service's descriptors: the twin's
 * sample upstreams, the tests' upstreams and the benchmark's serve real gRPC (grpc-js, binary
 * protobuf) from plain functions. A handler that throws a {@link GrpcStatus} answers that status.
 */
import { fromJson, toJson, type DescService, type JsonObject, type Registry } from '@bufbuild/protobuf';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import type { Metadata, ServiceDefinition, UntypedServiceImplementation, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { Metadata as GrpcMetadata } from '@grpc/grpc-js';

/** A status a handler answers with. */
export class GrpcStatus extends Error {
  readonly code: number;
  readonly details: string;
  /** A binary google.rpc.Status for the `grpc-status-details-bin` trailer. */
  readonly statusDetails?: Uint8Array;

  constructor(code: number, details: string, statusDetails?: Uint8Array) {
    super(details);
    this.name = 'GrpcStatus';
    this.code = code;
    this.details = details;
    this.statusDetails = statusDetails;
  }
}

/** One unary method: the request as proto3 JSON (every field), the reply as JSON. */
export type JsonUnaryHandler = (request: JsonObject, metadata: Readonly<Record<string, string>>) => JsonObject | Promise<JsonObject>;

/** grpc-js's definition of `service`, its messages (de)serialised by @bufbuild/protobuf. */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  return Object.fromEntries(service.methods.map((m) => [m.name, {
    path: `/${service.typeName}/${m.name}`,
    requestStream: m.methodKind === 'client_streaming' || m.methodKind === 'bidi_streaming',
    responseStream: m.methodKind === 'server_streaming' || m.methodKind === 'bidi_streaming',
    requestSerialize: (value: never) => Buffer.from(toBinary(m.input, value)),
    requestDeserialize: (bytes: Buffer) => fromBinary(m.input, bytes),
    responseSerialize: (value: never) => Buffer.from(toBinary(m.output, value)),
    responseDeserialize: (bytes: Buffer) => fromBinary(m.output, bytes),
    originalName: m.name,
  }])) as ServiceDefinition;
}

export interface JsonImplementationOptions {
  /** Response headers (initial metadata) of each call, from the metadata it received. */
  readonly responseHeaders?: (metadata: Readonly<Record<string, string>>) => Readonly<Record<string, string>>;
}

/** The implementation of the unary methods `handlers` names (the others answer UNIMPLEMENTED, as grpc-js does). */
export function jsonImplementation(service: DescService, registry: Registry, handlers: Readonly<Record<string, JsonUnaryHandler>>, options: JsonImplementationOptions = {}): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const m of service.methods) {
    const handler = handlers[m.name];
    if (!handler || m.methodKind !== 'unary') continue;
    const unary = (call: ServerUnaryCall<never, never>, callback: sendUnaryData<unknown>) => {
      const request = toJson(m.input, call.request, { registry, alwaysEmitImplicit: true }) as JsonObject;
      const received = textMetadata(call.metadata);
      if (options.responseHeaders) {
        const headers = new GrpcMetadata();
        for (const [key, value] of Object.entries(options.responseHeaders(received))) headers.set(key, value);
        call.sendMetadata(headers);
      }
      Promise.resolve()
        .then(() => handler(request, received))
        .then((reply) => callback(null, fromJson(m.output, reply, { registry })))
        .catch((err: Error) => callback(statusError(err)));
    };
    out[m.name] = unary as UntypedServiceImplementation[string];
  }
  return out;
}

function statusError(err: Error): { code: number; details: string; metadata?: Metadata } {
  if (!(err instanceof GrpcStatus)) return { code: 13, details: err.message };
  const metadata = new GrpcMetadata();
  if (err.statusDetails) metadata.set('grpc-status-details-bin', Buffer.from(err.statusDetails));
  return { code: err.code, details: err.details, metadata };
}

function textMetadata(m: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of Object.entries(m.toJSON())) if (!key.endsWith('-bin')) out[key] = (values as unknown[]).map(String).join(', ');
  return out;
}
