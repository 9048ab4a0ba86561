import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { REFUSAL, refusalBody } from '../contract/refusals';
import { ALB_SSL_POLICY } from './network-internal-alb';

/**
 * Port of the internal ALB's native gRPC listener. Apart from 443 (the VPC link's and the
 * transcoder's listener, which routes on `X-Gatehouse-Route` without checking a token) so that
 * what CloudFront's VPC origin can reach is only this listener, whose every rule verifies a JWT:
 * a client cannot pick a route header and skip the check (docs/decisions/0027).
 */
export const NATIVE_GRPC_PORT = 8443;

export interface GrpcNativeListenerProps {
  readonly vpc: ec2.IVpc;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The internal ALB's certificate (`env.certificates.alb`); CloudFront checks it against `domains.internal`. */
  readonly certificateArn: string;
  /**
   * The VPC's CIDR as written (`env.vpc.cidr`), when known at synth: a literal keeps the ingress
   * rule checkable by cdk-nag (EC23 cannot judge a token). Default: the VPC's CIDR attribute.
   */
  readonly vpcCidr?: string;
}

/**
 * The native gRPC listener of the internal ALB: HTTPS on {@link NATIVE_GRPC_PORT}, a 404 for
 * anything no rule takes. Its rules (one per service with `grpc.native.enabled`: path
 * `/<package.Service>/*`, JWT verification, forward to the service's gRPC target group) are added
 * by GrpcNativeRules in the API stack, where the Cognito pool's issuer is known.
 *
 * Ingress: CloudFront's VPC origin reaches the ALB from ENIs that CloudFront places in the ALB's
 * subnets (security group CloudFront-VPCOrigins-Service-SG, created by CloudFront when the VPC origin
 * is, so not referable here): the listener port is opened to the VPC's CIDR. Anything else in the
 * VPC can reach it too, and meets the same JWT verification.
 */
export class GrpcNativeListener extends Construct {
  public readonly listener: elbv2.ApplicationListener;

  constructor(scope: Construct, id: string, props: GrpcNativeListenerProps) {
    super(scope, id);
    this.listener = new elbv2.ApplicationListener(this, 'Listener', {
      loadBalancer: props.loadBalancer,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      port: NATIVE_GRPC_PORT,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: ALB_SSL_POLICY,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'application/json',
        messageBody: refusalBody(REFUSAL.noRouteMatched),
      }),
    });
    props.securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpcCidr ?? props.vpc.vpcCidrBlock), ec2.Port.tcp(NATIVE_GRPC_PORT),
      'Native gRPC from CloudFront VPC origin ENIs in this VPC (JWT verified by every rule)');
  }
}
