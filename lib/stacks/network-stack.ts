import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import { GrpcNativeListener } from '../constructs/grpc-native-listener';
import { nativeGrpcServiceConfigs } from '../constructs/grpc-native-rules';
import { InternalAlb } from '../constructs/network-internal-alb';
import { GatewayVpc, pinAvailabilityZones } from '../constructs/network-vpc';
import type { TargetGroupDimensions } from '../constructs/resilience-breaker-alarms';
import type { GatewayStackProps } from './gateway-stack-props';

/** VPC, internal ALB with a target group per private service, VPC link v2 for the REST API. */
export class NetworkStack extends Stack {
  public readonly vpc: ec2.IVpc;
  /** Security group of Lambdas placed in the VPC (the authorizer): egress to Redis, HTTPS. */
  public readonly lambdaSecurityGroup: ec2.ISecurityGroup;
  /** Internal ALB and its HTTPS listener; undefined when no service is private. */
  public readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  public readonly listener?: elbv2.IApplicationListener;
  /** VPC link v2 to the internal ALB; undefined when no service is private. */
  public readonly vpcLink?: apigwv2.IVpcLink;
  /** Security group of the VPC link's ENIs (egress to the ALB on 443 only); undefined without a VPC link. */
  public readonly vpcLinkSecurityGroup?: ec2.ISecurityGroup;
  /** Where stateful services (the rate-limit cache) go: isolated subnets of a created VPC, private subnets of an imported one. */
  public readonly dataSubnets: ec2.SubnetSelection;
  /** Private service name -> target group ARN (also exported, see `targetGroupExportName`). */
  public readonly targetGroupArns: Readonly<Record<string, string>>;
  /** Private service name -> the AWS/ApplicationELB dimensions of its target group (the breaker alarms read them). */
  public readonly targetGroupDimensions: Readonly<Record<string, TargetGroupDimensions>>;
  /** Security group of the gRPC transcoder Lambda (HTTPS to the internal ALB only); undefined without gRPC services. */
  public readonly grpcTranscoderSecurityGroup?: ec2.ISecurityGroup;
  /** The internal ALB's native gRPC listener (CloudFront's VPC origin); undefined unless a private gRPC service sets native.enabled. */
  public readonly nativeGrpcListener?: elbv2.IApplicationListener;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { config, env, profile } = props.gateway;
    pinAvailabilityZones(this, env.vpc, env.account, env.region);

    const network = new GatewayVpc(this, 'Network', {
      vpc: env.vpc,
      logRetentionDays: profile.logRetentionDays,
      customerManagedKeys: profile.customerManagedKeys,
    });
    this.vpc = network.vpc;
    this.dataSubnets = network.dataSubnets;

    const lambdaSecurityGroup = new ec2.SecurityGroup(this, 'LambdaSecurityGroup', {
      vpc: this.vpc,
      description: 'Gateway Lambdas in the VPC (authorizer): HTTPS out; the data stack adds Valkey',
      allowAllOutbound: false,
    });
    // AWS APIs, the DynamoDB gateway endpoint and issuers' JWKS endpoints are all HTTPS.
    lambdaSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs and JWKS endpoints');
    this.lambdaSecurityGroup = lambdaSecurityGroup;

    const arns: Record<string, string> = {};
    this.targetGroupArns = arns;
    const dimensions: Record<string, TargetGroupDimensions> = {};
    this.targetGroupDimensions = dimensions;
    const grpcServices = config.services.filter((s) => s.protocol === 'grpc');
    const transcoderSecurityGroup = grpcServices.length > 0 ? new ec2.SecurityGroup(this, 'GrpcTranscoderSecurityGroup', {
      vpc: this.vpc,
      description: 'gRPC transcoder Lambda: HTTPS out to the internal ALB (and public gRPC upstreams) only',
      allowAllOutbound: false,
    }) : undefined;
    this.grpcTranscoderSecurityGroup = transcoderSecurityGroup;
    // A public gRPC upstream (services[].url) is called over the internet, through the NAT gateway.
    if (transcoderSecurityGroup && grpcServices.some((s) => s.url)) {
      transcoderSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to public gRPC upstreams');
    }
    if (!config.services.some((s) => s.private)) return;

    const certificateArn = env.certificates.alb;
    if (!certificateArn) {
      // The loader refuses this config already (lib/checks/environment-rules.ts); keep the invariant local too.
      throw new Error(`environment ${props.gateway.name}: certificates.alb is required when any service is private`);
    }
    const alb = new InternalAlb(this, 'InternalAlb', {
      vpc: this.vpc,
      services: config.services,
      routes: config.routes,
      certificateArn,
      logRetentionDays: profile.logRetentionDays,
    });
    this.loadBalancer = alb.loadBalancer;
    this.listener = alb.listener;
    if (transcoderSecurityGroup && grpcServices.some((s) => s.private)) {
      transcoderSecurityGroup.connections.allowTo(alb.securityGroup, ec2.Port.tcp(443), 'gRPC transcoder to internal ALB');
    }
    if (nativeGrpcServiceConfigs(config).length > 0) {
      this.nativeGrpcListener = new GrpcNativeListener(this, 'NativeGrpc', {
        vpc: this.vpc, loadBalancer: alb.loadBalancer, securityGroup: alb.securityGroup, certificateArn,
        vpcCidr: 'cidr' in env.vpc ? env.vpc.cidr : undefined,
      }).listener;
    }

    const vpcLinkSecurityGroup = new ec2.SecurityGroup(this, 'VpcLinkSecurityGroup', {
      vpc: this.vpc,
      description: 'API Gateway VPC link: HTTPS out to the internal ALB only',
      allowAllOutbound: false,
    });
    vpcLinkSecurityGroup.connections.allowTo(alb.securityGroup, ec2.Port.tcp(443), 'VPC link to internal ALB');
    this.vpcLinkSecurityGroup = vpcLinkSecurityGroup;
    this.vpcLink = new apigwv2.VpcLink(this, 'VpcLink', {
      vpc: this.vpc,
      vpcLinkName: `${this.stackName}-alb`,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [vpcLinkSecurityGroup],
    });

    // Service teams register their targets (IP addresses) with these ARNs from their own deployments.
    for (const [service, targetGroup] of alb.targetGroups) {
      arns[service] = targetGroup.targetGroupArn;
      dimensions[service] = { targetGroupFullName: targetGroup.targetGroupFullName, loadBalancerFullName: targetGroup.firstLoadBalancerFullName };
      new CfnOutput(this, `TargetGroupArn-${service}`, {
        description: `Target group of private service ${service}: register the service's IP targets here`,
        value: targetGroup.targetGroupArn,
        exportName: targetGroupExportName(this.stackName, service),
      });
    }
    new CfnOutput(this, 'InternalAlbListenerArn', {
      description: 'HTTPS listener of the internal ALB (integration target of the REST API private integrations)',
      value: alb.listener.listenerArn,
    });
  }
}

/** CloudFormation export name of a private service's target group ARN, e.g. `gatehouse-prod-network:tg:user-service-v1`. */
export function targetGroupExportName(networkStackName: string, service: string): string {
  return `${networkStackName}:tg:${service}`;
}
