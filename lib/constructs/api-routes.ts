import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { GatewayConfig, ServiceConfig } from '../config/schema';
import { routeTimeoutMs } from '../resilience/resilience-plan';
import { corsPolicy } from '../contract/cors';
import { BODY_METHODS, upstreamPath, type ApiMethod } from '../contract/route-table';
import { compileRequestTransformation, toIntegrationRequestParameters } from '../contract/transformations';
import { acknowledge } from '../compliance/nag';
import type { ApiAuthorizer } from './api-authorizer';


/** The private side of the integrations: the VPC link v2 to the internal ALB. */
export interface PrivateTarget {
  readonly vpcLinkId: string;
  /** ARN of the internal ALB (`integrationTarget`). */
  readonly loadBalancerArn: string;
  /** Host name on the ALB's certificate; API Gateway uses it for SNI, certificate check and Host. */
  readonly host: string;
}

export interface ApiRoutesProps {
  readonly config: GatewayConfig;
  readonly api: apigw.RestApi;
  readonly methods: readonly ApiMethod[];
  readonly authorizer: ApiAuthorizer;
  /** Undefined when no service is private. */
  readonly privateTarget?: PrivateTarget;
  /** The gRPC transcoder (lib/constructs/grpc-transcoder.ts); required when a route goes to a gRPC service. */
  readonly grpcTranscoder?: lambda.IFunction;
}

/** Stage method settings for a cached method. */
export interface CachedMethod {
  readonly resourcePath: string;
  readonly httpMethod: string;
  readonly ttlSeconds: number;
}

/**
 * Resources, methods and HTTP_PROXY integrations of the route table. Private services go through
 * the VPC link v2 to the internal ALB (L1 override: aws-cdk-lib has no L2 for REST + VPC link
 * v2); a method answered by exactly one public-URL route calls that URL directly. Every
 * integration forwards the authorizer's route and context headers (`transformations.ts`).
 */
export class ApiRoutes extends Construct {
  public readonly validator: apigw.RequestValidator;

  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id);
    const { config, api } = props;
    const services = new Map(config.services.map((s) => [s.name, s]));
    // API Gateway validates a body only against a model keyed by the request's content type; the
    // regional web ACL answers 415 to every content type not in security.allowed_content_types.
    this.validator = new apigw.RequestValidator(this, 'Validator', {
      restApi: api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const models = new Map<string, apigw.Model>();

    for (const method of props.methods) {
      const route = method.primary;
      const service = services.get(route.service);
      if (!service) throw new Error(`route ${route.name}: unknown service ${route.service}`);

      const resource = api.root.resourceForPath(method.resourcePath);
      const pathParams = pathParameters(method.resourcePath);
      const cache = method.cache;
      const cacheKeys = cache ? [
        ...pathParams.map((p) => `method.request.path.${p}`),
        ...cache.keyQuery.map((q) => `method.request.querystring.${q}`),
        ...cache.keyHeaders.map((h) => `method.request.header.${h}`),
      ] : [];
      const transformation = compileRequestTransformation(config, route);
      // Integration mappings may only read method request headers the method declares.
      const mappedHeaders = Object.values(toIntegrationRequestParameters(transformation)).filter((e) => e.startsWith('method.request.header.'));
      const methodParameters: Record<string, boolean> = Object.fromEntries([
        ...pathParams.map((p) => [`method.request.path.${p}`, true] as const),
        ...[...cacheKeys.filter((k) => !k.startsWith('method.request.path.')), ...mappedHeaders].map((k) => [k, false] as const),
      ]);

      const integrationParameters: Record<string, string> = {
        ...Object.fromEntries(pathParams.map((p) => [`integration.request.path.${p}`, `method.request.path.${p}`])),
        ...toIntegrationRequestParameters(transformation),
      };

      const timeout = Duration.millis(integrationTimeoutMs(method, services));
      const cacheOptions = { cacheKeyParameters: cacheKeys.length ? cacheKeys : undefined, cacheNamespace: cacheKeys.length ? resource.resourceId : undefined };
      const grpc = grpcMethod(method, services);
      const direct = grpc ? undefined : method.directService;
      const target = direct || grpc ? undefined : props.privateTarget;
      let integration: apigw.Integration;
      if (grpc) {
        // The transcoder applies the gateway's upstream headers itself (as gRPC metadata, from the
        // authorizer context in the proxy event): Lambda proxy integrations take no header mappings.
        if (!props.grpcTranscoder) throw new Error(`${method.httpMethod} ${method.resourcePath} goes to gRPC service ${service.name}, but the API has no transcoder`);
        integration = new apigw.LambdaIntegration(props.grpcTranscoder, {
          proxy: true,
          timeout,
          // One permission for the whole API instead of one per method (the function's policy is capped at 20 KB).
          scopePermissionToMethod: false,
          ...cacheOptions,
        });
      } else {
        if (!direct && !target) {
          throw new Error(`${method.httpMethod} ${method.resourcePath} needs the internal ALB (route ${route.name}, service ${service.name}), but the network stack has no VPC link`);
        }
        const base = direct ? direct.url!.replace(/\/+$/, '') : `https://${target!.host}`;
        integration = new apigw.HttpIntegration(`${base}${upstreamPath(method.resourcePath, route, service)}`, {
          httpMethod: method.httpMethod,
          proxy: true,
          options: { timeout, requestParameters: integrationParameters, ...cacheOptions },
        });
      }

      const jsonTypes = config.security.allowed_content_types.filter(isJson);
      const schema = BODY_METHODS.includes(method.httpMethod) ? route.request_schema : undefined;
      let model: apigw.Model | undefined;
      if (schema) {
        model = models.get(route.name) ?? new apigw.Model(this, `Model-${route.name}`, {
          restApi: api,
          contentType: 'application/json',
          description: `Request body of route ${route.name}`,
          schema: { schema: apigw.JsonSchemaVersion.DRAFT4, ...route.request_schema } as apigw.JsonSchema,
        });
        models.set(route.name, model);
      }

      const apiMethod = resource.addMethod(method.httpMethod, integration, {
        authorizer: props.authorizer.authorizerFor(method.authorizer),
        authorizationType: apigw.AuthorizationType.CUSTOM,
        apiKeyRequired: method.authorizer.apiKeyRequired,
        requestParameters: methodParameters,
        requestValidator: this.validator,
        // API Gateway skips validation when no model matches the Content-Type: `$default` makes
        // every allowed type (text/plain too) go through the schema, so no body reaches the
        // upstream unvalidated (a non-JSON body fails it).
        requestModels: model ? Object.fromEntries([...jsonTypes, '$default'].map((t) => [t, model])) : undefined,
      });

      if (target) {
        const cfn = apiMethod.node.defaultChild as apigw.CfnMethod;
        cfn.addPropertyOverride('Integration.ConnectionType', 'VPC_LINK');
        cfn.addPropertyOverride('Integration.ConnectionId', target.vpcLinkId);
        cfn.addPropertyOverride('Integration.IntegrationTarget', target.loadBalancerArn);
      }
    }

    // CORS preflight: browsers send OPTIONS without credentials, so every resource answers it
    // with a MOCK integration and no authorizer; CloudFront's response headers policy adds the
    // same CORS headers (lib/contract/cors.ts) to every response (lib/stacks/cdn-stack.ts).
    if (config.cors) {
      const cors = corsPolicy(config.cors);
      for (const resourcePath of new Set(props.methods.map((m) => m.resourcePath))) {
        const preflight = api.root.resourceForPath(resourcePath).addCorsPreflight({
          statusCode: cors.preflightStatus,
          allowOrigins: [...cors.allowOrigins],
          allowMethods: [...cors.allowMethods],
          allowHeaders: [...cors.allowHeaders],
          exposeHeaders: [...cors.exposeHeaders],
          allowCredentials: cors.allowCredentials,
          maxAge: Duration.seconds(cors.maxAgeSeconds),
        });
        acknowledge(preflight,
          { id: 'AwsSolutions-APIG4', reason: 'CORS preflight (OPTIONS): browsers send it without credentials; it is a MOCK integration that reaches no backend and returns only the CORS headers.' },
          { id: 'AwsSolutions-COG4', reason: 'CORS preflight (OPTIONS): browsers send it without credentials; it is a MOCK integration that reaches no backend and returns only the CORS headers.' },
        );
      }
    }
  }
}

