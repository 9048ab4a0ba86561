import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import { compileRouteTable } from '../contract/route-table';
import { ACCESS_LOG_FORMAT } from '../contract/access-log';
import { ApiAuthorizer } from '../constructs/api-authorizer';
import { ApiDomains } from '../constructs/api-domains';
import { ApiGatewayResponses } from '../constructs/api-gateway-responses';
import { ApiHealthRoute } from '../constructs/api-health-route';
import { ApiLogGroups } from '../constructs/api-log-groups';
import { ApiOriginGuard } from '../constructs/api-origin-guard';
import { ApiRoutes, cachedMethods } from '../constructs/api-routes';
import { ApiUsagePlans } from '../constructs/api-usage-plans';
import { GrpcNativeRules, nativeGrpcServiceConfigs, nativeJwtCheck } from '../constructs/grpc-native-rules';
import { GrpcTranscoder, grpcSourcesOfService, grpcTranscoderFunctionName } from '../constructs/grpc-transcoder';
import { toTranscoderConfig } from '../../lambdas/grpc-transcoder/build-config';
import { cognitoIssuerType } from '../contract/issuers';
import { DEFAULT_ASSUMPTIONS } from '../plan/assumptions';
import { grpcRoutes, transcoderReservedConcurrency } from '../plan/grpc-transcoder';
import type { DataStack } from './data-stack';
import type { GatewayStackProps } from './gateway-stack-props';
import type { IdentityStack } from './identity-stack';
import type { NetworkStack } from './network-stack';
import { API_STAGE_NAME, resourcePrefix } from '../contract/resource-names';
import { cacheKeyQueries } from '../contract/request-checks';

/** Responses smaller than this are not worth compressing. */
export const MIN_COMPRESSION_SIZE = Size.kibibytes(1);
/**
 * Enhanced TLS policy of the execute-api endpoint when CloudFront calls it directly (no custom
 * domain): TLS 1.3 plus forward-secret TLS 1.2, the strictest policy CloudFront's TLS 1.2 origin
 * connections accept (see api-domains.ts).
 */
export const EXECUTE_API_SECURITY_POLICY = 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09';

export interface ApiStackProps extends GatewayStackProps {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly identity: IdentityStack;
  readonly originVerifySecretName: string;
}

/** The regional REST API: routes, authorizer, usage plans, gateway responses, stage, domains. */
export class ApiStack extends Stack {
  /** Host name CloudFront uses as its origin (the stage is mapped at its root on a custom domain). */
  public readonly originDomainName: string;
  /** Path CloudFront must prefix when `originDomainName` is the execute-api host; '' on a custom domain. */
  public readonly originPath: string;
  /** The custom domains (domains.api, mtls, tenants); the Routing stack points each region's records at them. */
  public readonly domains: ApiDomains;
  public readonly restApi: apigw.RestApi;
  public readonly stage: apigw.Stage;
  public readonly accessLogGroup: logs.ILogGroup;
  public readonly authorizerFunction: lambda.IFunction;
  /** The regional web ACL on the stage and its log group. */
  public readonly originGuard: ApiOriginGuard;
  /** The REST -> gRPC transcoder; undefined when no route goes to a gRPC service. */
  public readonly grpcTranscoder?: GrpcTranscoder;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { gateway, network } = props;
    const { config, env, profile } = gateway;
    const prefix = resourcePrefix(gateway);
    const methods = compileRouteTable(config);
    const cached = cachedMethods(methods);
    // With a custom domain, CloudFront uses it; the execute-api URL would bypass the domain's TLS policy.
    const customOrigin = Boolean(env.domains.api);

