/**
 * One REST call -> one unary gRPC call -> the REST answer, as grpc-gateway and Envoy's
 * grpc_json_transcoder do it: the binding chosen by HTTP method and path template, the request
 * message built (./request-message.ts), the call made with the deadline and metadata, the reply
 * as proto3 JSON (`response_body` picked), a failed status as its HTTP status with the
 * google.rpc.Status JSON (./grpc-status.ts). The twin's integration and the transcoding Lambda
 * both answer with this; it never rejects.
 */
import { fromBinary, toBinary, toJson, type JsonValue } from '@bufbuild/protobuf';
import type { GrpcUnaryChannel, UnaryResult } from './grpc-channel';
import { GRPC_CODE, grpcErrorAnswer } from './grpc-status';
import type { GrpcService } from './grpc-service';
import type { HttpBinding } from './http-bindings';
import { compareTemplates, matchPathTemplate } from './path-template';
import { InvalidRequestError, requestMessage, type QueryInput } from './request-message';

/** A REST call as it reaches the service (what an HTTP upstream would receive). */
export interface RestRequest {
  readonly method: string;
  /** Percent-encoded, without the query: the path an HTTP upstream would get (strip_path and the service's path applied). */
  readonly path: string;
  /** Raw query string (no `?`) or the parameters by name. */
  readonly query?: QueryInput;
  /** Request headers; the service's `metadata_headers` select those sent as metadata. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Metadata the gateway itself sends (authorizer context headers, add_headers), besides the selected headers. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  /** Absolute deadline (epoch ms or a Date): the route's timeout from the call's start. */
  readonly deadline: number | Date;
}

export interface RestResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The gRPC status the answer stands for (OK for a 200). */
  readonly grpcCode: number;
  /** `/package.Service/Method` called, when a binding matched. */
  readonly grpcMethod?: string;
}

/** The binding a request takes and its path variables, or why none does. */
export type BindingMatch =
  | { readonly binding: HttpBinding; readonly variables: Readonly<Record<string, string>> }
  | { readonly binding?: undefined; readonly statusCode: 404 | 405; readonly allow?: readonly string[] };

