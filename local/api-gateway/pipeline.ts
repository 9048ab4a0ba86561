import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { GatewayEnvironment } from '../../lib/config/environments';
import type { ServiceConfig } from '../../lib/config/schema';
import { compileServiceInDirectory, GrpcDefinitionError } from '../../lib/grpc';
import { compileRouteTable, upstreamPath, type ApiMethod } from '../../lib/contract/route-table';
import { compileRequestTransformation } from '../../lib/contract/transformations';
import type { Clock } from '../../lib/rate-limit/rate-limiter';
import { localInstances, resiliencePlan } from '../../lib/resilience/resilience-plan';
import type { BreakerRecordSink } from '../breaker-records';
import type { AuthorizerFn } from '../authorizer-adapter';
import { AuthorizerResultCache } from './authorizer-cache';
import { GatewayResponses } from './gateway-responses';
import { compileIdentitySources } from './identity-sources';
import { GrpcIntegration } from './grpc-integration';
import { Integration } from './integration';
import { methodArnPrefix } from './policy';
import { ResourceTree } from './resources';
import { ServiceUpstream } from './service-upstream';
import { StageCache } from './stage-cache';
import { authorizerCache, authorizerOutcome, authorizerPolicy, identitySources, invokeAuthorizer } from './stages/authorizer';
import { API, RequestContext, runStages, type ApiRequest, type ApiResponse, type CompiledGateway, type CompiledMethod, type Stage } from './stages/context';
import { callIntegration, mapIntegrationResponse } from './stages/integration';
import { healthRoute } from './stages/health-route';
import { wafRules, stageThrottle } from './stages/request-checks';
import { requestValidation } from './stages/request-validation';
import { corsPreflight, decodeRequestPath, matchMethod } from './stages/resource-match';
import { stageCacheLookup } from './stages/stage-cache';
import { usagePlan } from './stages/usage-plan';
import { UsagePlans } from './usage-plans';
import { compileWafChecks, RequestValidator } from './validation';

export type { ApiRequest, ApiResponse } from './stages/context';
export { decodePath } from './stages/resource-match';

export interface ApiGatewayProps {
  readonly gateway: GatewayEnvironment;
  readonly authorize: AuthorizerFn;
  /** Service name -> base URL the "ALB" forwards to (local_url or a sample upstream); `local_instances` replace it. */
  readonly upstreams: Readonly<Record<string, string>>;
  /** Where the services' circuit breakers write the record the authorizer's limiter reads. */
  readonly breakerRecords?: BreakerRecordSink;
  /** Told of breaker transitions, instance ejections and records not written. */
  readonly notice?: (line: string) => void;
  /** Usage identifier key -> tier: the tiers' shared keys and consumers' own keys. */
  readonly usageKeys: { readonly shared: Readonly<Record<string, string>>; readonly consumers?: Readonly<Record<string, string>> };
  readonly clock: Clock;
  /** Stage throttle instead of the profile's (an account whose throttle quota was raised). */
  readonly stageThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/**
 * The regional side of the deployed path, in API Gateway's order, one named stage each
 * (local/api-gateway/stages/): the first stage that answers ends the request.
 */
export const STAGES: readonly Stage[] = [
  wafRules, // web ACL: body size, content type, repeated cache-key parameter
  stageThrottle, // stage-wide token bucket
  decodeRequestPath,
  healthRoute, // the MOCK GET /_gatehouse/health: the region's answer to the edge's probes
  corsPreflight, // the MOCK OPTIONS method
  matchMethod, // resource tree + HTTP method
  identitySources, // 401 without invoking the authorizer; result cache key
  authorizerCache,
  invokeAuthorizer, // await point: the Lambda, on a cache miss
  authorizerOutcome,
  authorizerPolicy,
  usagePlan, // apiKeyRequired: key, throttle, quota
  requestValidation, // the route the authorizer chose; request_schema
  stageCacheLookup,
  callIntegration, // the "ALB" and the upstream: await point
  mapIntegrationResponse,
];

/**
 * API Gateway in front of the "ALB": WAF rules, stage throttle, resource/method, authorizer
 * (identity sources, result cache, Lambda, policy), usage plan, request validation, stage
 * cache, integration (routing on the authorizer's `route`; per service its instances, their
 * balancing and its circuit breaker), gateway responses for every failure. The constructor
 * compiles what the stages read; `handle` runs {@link STAGES}.
 */
export class ApiGateway {
  readonly methods: readonly ApiMethod[];
  private readonly compiledGateway: CompiledGateway;
  private readonly usagePlans: UsagePlans;
  private readonly authorizerResults: AuthorizerResultCache;
  private readonly integration = new Integration();
  private readonly grpcIntegrations: GrpcIntegration[] = [];

