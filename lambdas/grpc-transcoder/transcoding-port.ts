/**
 * The seam between the transcoder Lambda and the transcoding library (lib/grpc: protos,
 * google.api.http rules, request and response mapping, status mapping, the grpc-js call), which
 * the local twin runs too. The Lambda hands a REST call in and gets a REST answer back; how the
 * call is matched, encoded, sent and mapped is the library's. Tests and the bench hand in fakes.
 */
import type { TranscoderService } from './config';

/** A REST request as it reaches the upstream: the gateway's path rules applied, headers lower-case. */
export interface RestCall {
  readonly httpMethod: string;
  /** Upstream path (strip_path and services[].path applied), percent-encoded as received. */
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body; undefined without one. */
  readonly body?: Buffer;
}

/** The REST answer the library made of the gRPC reply (or of its status). */
export interface RestAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface CallOptions {
  /** Absolute deadline, epoch milliseconds (the route's timeout from the call's start). */
  readonly deadline: number;
  /** gRPC metadata: the gateway's upstream headers (authorizer context, add_headers), lower-case. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** One service's transcoder: loaded once per execution environment, one channel to its upstream. */
export interface ServiceTranscoder {
  /** Answers `call` with one unary gRPC call; never rejects for a gRPC status (it maps it). */
  call(call: RestCall, options: CallOptions): Promise<RestAnswer>;
  close(): void;
}

/** Builds a service's transcoder from its baked definitions (the library's loader, reading the baked files). */
export type ServiceTranscoderFactory = (service: TranscoderService, albHost: string | undefined) => Promise<ServiceTranscoder>;
