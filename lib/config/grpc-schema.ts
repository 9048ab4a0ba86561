/**
 * The gRPC keys of a service (issue 16, docs/grpc.md): where its protobuf definitions are, which
 * gRPC service it is, how REST calls map to its methods (google.api.http annotations in the
 * protos, or `mappings` here), and whether gRPC clients may call it natively. Apart from
 * schema.ts because they form one topic; the checks that read the protos run at load
 * (lib/checks/grpc-rules.ts).
 */
import { z } from 'zod';

export const SERVICE_PROTOCOLS = ['http', 'grpc'] as const;

/** W3C trace context: the client headers meant to cross services. */
export const DEFAULT_METADATA_HEADERS = ['traceparent', 'tracestate'] as const;

/** How the local twin reads a gRPC service's `local_url` (lib/grpc/grpc-channel.ts grpcChannelOptionsOfUrl). */
export const GRPC_LOCAL_URL = 'for a grpc service, http://host:port is plaintext HTTP/2 (h2c) and https://host[:port] is TLS; without one the twin starts a sample gRPC upstream';

const relativeFile = (what: string) => z.string().min(1)
  .refine((f) => !f.startsWith('/') && !f.split(/[\\/]/).includes('..'), `${what}: a path relative to the config file's directory, inside it (no leading / and no ..)`);

/** One REST binding of a method, as google.api.HttpRule writes it (config form). */
export const GrpcMapping = z.strictObject({
  method: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a method name of the service, e.g. GetEntry').describe('Method of grpc.service this binding calls.'),
  get: z.string().startsWith('/').optional().describe('Path template (google.api.http syntax: /v1/{name=entries/*}, verbs like :cancel).'),
  post: z.string().startsWith('/').optional(),
  put: z.string().startsWith('/').optional(),
  patch: z.string().startsWith('/').optional(),
  delete: z.string().startsWith('/').optional(),
  body: z.string().optional().describe('"*" (the whole request message), a top-level field of the request (its JSON), or absent (no body; fields not in the path come from the query string).'),
  response_body: z.string().optional().describe('A top-level field of the response to return instead of the whole message.'),
}).describe('A REST binding of a gRPC method; adds to (or, for the same method and HTTP method, replaces) the protos\' google.api.http annotations.');

export const GrpcSettings = z.strictObject({
  service: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/, 'a fully qualified gRPC service name like payflow.ledger.v1.Ledger')
    .describe('Fully qualified name of the gRPC service (package.Service).'),
  protos: z.array(relativeFile('protos')).default([]).describe('.proto files, relative to the config file; with import_paths for their imports (google/api/annotations.proto and the well-known types are built in).'),
  import_paths: z.array(relativeFile('import_paths')).default([]).describe('Directories imports are resolved in, relative to the config file.'),
  descriptor_set: relativeFile('descriptor_set').optional().describe('A binary FileDescriptorSet (buf build -o x.binpb, protoc --include_imports -o x.binpb) instead of protos.'),
  mappings: z.array(GrpcMapping).default([]).describe('REST bindings in the config, besides (or instead of) google.api.http annotations.'),
  metadata_headers: z.array(z.string().regex(/^[A-Za-z0-9_.-]+\*?$/, 'a header name, or a prefix ending in * (x-trace-*)')).default([...DEFAULT_METADATA_HEADERS])
    .describe('Client request headers sent to the service as gRPC metadata (names, or prefixes ending in *), besides the headers the gateway sets for every upstream (X-Gatehouse-* context, X-Gatehouse-Route, transformations). The credentials a route consumes are never sent; grpc-* names are gRPC\'s own.'),
  native: z.strictObject({
    enabled: z.boolean().default(false).describe('gRPC clients may call the service directly (CloudFront gRPC -> ALB with JWT verification -> gRPC target group).'),
    issuer: z.string().optional().describe('Issuer (identity.issuers name, or "cognito") whose RS256 JWTs the ALB verifies for native calls. Required when enabled.'),
  }).default({ enabled: false }).describe('Native gRPC for gRPC clients; the gateway features that apply there are in docs/grpc.md.'),
}).describe('gRPC upstream (protocol: grpc): its definitions and REST mapping.');

export type GrpcSettingsConfig = z.infer<typeof GrpcSettings>;
export type GrpcMappingConfig = z.infer<typeof GrpcMapping>;
