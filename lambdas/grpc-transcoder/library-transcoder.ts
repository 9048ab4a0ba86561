/**
 * The transcoding library (lib/grpc) behind the transcoder's port: each service compiled once from
 * its baked sources (the same compiler the loader and the twin run), one grpc-js channel per
 * service (TLS; to the internal ALB with `domains.internal` as server name and `:authority`), and
 * `transcode` per call, which never rejects for a gRPC status.
 */
import { GrpcJsChannel, loadGrpcService, transcode, type GrpcUnaryChannel } from '../../lib/grpc';
import { channelTarget, type TranscoderService } from './config';
import type { ServiceTranscoder, ServiceTranscoderFactory } from './transcoding-port';

/** A service's transcoder over any channel (the bench and the tests hand in a channel to a local server). */
export function libraryTranscoder(service: TranscoderService, channel: GrpcUnaryChannel): ServiceTranscoder {
  const compiled = loadGrpcService({ service: service.grpcService, mappings: service.mappings, metadata_headers: service.metadataHeaders }, service.sources);
  return {
    async call(call, options) {
      const answer = await transcode(compiled, channel, {
        method: call.httpMethod, path: call.path, query: call.query, headers: call.headers, metadata: options.metadata, body: call.body, deadline: options.deadline,
      });
      return { status: answer.statusCode, headers: answer.headers, body: answer.body };
    },
    close: () => channel.close(),
  };
}

/** The deployed factory: TLS channels to each service's upstream. */
export const libraryTranscoderFactory: ServiceTranscoderFactory = async (service, albHost) => {
  const { target, authority } = channelTarget(service.upstream, albHost);
  return libraryTranscoder(service, new GrpcJsChannel({ target, tls: true, ...(authority ? { authority } : {}) }));
};
