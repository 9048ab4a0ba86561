/**
 * The transcoding library (issue 16, docs/grpc.md): REST/JSON calls to gRPC services, from their
 * protos (or a descriptor set) and google.api.http rules. Pure TypeScript with no CDK and no twin:
 * the config checks, the local twin and the transcoding Lambda all import it from here.
 *
 * @example
 * // At init (the Lambda): compile the shipped sources once, open one channel.
 * const service = loadGrpcService({ service: 'tenantly.search.v1.Search', mappings }, sources);
 * const channel = new GrpcJsChannel({ target: 'alb.internal:443', tls: true, authority: 'services.internal' });
 * // Per request: never rejects; a gRPC status comes back as its HTTP status and JSON body.
 * const answer = await transcode(service, channel, { method: 'GET', path: '/search/v1/indexes', query: 'page_size=2', deadline: Date.now() + 2900 });
 */
export { GrpcDefinitionError, type GrpcProblem } from './errors';
export { GrpcJsChannel, grpcChannelOptionsOfUrl, type GrpcJsChannelOptions, type GrpcUnaryChannel, type UnaryCall, type UnaryResult } from './grpc-channel';
export {
  compileServiceInDirectory, grpcSourcesOf, loadGrpcService, type GrpcService, type GrpcServiceSpec,
} from './grpc-service';
export { GRPC_CODE, grpcCodeName, grpcErrorAnswer, httpStatusOfGrpcCode } from './grpc-status';
export type { HttpBinding } from './http-bindings';
export { GrpcStatus, grpcServiceDefinition, jsonImplementation, type JsonUnaryHandler } from './json-service';
export { matchPathTemplate, parsePathTemplate, templateUnderPrefix, type PathTemplate } from './path-template';
export type { GrpcSources, ProtoFile } from './proto-files';
export { matchBinding, transcode, type RestRequest, type RestResponse } from './transcoder';
