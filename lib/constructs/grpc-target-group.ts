import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { LOAD_BALANCING_ALGORITHM, type PrivateServiceConfig } from './network-service-target-group';

/**
 * The standard gRPC health checking protocol (grpc.health.v1.Health/Check): status 0 (OK) with
 * SERVING. Used unless `health_check.path` already names a gRPC method (`/package.Service/Method`),
 * because the config's HTTP default (`/health`, codes 200-299) means nothing to a gRPC target.
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

export interface GrpcTargetGroupProps {
  readonly vpc: ec2.IVpc;
  readonly serviceName: string;
  /** `services[].private`; `protocol` is the ALB-to-target TLS choice as for HTTP services. */
  readonly settings: PrivateServiceConfig;
}

/**
 * The target group of a private gRPC service (`protocol: grpc`): protocol version GRPC, so the ALB
 * speaks HTTP/2 gRPC to the targets and checks their health with a gRPC call. IP targets, registered
 * by the service's own deployment as for HTTP services (the network stack exports the ARN). Both
 * the transcoder (route header rule on the 443 listener) and native gRPC clients (path rule with JWT
 * verification on the native listener) reach the service through it.
 */
export class GrpcTargetGroup extends Construct {
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: GrpcTargetGroupProps) {
    super(scope, id);
    const { settings } = props;
    const check = settings.health_check;
    const https = settings.protocol === 'HTTPS';
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      targetType: elbv2.TargetType.IP,
      protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      protocolVersion: elbv2.ApplicationProtocolVersion.GRPC,
      port: settings.port,
      loadBalancingAlgorithmType: LOAD_BALANCING_ALGORITHM[settings.load_balancing],
      enableAnomalyMitigation: settings.anomaly_mitigation ? true : undefined,
      deregistrationDelay: Duration.seconds(settings.deregistration_delay_seconds),
      healthCheck: {
        enabled: true,
        protocol: https ? elbv2.Protocol.HTTPS : elbv2.Protocol.HTTP,
        path: grpcHealthCheckPath(check.path),
        interval: Duration.seconds(check.interval_seconds),
        timeout: Duration.seconds(check.timeout_seconds),
        healthyThresholdCount: check.healthy_threshold,
        unhealthyThresholdCount: check.unhealthy_threshold,
        healthyGrpcCodes: GRPC_HEALTHY_CODES,
      },
    });
  }
}
