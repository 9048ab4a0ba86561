import { Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import type { GatewayStackProps } from './gateway-stack-props';

/** VPC, internal ALB with a target group per private service, VPC link v2 for the REST API. */
export class NetworkStack extends Stack {
  public readonly vpc!: ec2.IVpc;
  /** Security group of Lambdas placed in the VPC (the authorizer): egress to Redis, HTTPS. */
  public readonly lambdaSecurityGroup!: ec2.ISecurityGroup;
  /** Internal ALB and its HTTPS listener; undefined when no service is private. */
  public readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  public readonly listener?: elbv2.IApplicationListener;
  /** VPC link v2 to the internal ALB; undefined when no service is private. */
  public readonly vpcLink?: apigwv2.IVpcLink;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
  }
}
