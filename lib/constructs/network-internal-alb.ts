import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import type { RouteConfig, ServiceConfig } from '../config/schema';
import { ROUTE_HEADER } from '../contract/headers';
import { REFUSAL, refusalBody } from '../contract/refusals';
import { AlbAccessLogs } from './network-alb-access-logs';
import { ServiceTargetGroup } from './network-service-target-group';

/** Body of the listener's default action: the route header named no route this ALB knows. */
export const NO_ROUTE_MATCHED_BODY = refusalBody(REFUSAL.noRouteMatched);
/** TLS 1.3 plus TLS 1.2 with AES-GCM ECDHE suites only (API Gateway's VPC link speaks TLS 1.2+). */
export const ALB_SSL_POLICY = elbv2.SslPolicy.TLS13_RES;

export interface InternalAlbProps {
  readonly vpc: ec2.IVpc;
  /** `services`, in config order; only those with `private` get a target group. */
  readonly services: readonly ServiceConfig[];
  /** `routes`, in config order: a route's listener rule priority is its index + 1. */
  readonly routes: readonly RouteConfig[];
  /** ACM certificate ARN of the HTTPS listener (`env.certificates.alb`). */
  readonly certificateArn: string;
  /** Access log retention (days). */
  readonly logRetentionDays: number;
}

/**
 * Internal ALB in the private subnets with one HTTPS listener. The authorizer picks the route
 * and API Gateway forwards its name in `X-Gatehouse-Route`; one listener rule per route whose
 * service is private forwards on that header to the service's target group. Anything else gets
 * a 404 with a JSON body. The ALB accepts traffic only from the security groups it is opened to.
 */
export class InternalAlb extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly securityGroup: ec2.SecurityGroup;
  /** Service name -> its target group, in config order. */
  public readonly targetGroups: ReadonlyMap<string, elbv2.ApplicationTargetGroup>;
  public readonly accessLogs: AlbAccessLogs;

  constructor(scope: Construct, id: string, props: InternalAlbProps) {
    super(scope, id);
    const { vpc } = props;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Internal ALB: HTTPS in from the API Gateway VPC link only, out to private service targets',
      allowAllOutbound: false,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
    });
    this.accessLogs = new AlbAccessLogs(this, 'AccessLogs', { retentionDays: props.logRetentionDays });
    this.loadBalancer.logAccessLogs(this.accessLogs.bucket, 'alb');

    this.listener = this.loadBalancer.addListener('Https', {
      protocol: elbv2.ApplicationProtocol.HTTPS,
      port: 443,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: ALB_SSL_POLICY,
      // Ingress is granted to the VPC link's security group by the network stack, not to 0.0.0.0/0.
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'application/json',
        messageBody: NO_ROUTE_MATCHED_BODY,
      }),
    });

    const targetGroups = new Map<string, elbv2.ApplicationTargetGroup>();
    for (const service of props.services) {
      if (!service.private) continue;
      // A gRPC service's target group speaks gRPC (protocol version GRPC); the route rules below
      // forward the transcoder's calls to it like any other route's.
      const { targetGroup } = new ServiceTargetGroup(this, `Service-${service.name}`, {
        vpc, serviceName: service.name, settings: service.private, grpc: service.protocol === 'grpc',
      });
      targetGroups.set(service.name, targetGroup);
    }
    this.targetGroups = targetGroups;
    // Targets are IPs in the VPC; open each distinct target port once.
    const ports = new Set(props.services.flatMap((s) => (s.private ? [s.private.port] : [])));
    for (const port of ports) {
      this.securityGroup.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(port), `To private service targets on ${port}`);
    }

    props.routes.forEach((route, index) => {
      const targetGroup = targetGroups.get(route.service);
      if (!targetGroup) return;
      this.listener.addTargetGroups(`Route-${route.name}`, {
        priority: index + 1,
        conditions: [elbv2.ListenerCondition.httpHeader(ROUTE_HEADER, [route.name])],
        targetGroups: [targetGroup],
      });
    });

    acknowledge(this.loadBalancer, ...inEveryCompliancePack('ALBWAFEnabled',
      'Internal ALB reachable only from the API Gateway VPC link security group; every request has already passed the CloudFront and regional API Gateway web ACLs.'));
  }
}
