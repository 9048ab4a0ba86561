import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import type { EnvironmentConfig } from '../config/schema';
import { allowCloudWatchLogsToUseKey } from './cloudwatch-logs-key';

export interface GatewayVpcProps {
  /** `env.vpc`: either `{ id }` (import) or `{ cidr, max_azs, nat_gateways }` (create). */
  readonly vpc: EnvironmentConfig['vpc'];
  /** Flow log retention (profile.logRetentionDays). */
  readonly logRetentionDays: number;
  /** Encrypt the flow log group with a customer-managed key (profile.customerManagedKeys). */
  readonly customerManagedKeys: boolean;
}

/**
 * The gateway's VPC: created (public / private-with-egress / isolated subnets, flow logs to
 * CloudWatch Logs, a DynamoDB gateway endpoint) or imported by id.
 *
 * Imported VPCs use `Vpc.fromLookup`: `cdk synth` with credentials looks the VPC up once and
 * caches it in `cdk.context.json`, which is committed so CI and tests stay offline. Without a
 * cached entry (unit tests) CDK substitutes its dummy VPC (two AZs, public and private subnets).
 * An imported VPC belongs to its owner: we add no flow logs (the owner's) and no gateway
 * endpoint (a route table accepts one DynamoDB endpoint, and it may already have one).
 *
 * No interface endpoints: the authorizer reaches DynamoDB through the free gateway endpoint and
 * Valkey inside the VPC; everything else it calls (JWKS of external issuers, X-Ray) is public and
 * goes through the NAT gateway. Each interface endpoint would cost ~$7/month per AZ for no gain.
 */
type NewVpcConfig = Exclude<EnvironmentConfig['vpc'], { id: string }>;

/** The zones of a new VPC: as configured, else the region's first `max_azs` zones (a, b, c, ...). */
export function vpcZones(vpc: NewVpcConfig, region: string): string[] {
  return vpc.availability_zones ?? 'abcdef'.slice(0, vpc.max_azs).split('').map((letter) => `${region}${letter}`);
}

/**
 * Records the zones of a new VPC as the stack's availability-zone lookup result, so synth never
 * asks AWS (it must run offline): CDK checks explicit zones against the stack's zones, which it
 * would otherwise look up in the account. Call before the stack has children.
 */
export function pinAvailabilityZones(stack: Stack, vpc: EnvironmentConfig['vpc'], account: string, region: string): void {
  if ('id' in vpc) return;
  stack.node.setContext(`availability-zones:account=${account}:region=${region}`, vpcZones(vpc, region));
}

export class GatewayVpc extends Construct {
  public readonly vpc: ec2.IVpc;
  /** Whether this construct created the VPC (false: imported by id). */
  public readonly created: boolean;
  /** Where stateful services go: isolated subnets of a created VPC, private subnets of an imported one. */
  public readonly dataSubnets: ec2.SubnetSelection;
  /** Flow log group; undefined for an imported VPC. */
  public readonly flowLogGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: GatewayVpcProps) {
    super(scope, id);
    if ('id' in props.vpc) {
      this.vpc = ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.vpc.id });
      this.created = false;
      this.dataSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
      return;
    }

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.vpc.cidr),
      availabilityZones: vpcZones(props.vpc, Stack.of(this).region),
      natGateways: props.vpc.nat_gateways,
      subnetConfiguration: [
        // Only NAT gateways live here (they use Elastic IPs), so no public IP on launch.
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    this.vpc = vpc;
    this.created = true;
    this.dataSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    const encryptionKey = props.customerManagedKeys ? this.flowLogKey() : undefined;
    const logGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      encryptionKey,
    });
    this.flowLogGroup = logGroup;
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup, this.flowLogRole(logGroup)),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    for (const subnet of vpc.publicSubnets) {
      acknowledge(subnet, ...inEveryCompliancePack('VPCNoUnrestrictedRouteToIGW',
        'Public subnets hold only the NAT gateways; their default route to the internet gateway is what gives the private subnets egress.'));
    }
  }

  /**
   * Role the flow log service writes with. Its permissions are a customer-managed policy (the
   * compliance packs reject inline policies), so CDK must not add its own default policy.
   */
  private flowLogRole(logGroup: logs.ILogGroup): iam.IRole {
    const role = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Writes the gateway VPC flow logs to CloudWatch Logs',
    });
    role.addManagedPolicy(new iam.ManagedPolicy(this, 'FlowLogWrite', {
      description: 'Write the gateway VPC flow logs to their log group',
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logGroup.logGroupArn],
      })],
    }));
    return role.withoutPolicyUpdates();
  }

  /** CMK for the flow log group; CloudWatch Logs may use it only for this account's log groups. */
  private flowLogKey(): kms.Key {
    const key = new kms.Key(this, 'FlowLogsKey', {
      description: 'Encrypts the gateway VPC flow logs',
      enableKeyRotation: true,
    });
    allowCloudWatchLogsToUseKey(key);
    return key;
  }
}
