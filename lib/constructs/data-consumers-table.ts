import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import { CONSUMERS_PARTITION_KEY, CONSUMERS_TTL_ATTRIBUTE } from '../contract/consumer-record';

export interface ConsumersTableProps {
  /** Customer-managed key; without it the table uses the AWS managed key (aws/dynamodb). */
  readonly encryptionKey?: kms.IKey;
  /**
   * Other regions of a multi-region environment: a replica each (every replica reads and writes;
   * Gatehouse writes in the primary only, so last-writer-wins never decides, decision 0026). With
   * a customer-managed key, each replica needs the key's copy in its region.
   */
  readonly replicas?: ReadonlyArray<{ readonly region: string; readonly keyArn?: string }>;
}

/**
 * API consumers (key hash, OAuth client or certificate -> tier, tenant, status), read by the
 * authorizer on a cache miss. On-demand billing: reads follow traffic, which is bursty.
 * No GSI: the authorizer only reads by the partition key (lib/contract/consumer-record.ts); listing a tenant's consumers is an ops task a scan serves.
 */
export class ConsumersTable extends Construct {
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: ConsumersTableProps) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: CONSUMERS_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: CONSUMERS_TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: props.encryptionKey
        ? dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey, replicaKeyArns(props.replicas ?? []))
        : dynamodb.TableEncryptionV2.awsManagedKey(),
      replicas: props.replicas?.length ? props.replicas.map(({ region }) => ({ region })) : undefined,
    });
    acknowledge(this.table, ...inEveryCompliancePack('DynamoDBInBackupPlan',
      'Point-in-time recovery is on (continuous backups, restore to any second of the last 35 days) and the table has deletion protection; an AWS Backup plan would add a second copy of the same records.'));
  }
}

function replicaKeyArns(replicas: ReadonlyArray<{ readonly region: string; readonly keyArn?: string }>): Record<string, string> | undefined {
  const arns = replicas.filter((r) => r.keyArn).map((r) => [r.region, r.keyArn!] as const);
  return arns.length > 0 ? Object.fromEntries(arns) : undefined;
}