/** The most specific binding of `httpMethod` whose template matches `path` (./path-template.ts compareTemplates). */
export function matchBinding(service: Pick<GrpcService, 'bindings'>, httpMethod: string, path: string): BindingMatch {
  let best: { binding: HttpBinding; variables: Record<string, string> } | undefined;
  const allow = new Set<string>();
  for (const binding of service.bindings) {
    const variables = matchPathTemplate(binding.template, path);
    if (!variables) continue;
    if (binding.httpMethod !== httpMethod.toUpperCase()) {
      allow.add(binding.httpMethod);
      continue;
    }
    if (!best || compareTemplates(binding.template, best.binding.template) < 0) best = { binding, variables };
  }
  if (best) return best;
  return allow.size > 0 ? { statusCode: 405, allow: [...allow].sort() } : { statusCode: 404 };
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** Answers `request` with one unary call on `channel`. */
export async function transcode(service: GrpcService, channel: GrpcUnaryChannel, request: RestRequest): Promise<RestResponse> {
  const match = matchBinding(service, request.method, request.path);
  if (!match.binding) {
    if (match.statusCode === 405) {
      return failure(GRPC_CODE.UNIMPLEMENTED, `${request.method} is not bound to ${request.path}; it takes ${match.allow!.join(', ')}`, 405, { allow: match.allow!.join(', ') });
    }
    return failure(GRPC_CODE.NOT_FOUND, `no method of ${service.name} is bound to ${request.method} ${request.path}`, 404);
  }
  const { binding, variables } = match;
  const grpcMethod = `/${service.name}/${binding.method.name}`;
  let bytes: Uint8Array;
  try {
    bytes = toBinary(binding.method.input, requestMessage(binding, variables, request.query ?? '', request.body, service.registry));
  } catch (err) {
    if (err instanceof InvalidRequestError) return failure(GRPC_CODE.INVALID_ARGUMENT, err.message, undefined, undefined, grpcMethod);
    throw err;
  }
  const deadline = request.deadline instanceof Date ? request.deadline : new Date(request.deadline);
  const result = await channel.unary({ path: grpcMethod, request: bytes, metadata: metadataOf(service, request), deadline });
  return answerOf(service, binding, result, grpcMethod);
}

function answerOf(service: GrpcService, binding: HttpBinding, result: UnaryResult, grpcMethod: string): RestResponse {
  const headers = { ...JSON_HEADERS, ...responseMetadataHeaders(result.headers) };
  if (!result.ok) {
    const answer = grpcErrorAnswer(result.code, publicMessage(result.code, result.message), result.statusDetails, service.registry);
    return { statusCode: answer.statusCode, headers, body: JSON.stringify(answer.body), grpcCode: result.code, grpcMethod };
  }
  let json: JsonValue;
  try {
    const reply = fromBinary(binding.method.output, result.response);
    // grpc-gateway's default marshaler: every field, defaults included, by its JSON name.
    json = toJson(binding.method.output, reply, { registry: service.registry, alwaysEmitImplicit: true });
  } catch (err) {
    return failure(GRPC_CODE.INTERNAL, `the reply of ${binding.method.name} could not be mapped to JSON: ${(err as Error).message}`, undefined, undefined, grpcMethod);
  }
  const body = binding.responseBody ? (json as Record<string, JsonValue>)[binding.responseBody.jsonName] ?? null : json;
  return { statusCode: 200, headers, body: JSON.stringify(body), grpcCode: GRPC_CODE.OK, grpcMethod };
}

function failure(code: number, message: string, statusCode?: number, extra?: Record<string, string>, grpcMethod?: string): RestResponse {
  const answer = grpcErrorAnswer(code, message);
  return { statusCode: statusCode ?? answer.statusCode, headers: { ...JSON_HEADERS, ...extra }, body: JSON.stringify(answer.body), grpcCode: code, ...(grpcMethod ? { grpcMethod } : {}) };
}

/**
 * A status grpc-js made up on this side (the deadline passed, no connection) names addresses and
 * timings of the gateway's network; the caller learns what happened, not where.
 */
function publicMessage(code: number, message: string): string {
  // grpc-js's client ("Deadline exceeded after 0.401s,LB pick: ...") or its server seeing grpc-timeout pass ("Deadline exceeded").
  if (code === GRPC_CODE.DEADLINE_EXCEEDED && /^Deadline exceeded( after|$)/.test(message)) return 'the upstream did not answer before the deadline (the route\'s timeout)';
  if (code === GRPC_CODE.UNAVAILABLE && /No connection established|Connection dropped|ECONNREFUSED|ECONNRESET|remote_addr|Failed to connect|Name resolution failed/.test(message)) return 'the upstream is unavailable';
  return message;
}

/** Gateway metadata, then the request headers the service selects (not `grpc-*`, which gRPC reserves). */
function metadataOf(service: GrpcService, request: RestRequest): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase();
    if (value === undefined || RESERVED_METADATA.has(lower) || lower.startsWith('grpc-') || !selects(service.metadataHeaders, lower)) continue;
    out[lower] = value;
  }
  for (const [name, value] of Object.entries(request.metadata ?? {})) {
    const lower = name.toLowerCase();
    if (!RESERVED_METADATA.has(lower) && !lower.startsWith('grpc-')) out[lower] = value;
  }
  return out;
}

/** HTTP/2 and gRPC headers a client must not set as metadata. */
const RESERVED_METADATA = new Set(['content-type', 'content-length', 'te', 'host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'user-agent']);

function selects(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

/** Response metadata as `grpc-metadata-<key>` headers (grpc-gateway's convention). */
function responseMetadataHeaders(metadata: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (key === 'content-type' || key === 'date' || key.startsWith('grpc-') || key.endsWith('-bin')) continue;
    out[`grpc-metadata-${key}`] = value;
  }
  return out;
}
