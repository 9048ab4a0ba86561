import { Duration, SecretValue, Stack, aws_certificatemanager as acm, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_shield as shield } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { acknowledge } from '../compliance/nag';
import type { GatewayConfig } from '../config/schema';
import { planEdgeBehaviors, type EdgeCacheKey } from '../contract/edge-cache-plan';
import { ForwardedHostFunction } from '../constructs/cdn-forwarded-host-function';
import { CdnLogBucket } from '../constructs/cdn-log-bucket';
import { CdnPortal } from '../constructs/cdn-portal';
import { openApiDocument } from '../openapi/openapi-document';
import { portalFiles } from '../openapi/portal';
import { GrpcEdgeOrigin, type GrpcEdgeOriginProps } from '../constructs/grpc-edge-origin';
import { ORIGIN_VERIFY_HEADER } from '../contract/headers';
import { responseHeadersPolicy } from '../contract/response-headers-policy';
import type { GatewayStackProps } from './gateway-stack-props';
import { resourcePrefix } from '../contract/resource-names';

export interface CdnStackProps extends GatewayStackProps {
  readonly webAclArn: string;
  readonly originDomainName: string;
  /** `/live` on the default execute-api host (the stage is the first path segment); '' behind a custom domain. */
  readonly originPath: string;
  readonly originVerifySecretName: string;
  /** Native gRPC (services with grpc.native.enabled): the primary region's internal ALB as a VPC origin. */
  readonly nativeGrpc?: Omit<GrpcEdgeOriginProps, 'prefix'>;
}

/** The contract's security header values as CloudFront's enums. */
const FRAME_OPTION = { DENY: cloudfront.HeadersFrameOption.DENY } as const;
const REFERRER_POLICY = { 'no-referrer': cloudfront.HeadersReferrerPolicy.NO_REFERRER } as const;
/** API Gateway's integration timeout caps at 29 s: a 30 s read timeout lets the API answer its own 504 first. */
const ORIGIN_READ_TIMEOUT = Duration.seconds(30);

/** us-east-1: CloudFront distribution, cache and header policies, Shield Advanced protection. */
export class CdnStack extends Stack {
  public readonly distribution: cloudfront.Distribution;
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  public readonly logBucket: CdnLogBucket;
  public readonly shieldProtection?: shield.CfnProtection;

