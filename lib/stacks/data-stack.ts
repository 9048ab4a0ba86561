import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { GatewayStackProps } from './gateway-stack-props';
import type { NetworkStack } from './network-stack';

export interface DataStackProps extends GatewayStackProps {
  readonly network: NetworkStack;
}

/** Consumers table (API key metadata by key hash) and ElastiCache Serverless for rate-limit counters. */
export class DataStack extends Stack {
  /** Partition key `pk` (string): `key#<sha256 of the API key>`, `client#<oauth client id>`, `cert#<subject or serial>`. */
  public readonly consumersTable!: dynamodb.ITableV2;
  /** ElastiCache Serverless (Valkey) endpoint for rate-limit counters (TLS); undefined with rate_limiting.strategy local. */
  public readonly rateLimitCache?: { readonly endpointAddress: string; readonly port: string; readonly securityGroup: ec2.ISecurityGroup; readonly arn: string };

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
  }
}