/** Methods with a stage cache: GET/HEAD of routes with `cache` (the stage's method settings). */
export function cachedMethods(methods: readonly ApiMethod[]): CachedMethod[] {
  return methods
    .filter((m) => m.cache)
    .map((m) => ({ resourcePath: m.resourcePath, httpMethod: m.httpMethod, ttlSeconds: m.cache!.ttl }));
}

/**
 * A method's integration timeout: its route's `timeout_ms`, else the route's service's
 * `read_timeout_ms` (routeTimeoutMs; 50-29,000 ms, API Gateway REST's range without a quota
 * increase, enforced by the schema). A method several routes answer (canary, hosts, headers) has
 * one integration: it waits as long as the longest of them, since cutting a route at another's
 * shorter timeout would fail calls its own config allows.
 */
export function integrationTimeoutMs(method: Pick<ApiMethod, 'routes'>, services: ReadonlyMap<string, ServiceConfig>): number {
  return Math.max(...method.routes.map((route) => {
    const service = services.get(route.service);
    if (!service) throw new Error(`route ${route.name}: unknown service ${route.service}`);
    return routeTimeoutMs(route, service);
  }));
}

/**
 * Whether a method's routes go to gRPC services (then its integration is the transcoder). A method
 * has one integration, so its routes must all be gRPC or all HTTP (a canary from an HTTP service to
 * a gRPC one is two methods' worth of integration); the loader is to refuse the mix.
 */
export function grpcMethod(method: Pick<ApiMethod, 'routes' | 'httpMethod' | 'resourcePath'>, services: ReadonlyMap<string, ServiceConfig>): boolean {
  const kinds = new Set(method.routes.map((r) => services.get(r.service)?.protocol ?? 'http'));
  if (kinds.size > 1) {
    throw new Error(`${method.httpMethod} ${method.resourcePath}: routes ${method.routes.map((r) => r.name).join(', ')} mix gRPC and HTTP services; one API method has one integration`);
  }
  return kinds.has('grpc');
}

/** Path parameter names of a resource path: `/v1/{id}/{proxy+}` -> [`id`, `proxy`]. */
export function pathParameters(resourcePath: string): string[] {
  return [...resourcePath.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]);
}

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json');
