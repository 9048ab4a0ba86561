/**
 * gRPC status codes (google.rpc.Code) and the HTTP status a REST caller gets for each, as
 * grpc-gateway maps them (runtime.HTTPStatusFromCode), with the error body it writes: the
 * google.rpc.Status as JSON, `{"code": 5, "message": "...", "details": [...]}`.
 */
import { createRegistry, fromBinary, toJson, type JsonValue, type Registry } from '@bufbuild/protobuf';
import { AnySchema, type Any } from '@bufbuild/protobuf/wkt';
import { builtinTypes } from './definitions';

/** google.rpc.Code: name -> number. */
export const GRPC_CODE = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;
export type GrpcCodeName = keyof typeof GRPC_CODE;

/** The HTTP status of each code (499 is nginx's "client closed request", grpc-gateway's choice for CANCELLED). */
const HTTP_STATUS: Readonly<Record<number, number>> = {
  0: 200, 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429,
  9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
};

/** HTTP status for a gRPC code; a code outside google.rpc.Code is a 500, as UNKNOWN. */
export function httpStatusOfGrpcCode(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

export function grpcCodeName(code: number): string {
  return (Object.keys(GRPC_CODE) as GrpcCodeName[]).find((k) => GRPC_CODE[k] === code) ?? `CODE_${code}`;
}

/** What a REST caller gets for a failed call: the HTTP status and the google.rpc.Status JSON. */
export interface GrpcErrorAnswer {
  readonly statusCode: number;
  readonly body: { readonly code: number; readonly message: string; readonly details: readonly JsonValue[] };
}

/**
 * The answer for status `code` with `message`; `statusDetails` is the binary google.rpc.Status of
 * the `grpc-status-details-bin` trailer, whose details (Any) are written as JSON with their
 * `@type` when `registry` knows the type, and as `{"@type", "value": base64}` when it does not.
 */
export function grpcErrorAnswer(code: number, message: string, statusDetails?: Uint8Array, registry?: Registry): GrpcErrorAnswer {
  return { statusCode: httpStatusOfGrpcCode(code), body: { code, message, details: statusDetails ? detailsOf(statusDetails, registry) : [] } };
}

function detailsOf(bytes: Uint8Array, registry: Registry | undefined): JsonValue[] {
  const types = builtinTypes();
  let status: { details: Any[] };
  try {
    status = fromBinary(types.getMessage('google.rpc.Status')!, bytes) as unknown as { details: Any[] };
  } catch {
    return [];
  }
  const known = registry ? createRegistry(registry, types) : types;
  return status.details.map((any) => {
    try {
      // The Any's canonical JSON: its type's fields beside "@type" (a well-known type's JSON under "value").
      return toJson(AnySchema, any, { registry: known });
    } catch {
      return { '@type': any.typeUrl, value: Buffer.from(any.value).toString('base64') };
    }
  });
}
