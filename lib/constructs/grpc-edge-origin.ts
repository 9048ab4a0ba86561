import { Duration, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { grpcPathPattern } from './grpc-native-rules';

export interface GrpcEdgeOriginProps {
  /** `<gateway>-<environment>`: the VPC origin is `<prefix>-grpc`. */
  readonly prefix: string;
  /** ARN of the primary region's internal ALB (a cross-region reference). */
  readonly loadBalancerArn: string;
  /** The ALB's native gRPC listener port (NATIVE_GRPC_PORT). */
  readonly port: number;
  /** `domains.internal`: the name on the ALB's certificate, which CloudFront checks (SNI, certificate, Host). */
  readonly domainName: string;
  /** Fully qualified gRPC service names with `native.enabled`, in config order. */
  readonly grpcServices: readonly string[];
}

/** How long CloudFront waits for the ALB's first byte: the same 30 s as the REST origin (streaming calls are not offered, docs/grpc.md). */
const GRPC_ORIGIN_READ_TIMEOUT = Duration.seconds(30);

/**
 * The edge half of native gRPC: a CloudFront VPC origin on the internal ALB's native listener, and
 * one cache behavior per native service on `/<package.Service>/*` with gRPC enabled (GrpcConfig:
 * HTTP/2, all methods, never cached). The distribution's web ACL covers these behaviors as every
 * other; no viewer-request function (it feeds the authorizer, which native calls never reach), no
 * response headers policy (gRPC responses are not transformed) and no compression (gRPC compresses
 * messages itself).
 */
export class GrpcEdgeOrigin extends Construct {
  public readonly vpcOrigin: cloudfront.VpcOrigin;
  /** Path pattern -> behavior, for the distribution's additionalBehaviors. */
  public readonly behaviors: Readonly<Record<string, cloudfront.BehaviorOptions>>;

  constructor(scope: Construct, id: string, props: GrpcEdgeOriginProps) {
    super(scope, id);
    this.vpcOrigin = new cloudfront.VpcOrigin(this, 'VpcOrigin', {
      vpcOriginName: `${props.prefix}-grpc`,
      // An endpoint by ARN: the ALB lives in the API's region, this construct in us-east-1.
      endpoint: { endpointArn: props.loadBalancerArn, domainName: undefined },
      httpsPort: props.port,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    const origin = origins.VpcOrigin.withVpcOrigin(this.vpcOrigin, { domainName: props.domainName, readTimeout: GRPC_ORIGIN_READ_TIMEOUT });
    const behavior: cloudfront.BehaviorOptions = {
      origin,
      enableGrpc: true,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // Authorization (the JWT the ALB verifies) and the gRPC headers reach the origin.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: false,
    };
    this.behaviors = Object.fromEntries(props.grpcServices.map((s) => [grpcPathPattern(s), behavior]));
  }
}
