/**
 * The transcoder's static config: what it knows of each gRPC service (its definitions, REST
 * bindings and where to call it) and of each route to one (its deadline and upstream headers).
 * Built by the CDK construct from the resolved environment, baked into the bundle with esbuild
 * `define` as the authorizer's config is (decision 0010), so the function reads no config at run
 * time. Plain data: this module must not import aws-cdk-lib.
 */
import type { GrpcMappingConfig } from '../../lib/config/grpc-schema';
import type { GrpcSources } from '../../lib/grpc/proto-files';
import type { RequestTransformation } from '../../lib/contract/transformations';

/** Environment variables of the transcoder (set by its construct, read by the handler). */
export const GRPC_TRANSCODER_ENV = {
  /** JSON of {@link TranscoderConfig}; baked into the bundle at build time by esbuild `define`. */
  config: 'GATEHOUSE_GRPC_TRANSCODER_CONFIG',
  /**
   * DNS name of the internal ALB. An environment variable, not baked: CloudFormation knows it only
   * at deploy time, after bundling.
   */
  albHost: 'GATEHOUSE_GRPC_ALB_HOST',
} as const;

/** POWERTOOLS_SERVICE_NAME of the transcoder (to join the other functions' in lib/observability/metric-names.ts). */
export const GRPC_TRANSCODER_SERVICE = 'gatehouse-grpc-transcoder';

/** The internal ALB's HTTPS listener, where the route rules forward to the gRPC target groups. */
export const ALB_GRPC_PORT = 443;

/** Where the transcoder opens its channel to a service. */
export type GrpcUpstream =
  /**
   * A private service: the internal ALB (host from {@link GRPC_TRANSCODER_ENV.albHost}, port
   * {@link ALB_GRPC_PORT}), TLS server name and `:authority` = `domains.internal`, the name on the
   * ALB's certificate (its DNS name would not match it).
   */
  | { readonly kind: 'internal-alb'; readonly authority: string }
  /** A public gRPC upstream (`services[].url`): `host:port`, TLS to that host. */
  | { readonly kind: 'public'; readonly target: string };

/** `host:port` and TLS name of an upstream, once the ALB's host is known. */
export function channelTarget(upstream: GrpcUpstream, albHost: string | undefined): { readonly target: string; readonly authority?: string } {
  if (upstream.kind === 'public') return { target: upstream.target };
  if (!albHost) throw new Error(`${GRPC_TRANSCODER_ENV.albHost} is not set (the transcoder construct sets it for private gRPC services)`);
  return { target: `${albHost}:${ALB_GRPC_PORT}`, authority: upstream.authority };
}

/** One gRPC service as the transcoder sees it. */
export interface TranscoderService {
  /** Fully qualified gRPC service name (`grpc.service`). */
  readonly grpcService: string;
  /**
   * What the loader compiled the service from at synth (the listed protos and every file they
   * import, or the descriptor set): the transcoder compiles them again at init with the same
   * library, reading these instead of the repository (lib/grpc/proto-files.ts).
   */
  readonly sources: GrpcSources;
  /** REST bindings in the config, besides the protos' google.api.http annotations. */
  readonly mappings: readonly GrpcMappingConfig[];
  /** Request headers sent as gRPC metadata (`grpc.metadata_headers`: names and `prefix-*`). */
  readonly metadataHeaders: readonly string[];
  readonly upstream: GrpcUpstream;
}

/** One route whose service is a gRPC service. */
export interface TranscoderRoute {
  readonly service: string;
  /** The call's deadline: the route's timeout (routes[].timeout_ms, else the service's read_timeout_ms). */
  readonly timeoutMs: number;
  /** The gateway's upstream headers (authorizer context, add_headers, scrubbed credentials), sent as gRPC metadata. */
  readonly headers: RequestTransformation;
  /** The route's path prefixes and strip_path, as for an HTTP upstream (lib/contract/route-table.ts upstreamPath). */
  readonly paths: readonly string[];
  readonly stripPath: boolean;
  /** The service's base path (`services[].path`). */
  readonly basePath: string;
}

export interface TranscoderConfig {
  /** By config service name. */
  readonly services: Readonly<Record<string, TranscoderService>>;
  /** By route name (what the authorizer returns in its `route` context key). */
  readonly routes: Readonly<Record<string, TranscoderRoute>>;
}

/**
 * The config baked into the bundle. esbuild `define` replaces exactly this member expression, so it
 * stays written out literally; unbundled (tests, the bench) it is the real environment variable.
 */
export function bakedTranscoderConfigJson(): string | undefined {
  return process.env.GATEHOUSE_GRPC_TRANSCODER_CONFIG;
}

/** esbuild `define` of the baked config (read by {@link bakedTranscoderConfigJson}). */
export function transcoderDefine(config: TranscoderConfig): Record<string, string> {
  return { [`process.env.${GRPC_TRANSCODER_ENV.config}`]: JSON.stringify(JSON.stringify(config)) };
}
