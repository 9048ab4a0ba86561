import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { ServiceConfig } from '../config/schema';

/** Private service settings (`services[].private`, defaults applied). */
export type PrivateServiceConfig = NonNullable<ServiceConfig['private']>;

/** Config `load_balancing` -> ALB target group attribute `load_balancing.algorithm.type`. */
export const LOAD_BALANCING_ALGORITHM: Record<PrivateServiceConfig['load_balancing'], elbv2.TargetGroupLoadBalancingAlgorithmType> = {
  round_robin: elbv2.TargetGroupLoadBalancingAlgorithmType.ROUND_ROBIN,
  least_outstanding_requests: elbv2.TargetGroupLoadBalancingAlgorithmType.LEAST_OUTSTANDING_REQUESTS,
  weighted_random: elbv2.TargetGroupLoadBalancingAlgorithmType.WEIGHTED_RANDOM,
};

/**
 * The standard gRPC health checking protocol (grpc.health.v1.Health/Check): status 0 (OK) with
 * SERVING. Used for a gRPC service unless `health_check.path` already names a gRPC method
 * (`/package.Service/Method`), because the config's HTTP default (`/health`, codes 200-299) means
 * nothing to a gRPC target.
 */
export const GRPC_HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';
/** gRPC status codes a healthy target answers the health check with (0 = OK). */
export const GRPC_HEALTHY_CODES = '0';

/** `/package.Service/Method`: a path the ALB can send a gRPC health check to. */
const GRPC_METHOD_PATH = /^\/[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+\/[A-Za-z_]\w*$/;

/** The health check path of a gRPC target group: the configured one when it is a gRPC method, else {@link GRPC_HEALTH_CHECK_PATH}. */
export function grpcHealthCheckPath(configured: string): string {
  return GRPC_METHOD_PATH.test(configured) ? configured : GRPC_HEALTH_CHECK_PATH;
}

export interface ServiceTargetGroupProps {
  readonly vpc: ec2.IVpc;
  readonly serviceName: string;
  readonly settings: PrivateServiceConfig;
  /**
   * A gRPC service (`protocol: grpc`): protocol version GRPC, so the ALB speaks HTTP/2 gRPC to the
   * targets and checks their health with a gRPC call. Both the transcoder (route header rule) and
   * native gRPC clients (path rule with JWT verification) reach the service through it.
   */
  readonly grpc?: boolean;
}

/**
 * The target group of one private service: IP targets, so tasks, pods or instances in the VPC
 * (or peered networks) can all register. This app registers no targets: each service's own
 * deployment registers its IPs with the target group ARN that the network stack exports.
 */
export class ServiceTargetGroup extends Construct {
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: ServiceTargetGroupProps) {
    super(scope, id);
    const { settings } = props;
    const protocol = settings.protocol === 'HTTPS' ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP;
    const check = settings.health_check;
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      targetType: elbv2.TargetType.IP,
      protocol,
      ...(props.grpc ? { protocolVersion: elbv2.ApplicationProtocolVersion.GRPC } : {}),
      port: settings.port,
      loadBalancingAlgorithmType: LOAD_BALANCING_ALGORITHM[settings.load_balancing],
      // Automatic target weights: the ALB sends less to a target that fails more than its peers
      // (attribute load_balancing.algorithm.anomaly_mitigation = on; weighted_random only, which
      // the schema enforces). Unset otherwise, so target groups without it keep their attributes.
      enableAnomalyMitigation: settings.anomaly_mitigation ? true : undefined,
      deregistrationDelay: Duration.seconds(settings.deregistration_delay_seconds),
      healthCheck: {
        enabled: true,
        protocol: settings.protocol === 'HTTPS' ? elbv2.Protocol.HTTPS : elbv2.Protocol.HTTP,
        path: props.grpc ? grpcHealthCheckPath(check.path) : check.path,
        interval: Duration.seconds(check.interval_seconds),
        timeout: Duration.seconds(check.timeout_seconds),
        healthyThresholdCount: check.healthy_threshold,
        unhealthyThresholdCount: check.unhealthy_threshold,
        ...(props.grpc ? { healthyGrpcCodes: GRPC_HEALTHY_CODES } : { healthyHttpCodes: check.matcher }),
      },
    });
  }
}