  constructor(scope: Construct, id: string, props: CdnStackProps) {
    super(scope, id, props);
    const { gateway } = props;
    const { config, env, profile } = gateway;
    const prefix = resourcePrefix(gateway);

    const origin = new origins.HttpOrigin(props.originDomainName, {
      originPath: props.originPath || undefined,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: ORIGIN_READ_TIMEOUT,
      // A CloudFormation dynamic reference: the value is resolved at deploy time, never in the template.
      customHeaders: { [ORIGIN_VERIFY_HEADER]: SecretValue.secretsManager(props.originVerifySecretName).unsafeUnwrap() },
    });
    const viewerRequest = new ForwardedHostFunction(this, 'ForwardedHost');
    this.responseHeadersPolicy = this.responseHeaders(config);

    const behavior = (cachePolicy: cloudfront.ICachePolicy): cloudfront.BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      cachePolicy,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.responseHeadersPolicy,
      functionAssociations: [{ function: viewerRequest, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      compress: true,
    });
    const cachePolicies = new Map<EdgeCacheKey, cloudfront.ICachePolicy>();
    // Native gRPC first: `/<package.Service>/*` never overlaps a REST path the loader accepts.
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = props.nativeGrpc
      ? { ...new GrpcEdgeOrigin(this, 'NativeGrpc', { prefix, ...props.nativeGrpc }).behaviors }
      : {};
    for (const planned of planEdgeBehaviors(config)) {
      let policy: cloudfront.ICachePolicy = cloudfront.CachePolicy.CACHING_DISABLED;
      if (planned.cache) {
        policy = cachePolicies.get(planned.cache) ?? this.cachePolicy(planned.cache, cachePolicies.size);
        cachePolicies.set(planned.cache, policy);
      }
      additionalBehaviors[planned.pathPattern] = behavior(policy);
    }

    if (config.portal.enabled) {
      const files = portalFiles(openApiDocument(props.gateway));
      Object.assign(additionalBehaviors, new CdnPortal(this, 'Portal', { path: config.portal.path, files, responseHeadersPolicy: this.responseHeadersPolicy, logRetentionDays: profile.logRetentionDays }).behaviors);
    }

    this.logBucket = new CdnLogBucket(this, 'AccessLogs', { retentionDays: profile.logRetentionDays, customerManagedKey: profile.customerManagedKeys });
    const customDomain = env.domains.edge && env.certificates.cloudfront;
    const geo = config.security.geo;

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${prefix} API`,
      defaultBehavior: behavior(cloudfront.CachePolicy.CACHING_DISABLED),
      additionalBehaviors,
      webAclId: props.webAclArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Tight latency targets pay for every edge location; looser ones use the cheapest class.
      priceClass: config.targets.p99_latency_ms <= 200 ? cloudfront.PriceClass.PRICE_CLASS_ALL : cloudfront.PriceClass.PRICE_CLASS_100,
      enableIpv6: true,
      ...(customDomain ? {
        domainNames: [env.domains.edge!, ...(env.domains.tenants ? [env.domains.tenants] : [])],
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', env.certificates.cloudfront!),
        minimumProtocolVersion: profile.tls13Only ? cloudfront.SecurityPolicyProtocol.TLS_V1_3_2025 : cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        sslSupportMethod: cloudfront.SSLMethod.SNI,
      } : {}),
      // No CloudFront geo restriction: the edge web ACL's geo rule answers instead (decision 0024).
      enableLogging: true,
      logBucket: this.logBucket.bucket,
      logFilePrefix: `cloudfront/${prefix}/`,
      logIncludesCookies: false,
    });
    if (!customDomain) {
      // *.cloudfront.net with the default certificate: CloudFront fixes the viewer policy
      // (TLSv1 minimum). A TLS 1.3-only policy (profile.tls13Only) needs a custom certificate.
      acknowledge(this.distribution, {
        id: 'AwsSolutions-CFR4',
        reason: 'No custom domain is configured for this environment (environments.<env>.domains.edge and certificates.cloudfront), so the default CloudFront certificate is used; its viewer TLS policy cannot be set.',
      });
    }
    acknowledge(this.distribution, {
      id: 'AwsSolutions-CFR1',
      reason: geo.allow.length === 0 && geo.deny.length === 0
        ? 'The config has no security.geo allow or deny list: the API is served worldwide by design.'
        : 'security.geo is enforced by the edge web ACL (GeoAllowList/GeoDenyList rule: the gateway\'s JSON 403, logged by WAF); a CloudFront geo restriction would refuse first with an HTML page and hide those requests from WAF (decision 0024).',
    });

    if (env.shield_advanced) this.shieldProtection = this.protect(prefix);
  }

  /**
   * Shield Advanced protection of the distribution. It lives here, not in the Edge stack,
   * because the protected resource is this distribution. The L7 automatic response needs the
   * web ACL associated (webAclId above); Shield then manages its own rule group in that ACL.
   * Needs an active Shield Advanced subscription in the account.
   */
  private protect(prefix: string): shield.CfnProtection {
    return new shield.CfnProtection(this, 'ShieldProtection', {
      name: `${prefix}-cdn`,
      resourceArn: this.distribution.distributionArn,
      applicationLayerAutomaticResponseConfiguration: { status: 'ENABLED', action: { block: {} } },
    });
  }

  private cachePolicy(key: EdgeCacheKey, index: number): cloudfront.CachePolicy {
    const ttl = Duration.seconds(key.ttl);
    return new cloudfront.CachePolicy(this, `CachePolicy${index}`, {
      // Unique per account: the stack name holds the gateway and environment names.
      cachePolicyName: `${this.stackName}-cache-${index}`,
      comment: `Edge cache of ${key.routes.join(', ')}`,
      defaultTtl: ttl,
      maxTtl: ttl,
      minTtl: Duration.seconds(0),
      headerBehavior: key.headers.length > 0 ? cloudfront.CacheHeaderBehavior.allowList(...key.headers) : cloudfront.CacheHeaderBehavior.none(),
      queryStringBehavior: key.queryStrings.length > 0 ? cloudfront.CacheQueryStringBehavior.allowList(...key.queryStrings) : cloudfront.CacheQueryStringBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
  }

  /** lib/contract/response-headers-policy.ts mapped to CloudFront. */
  private responseHeaders(config: GatewayConfig): cloudfront.ResponseHeadersPolicy {
    const { security, customHeaders, removeHeaders, cors } = responseHeadersPolicy(config);
    const hsts = security.strictTransportSecurity;
    return new cloudfront.ResponseHeadersPolicy(this, 'ResponseHeaders', {
      comment: 'Security headers and response transformations',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(hsts.maxAgeDays), includeSubdomains: hsts.includeSubdomains, preload: hsts.preload, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: FRAME_OPTION[security.frameOptions], override: true },
        referrerPolicy: { referrerPolicy: REFERRER_POLICY[security.referrerPolicy], override: true },
      },
      customHeadersBehavior: customHeaders.length > 0 ? { customHeaders: customHeaders.map(({ header, value }) => ({ header, value, override: true })) } : undefined,
      removeHeaders: removeHeaders.length > 0 ? [...removeHeaders] : undefined,
      // CORS headers on every response to a request from an allowed origin, gateway errors and
      // the API's preflight answers included (CloudFront's values override the origin's).
      corsBehavior: cors ? {
        accessControlAllowOrigins: [...cors.allowOrigins],
        accessControlAllowMethods: [...cors.allowMethods],
        accessControlAllowHeaders: [...cors.allowHeaders],
        accessControlExposeHeaders: cors.exposeHeaders.length > 0 ? [...cors.exposeHeaders] : undefined,
        accessControlAllowCredentials: cors.allowCredentials,
        accessControlMaxAge: Duration.seconds(cors.maxAgeSeconds),
        originOverride: true,
      } : undefined,
    });
  }
}
