import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Valkey port of the serverless cache's primary endpoint (TLS only). */
export const VALKEY_PORT = 6379;
export const VALKEY_MAJOR_VERSION = '8';
/** ElastiCache Serverless spreads its endpoint over at most three subnets (one per AZ). */
const MAX_CACHE_SUBNETS = 3;

export interface RateLimitCacheProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Name of the serverless cache (unique per account and region, max 40 characters). */
  readonly cacheName: string;
  /** The only security group allowed in (the authorizer Lambdas). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** Customer-managed key; without it ElastiCache uses an AWS owned key. */
  readonly encryptionKey?: kms.IKey;
}

/**
 * ElastiCache Serverless (Valkey 8) holding the sliding-window rate-limit counters. Serverless
 * caches always encrypt in transit (TLS) and at rest. No snapshots are configured (the default
 * is none): counters live for at most an hour and rebuild themselves, so a restore would only
 * resurrect stale windows. Only the primary endpoint port is opened; the reader endpoint (6380)
 * is not used because counters need read-your-writes.
 */
export class RateLimitCache extends Construct {
  public readonly cache: elasticache.CfnServerlessCache;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly endpointAddress: string;
  public readonly port: string;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: RateLimitCacheProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Rate-limit cache (Valkey): in from the gateway Lambdas on 6379 only',
      allowAllOutbound: false,
    });
    this.securityGroup.connections.allowFrom(props.clientSecurityGroup, ec2.Port.tcp(VALKEY_PORT), 'Gateway Lambdas to Valkey');

    const subnetIds = props.vpc.selectSubnets({ ...props.subnets, onePerAz: true }).subnetIds.slice(0, MAX_CACHE_SUBNETS);
    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: props.cacheName,
      description: 'Gatehouse rate-limit counters',
      engine: 'valkey',
      majorEngineVersion: VALKEY_MAJOR_VERSION,
      subnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
      kmsKeyId: props.encryptionKey?.keyArn,
    });
    this.endpointAddress = this.cache.attrEndpointAddress;
    this.port = this.cache.attrEndpointPort;
    this.arn = this.cache.attrArn;
  }
}
