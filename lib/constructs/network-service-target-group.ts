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

export interface ServiceTargetGroupProps {
  readonly vpc: ec2.IVpc;
  readonly serviceName: string;
  readonly settings: PrivateServiceConfig;
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
        path: check.path,
        interval: Duration.seconds(check.interval_seconds),
        timeout: Duration.seconds(check.timeout_seconds),
        healthyThresholdCount: check.healthy_threshold,
        unhealthyThresholdCount: check.unhealthy_threshold,
        healthyHttpCodes: check.matcher,
      },
    });
  }
}
