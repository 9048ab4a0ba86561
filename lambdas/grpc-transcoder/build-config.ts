/**
 * The transcoder's config from a resolved environment, at synth (the CDK construct bakes it in).
 * Apart from ./config.ts so the bundle does not carry what builds it (the config model, the
 * resilience plan).
 */
import type { GatewayEnvironment } from '../../lib/config/environments';
import type { ServiceConfig } from '../../lib/config/schema';
import type { GrpcSources } from '../../lib/grpc';
import { compileRequestTransformation } from '../../lib/contract/transformations';
import { routeTimeoutMs } from '../../lib/resilience/resilience-plan';
import type { GrpcUpstream, TranscoderConfig } from './config';

/** A gRPC service's upstream as the transcoder calls it. */
export function grpcUpstreamOf(service: Pick<ServiceConfig, 'name' | 'url' | 'private'>, internalDomain: string | undefined): GrpcUpstream {
  if (service.private) {
    if (!internalDomain) throw new Error(`service ${service.name}: domains.internal is required with private services (the loader refuses this config)`);
    return { kind: 'internal-alb', authority: internalDomain };
  }
  const url = new URL(service.url!);
  return { kind: 'public', target: `${url.hostname}:${url.port || 443}` };
}

/**
 * The transcoder's config for an environment: every gRPC service (with the sources its
 * definitions were compiled from) and every route to one, with its deadline and the upstream
 * headers API Gateway would have mapped onto an HTTP_PROXY request.
 */
export function toTranscoderConfig(gateway: Pick<GatewayEnvironment, 'config' | 'env'>, sourcesOf: (service: ServiceConfig) => GrpcSources): TranscoderConfig {
  const { config, env } = gateway;
  const grpc = config.services.filter((s) => s.protocol === 'grpc' && s.grpc);
  const byName = new Map(grpc.map((s) => [s.name, s]));
  return {
    services: Object.fromEntries(grpc.map((s) => [s.name, {
      grpcService: s.grpc!.service,
      sources: sourcesOf(s),
      mappings: s.grpc!.mappings,
      metadataHeaders: s.grpc!.metadata_headers,
      upstream: grpcUpstreamOf(s, env.domains.internal),
    }])),
    routes: Object.fromEntries(config.routes.filter((r) => byName.has(r.service)).map((r) => {
      const service = byName.get(r.service)!;
      return [r.name, {
        service: r.service,
        timeoutMs: routeTimeoutMs(r, service),
        headers: compileRequestTransformation(config, r),
        paths: r.paths,
        stripPath: r.strip_path,
        basePath: service.path,
      }];
    })),
  };
}
