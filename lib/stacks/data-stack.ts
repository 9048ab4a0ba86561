import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { ConsumersTable } from '../constructs/data-consumers-table';
import { CONSUMERS_TABLE_OUTPUT } from '../stack-names';
import { RateLimitCache } from '../constructs/data-rate-limit-cache';
import type { GatewayStackProps } from './gateway-stack-props';
import { multiRegionKeyArn } from './keys-stack';
import type { NetworkStack } from './network-stack';
import { resourcePrefix } from '../contract/resource-names';

export interface DataStackProps extends GatewayStackProps {
  readonly network: NetworkStack;
  /**
   * A secondary region: this region's copy of the multi-Region key (lib/stacks/keys-stack.ts),
   * used for its cache and its table replica when profile.customerManagedKeys. (The primary
   * keeps the key it had with one region: replacing it would replace the cache.)
   */
  readonly regionKey?: kms.IKey;
  /** The primary of a multi-region environment: the other regions, each holding a replica of the table. */
  readonly tableReplicaRegions?: readonly string[];
  /** The primary: id of the multi-Region key, whose copy in each replica's region encrypts that replica. */
  readonly replicaKeyId?: string;
  /** A secondary region: the table's name (the primary's); this region reads its own replica. */
  readonly replicaOfTableName?: string;
}

/** Longest name ElastiCache accepts for a serverless cache. */
const CACHE_NAME_MAX = 40;

/** Consumers table (API key metadata by key hash) and ElastiCache Serverless for rate-limit counters. */
export class DataStack extends Stack {
  /**
   * Partition key `pk` (string): `key#<sha256 of the API key>`, `client#<issuer name>#<oauth client id>`,
   * `cert#<issuer DN>#<subject DN or serial>` (docs/decisions/0013-consumer-records-bound-to-issuer.md).
   */
  public readonly consumersTable: dynamodb.ITableV2;
  /** ElastiCache Serverless (Valkey) endpoint for rate-limit counters (TLS); undefined with rate_limiting.strategy local. */
  public readonly rateLimitCache?: { readonly endpointAddress: string; readonly port: string; readonly securityGroup: ec2.ISecurityGroup; readonly arn: string };
  /** Customer-managed key of the table and the cache; undefined unless profile.customerManagedKeys. */
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, profile } = props.gateway;
    const { network } = props;

    if (profile.customerManagedKeys && props.regionKey) {
      this.encryptionKey = props.regionKey;
    } else if (profile.customerManagedKeys) {
      this.encryptionKey = new kms.Key(this, 'DataKey', {
        description: 'Encrypts the gateway consumers table and rate-limit cache',
        enableKeyRotation: true,
      });
    }

    if (props.replicaOfTableName) {
      // The replica is part of the primary's global table resource; here it is only read.
      this.consumersTable = dynamodb.TableV2.fromTableAttributes(this, 'Consumers', { tableName: props.replicaOfTableName, encryptionKey: this.encryptionKey });
    } else {
      const keyId = this.encryptionKey && props.replicaKeyId;
      this.consumersTable = new ConsumersTable(this, 'Consumers', {
        encryptionKey: this.encryptionKey,
        replicas: (props.tableReplicaRegions ?? []).map((region) => ({ region, keyArn: keyId ? multiRegionKeyArn(this, keyId, region) : undefined })),
      }).table;
      new CfnOutput(this, CONSUMERS_TABLE_OUTPUT, { value: this.consumersTable.tableName, description: 'DynamoDB table of API consumers' });
    }

    if (config.rate_limiting.strategy !== 'redis') return;
    const cache = new RateLimitCache(this, 'RateLimitCache', {
      vpc: network.vpc,
      subnets: network.dataSubnets,
      cacheName: `${resourcePrefix(props.gateway)}-ratelimit`.slice(0, CACHE_NAME_MAX).replace(/-+$/, ''),
      clientSecurityGroup: network.lambdaSecurityGroup,
      encryptionKey: this.encryptionKey,
    });
    this.rateLimitCache = {
      endpointAddress: cache.endpointAddress,
      port: cache.port,
      securityGroup: cache.securityGroup,
      arn: cache.arn,
    };
  }
}