  constructor(props: ApiGatewayProps) {
    const { config, env, profile } = props.gateway;
    this.methods = compileRouteTable(config);
    this.authorizerResults = new AuthorizerResultCache({ clock: props.clock });
    const services = new Map(config.services.map((s) => [s.name, s]));
    const transformations = new Map(config.routes.map((r) => [r.name, compileRequestTransformation(config, r)]));
    const compiled = new Map<ApiMethod, CompiledMethod>();
    for (const method of this.methods) {
      const settings = method.authorizer;
      const primaryService = services.get(method.primary.service)!;
      const transformation = transformations.get(method.primary.name)!;
      compiled.set(method, {
        identity: settings.ttl > 0 ? compileIdentitySources(settings.identitySources) : undefined,
        authorizerId: `${settings.ttl}|${settings.identitySources.join(',')}`,
        primaryService,
        target: compileTarget(upstreamPath(method.resourcePath, method.primary, primaryService)),
        transformation: { set: transformation.set.map((h) => ({ ...h, name: h.name.toLowerCase() })) },
      });
    }
    const resilience = resiliencePlan(config);
    const upstreams = new Map<string, ServiceUpstream>();
    for (const service of config.services) {
      upstreams.set(service.name, new ServiceUpstream({
        resilience: resilience.services.get(service.name)!,
        instances: localInstances(service, props.upstreams[service.name]),
        integration: service.protocol === 'grpc' ? this.grpcIntegration(service, dirname(props.gateway.file)) : this.integration,
        clock: props.clock,
        records: props.breakerRecords,
        notice: props.notice,
      }));
    }
    this.usagePlans = new UsagePlans({ tiers: config.tiers, sharedKeys: props.usageKeys.shared, consumerKeys: props.usageKeys.consumers, stageThrottle: props.stageThrottle ?? profile.stageThrottle, clock: props.clock });
    this.compiledGateway = {
      config,
      region: env.region,
      account: env.account,
      clock: props.clock,
      authorize: props.authorize,
      tree: new ResourceTree(this.methods),
      wafChecks: compileWafChecks(config, this.methods),
      responses: new GatewayResponses(config),
      validator: new RequestValidator(config),
      authorizerCache: this.authorizerResults,
      stageCache: new StageCache({ clock: props.clock }),
      usagePlans: this.usagePlans,
      services,
      routes: new Map(config.routes.map((r) => [r.name, r])),
      routeResilience: resilience.routes,
      compiled,
      upstreams,
      arnPrefix: methodArnPrefix({ region: env.region, account: env.account, apiId: API.id, stage: API.stage }),
    };
  }

  handle(req: ApiRequest): Promise<ApiResponse> {
    return runStages(STAGES, new RequestContext(this.compiledGateway, req, randomUUID()));
  }

  /** Drops cached authorizer results (tests). */
  clearAuthorizerCache(): void {
    this.authorizerResults.clear();
  }

  /** As at startup: no cached authorizer result, every usage-plan bucket and the stage throttle full, no quota used (tests that share one gateway). */
  resetCounters(): void {
    this.clearAuthorizerCache();
    this.usagePlans.reset();
  }

  close(): Promise<void> {
    return Promise.all([this.integration.close(), ...this.grpcIntegrations.map((g) => g.close())]).then(() => undefined);
  }

  /** A gRPC service's integration: the transcoder over its definitions (compiled at load; the checks refused any that do not compile). */
  private grpcIntegration(service: ServiceConfig, configDir: string): GrpcIntegration {
    const { service: compiled, problems } = compileServiceInDirectory(service.grpc!, configDir);
    if (!compiled) throw new GrpcDefinitionError(service.grpc!.service, problems);
    const integration = new GrpcIntegration(compiled);
    this.grpcIntegrations.push(integration);
    return integration;
  }
}

/** `/users/{id}` -> a function filling in `{id}` (encoded); a path without parameters is a constant. */
function compileTarget(template: string): (pathParameters: Readonly<Record<string, string>>) => string {
  const parts = template.split(/\{([^}]+)\}/);
  if (parts.length === 1) return () => template;
  return (pathParameters) => {
    let out = parts[0];
    for (let i = 1; i < parts.length; i += 2) out += encodePathParameter(pathParameters[parts[i]] ?? '') + parts[i + 1];
    return out;
  };
}

function encodePathParameter(value: string): string {
  return value.split('/').map((s) => encodeURIComponent(s)).join('/');
}