    const logGroups = new ApiLogGroups(this, 'Logs', { retentionDays: profile.logRetentionDays, customerManagedKey: profile.customerManagedKeys });
    this.accessLogGroup = logGroups.logGroup('AccessLogs');

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: prefix,
      description: `Gatehouse ${gateway.name}: ${config.organization.name}`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
      minCompressionSize: MIN_COMPRESSION_SIZE,
      disableExecuteApiEndpoint: customOrigin,
      // Execution logging needs the account-level CloudWatch role; the feature flag turned the
      // CDK default off, so it is created here on purpose and kept when the stack goes (it is an
      // account/region setting other APIs may rely on).
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deploy: true,
      deployOptions: {
        stageName: API_STAGE_NAME,
        description: `Gatehouse ${gateway.name}`,
        tracingEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: profile.stageThrottle.rateLimit,
        throttlingBurstLimit: profile.stageThrottle.burstLimit,
        ...(cached.length > 0 ? {
          cacheClusterEnabled: true,
          cacheClusterSize: config.caching.stage_cache_gb ?? '0.5',
          // Stage-wide: encrypted, TTL 0 (= not cached); cacheable methods switch it on below.
          cachingEnabled: true,
          cacheTtl: Duration.seconds(0),
          cacheDataEncrypted: true,
        } : {}),
        methodOptions: Object.fromEntries(cached.map((m) => [
          `${m.resourcePath}/${m.httpMethod}`,
          { cachingEnabled: true, cacheTtl: Duration.seconds(m.ttlSeconds), cacheDataEncrypted: true },
        ])),
      },
    });
    this.stage = this.restApi.deploymentStage;
    if (!customOrigin) {
      const cfnApi = this.restApi.node.defaultChild as apigw.CfnRestApi;
      cfnApi.securityPolicy = EXECUTE_API_SECURITY_POLICY;
      cfnApi.endpointAccessMode = apigw.EndpointAccessMode.STRICT;
    }

    const authorizer = new ApiAuthorizer(this, 'Authorizer', {
      gateway,
      vpc: network.vpc,
      securityGroup: network.lambdaSecurityGroup,
      consumersTable: props.data.consumersTable,
      rateLimitCache: props.data.rateLimitCache,
      userPool: props.identity.userPool,
      cognitoClientIds: props.identity.clientIds,
      logGroup: logGroups.logGroup('AuthorizerLogs', `/aws/lambda/${prefix}-authorizer`),
    });
    this.authorizerFunction = authorizer.function;

    this.grpcTranscoder = this.transcoder(props, logGroups);
    this.nativeGrpcRules(props);

    new ApiRoutes(this, 'Routes', {
      config,
      api: this.restApi,
      methods,
      authorizer,
      // domains.internal is required with private services (lib/checks/environment-rules.ts).
      privateTarget: network.vpcLink && network.loadBalancer && env.domains.internal ? {
        vpcLinkId: network.vpcLink.vpcLinkId,
        loadBalancerArn: network.loadBalancer.loadBalancerArn,
        host: env.domains.internal,
      } : undefined,
      grpcTranscoder: this.grpcTranscoder?.function,
    });
    // GET /_gatehouse/health, answered by API Gateway itself (decision 0026): what the health prober calls.
    new ApiHealthRoute(this, 'HealthRoute', { api: this.restApi, region: this.region });
    new ApiUsagePlans(this, 'UsagePlans', { gateway, api: this.restApi, stage: this.stage });
    new ApiGatewayResponses(this, 'GatewayResponses', { api: this.restApi, config });
    this.domains = new ApiDomains(this, 'Domains', { gateway, api: this.restApi });
    this.originGuard = new ApiOriginGuard(this, 'OriginGuard', {
      prefix,
      apiKeyHeader: config.identity.api_keys.header,
      stage: this.stage,
      originVerifySecretName: props.originVerifySecretName,
      allowedContentTypes: config.security.allowed_content_types,
      logGroups,
      mtlsDomain: env.domains.mtls,
      maxBodyBytes: config.security.max_body_bytes,
      cacheKeyQueries: cacheKeyQueries(methods),
    });

    this.originDomainName = env.domains.api ?? `${this.restApi.restApiId}.execute-api.${this.region}.${this.urlSuffix}`;
    this.originPath = customOrigin ? '' : `/${API_STAGE_NAME}`;

    this.acknowledgeFindings(cached.length > 0);
  }

  /** The transcoder, when a route goes to a gRPC service (docs/decisions/0027). */
  private transcoder(props: ApiStackProps, logGroups: ApiLogGroups): GrpcTranscoder | undefined {
    const { gateway, network } = props;
    if (grpcRoutes(gateway.config).length === 0) return undefined;
    if (!network.grpcTranscoderSecurityGroup) throw new Error('routes go to gRPC services, but the network stack has no transcoder security group');
    const prefix = resourcePrefix(gateway);
    return new GrpcTranscoder(this, 'GrpcTranscoder', {
      prefix,
      config: toTranscoderConfig(gateway, (service) => grpcSourcesOfService(gateway, service)),
      vpc: network.vpc,
      securityGroup: network.grpcTranscoderSecurityGroup,
      albHost: network.loadBalancer?.loadBalancerDnsName,
      reservedConcurrency: transcoderReservedConcurrency(gateway.profile, DEFAULT_ASSUMPTIONS),
      logGroup: logGroups.logGroup('GrpcTranscoderLogs', `/aws/lambda/${grpcTranscoderFunctionName(prefix)}`),
    });
  }

  /** The native gRPC listener's rules (JWT verification, then the service's gRPC target group), here where the Cognito pool is known. */
  private nativeGrpcRules(props: ApiStackProps): void {
    const { gateway, network, identity } = props;
    const listener = network.nativeGrpcListener;
    if (!listener) return;
    const cognito = identity.userPool
      ? { userPoolId: identity.userPool.userPoolId, region: Stack.of(identity.userPool).region, issuerType: cognitoIssuerType(gateway.env), clientIds: identity.clientIds }
      : undefined;
    new GrpcNativeRules(this, 'NativeGrpcRules', {
      listener,
      services: nativeGrpcServiceConfigs(gateway.config).map((s) => ({
        service: s.name,
        grpcService: s.grpc!.service,
        targetGroupArn: network.targetGroupArns[s.name],
        jwt: nativeJwtCheck(gateway.config, s, cognito),
      })),
    });
  }

  private acknowledgeFindings(cacheCluster: boolean): void {
    acknowledge(this.restApi,
      {
        id: 'AwsSolutions-COG4',
        reason: 'Every method uses the Lambda REQUEST authorizer, which verifies Cognito and external-issuer JWTs, API keys and client certificates itself; a Cognito user pool authorizer cannot express the route table\'s mixed strategies.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The account-level API Gateway CloudWatch role needs exactly the AWS-managed push-to-CloudWatch-Logs policy; execution logging is impossible without it.',
      },
      ...inEveryCompliancePack('APIGWSSLEnabled',
        'Backends are reached over TLS through the VPC link to the internal ALB (certificate verified by API Gateway) and trust only gateway-set headers; the ALB does not verify API Gateway client certificates, so one would add a yearly-expiring credential without a verifier.'),
      ...(cacheCluster ? [] : inEveryCompliancePack('APIGWCacheEnabledAndEncrypted',
        'No route sets cache, so the stage has no cache cluster and stores no response data; when a route sets cache, the stage cache is enabled with cacheDataEncrypted for every method.')),
    );
  }
}
