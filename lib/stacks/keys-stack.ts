import { Arn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { GatewayStackProps } from './gateway-stack-props';
import { resourcePrefix } from '../contract/resource-names';

export interface KeysStackProps extends GatewayStackProps {
  /**
   * In a secondary region: the primary's multi-Region key, which this stack replicates. In the
   * primary: undefined (this stack holds the primary key).
   */
  readonly primaryKey?: { readonly keyArn: string };
}

/**
 * The multi-Region customer-managed key of a multi-region environment (decision 0026): one key
 * material in every region. Cognito multi-Region replication requires it for the user pool; the
 * secondary regions' table replicas and caches use their copy too (DynamoDB needs a key in each
 * replica's region). The primary region holds the primary key; each other region a replica key,
 * which shares its key id (`mrk-...`), so every region's key ARN is known from the primary's id
 * without a reference ({@link multiRegionKeyArn}). The primary's table and cache keep the Data
 * stack's own key, so adding a region replaces neither.
 *
 * Rotation is set on the primary key and applies to its replicas (KMS rotates multi-Region
 * keys as a set). A one-region environment has no Keys stack.
 */
export class KeysStack extends Stack {
  /** This region's copy of the multi-Region key. */
  public readonly key: kms.IKey;
  /** Key id shared by the primary key and its replicas (`mrk-...`). */
  public readonly keyId: string;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    const description = `${resourcePrefix(props.gateway)}: multi-Region key of the consumers table, the rate-limit cache and the user pool`;
    if (!props.primaryKey) {
      const key = new kms.Key(this, 'DataKey', { description, enableKeyRotation: true, policy: keyPolicy(this) });
      (key.node.defaultChild as kms.CfnKey).multiRegion = true;
      this.key = key;
      this.keyId = key.keyId;
      return;
    }
    const replica = new kms.CfnReplicaKey(this, 'DataKey', {
      primaryKeyArn: props.primaryKey.keyArn,
      description,
      keyPolicy: keyPolicy(this),
      enabled: true,
    });
    this.key = kms.Key.fromKeyArn(this, 'Replica', replica.attrArn);
    this.keyId = replica.attrKeyId;
  }
}

/** The ARN of a multi-Region key's copy in `region`: the same key id, the region swapped. */
export function multiRegionKeyArn(stack: Stack, keyId: string, region: string): string {
  return Arn.format({ service: 'kms', region, account: stack.account, resource: 'key', resourceName: keyId }, stack);
}

/**
 * The same policy in every region (a replica key has its own policy): the account administers
 * and delegates use to IAM, as the default key policy does; Cognito may use the key for the
 * user pool of this account only (multi-Region replication encrypts the pool with it).
 */
function keyPolicy(stack: Stack): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'AccountAdministers',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:*'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'CognitoUserPool',
        principals: [new iam.ServicePrincipal('cognito-idp.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    ],
  });
}
