/**
 * Owns: the key policy statement that lets CloudWatch Logs encrypt log groups with a
 * customer-managed KMS key. Every stack with such a key (edge WAF logs, API logs, VPC flow logs,
 * the audit trail) grants it here, so the actions and the encryption-context condition are
 * written once.
 */
import { Stack, aws_iam as iam, type aws_kms as kms } from 'aws-cdk-lib';

export interface CloudWatchLogsKeyGrant {
  /**
   * The log groups the key may encrypt: an ARN pattern matched against the `aws:logs:arn`
   * encryption context CloudWatch Logs sends, so the key serves no other log group.
   * @default every log group of the key's account and region ({@link accountLogGroupsArn})
   */
  readonly logGroupArn?: string;
  /**
   * Statement id in the key policy.
   * @default none
   */
  readonly sid?: string;
}

/**
 * Lets CloudWatch Logs in the key's region use `key` for the log groups `logGroupArn` matches.
 * @example allowCloudWatchLogsToUseKey(key, { logGroupArn: wafLogGroupArn(this, prefix) });
 */
export function allowCloudWatchLogsToUseKey(key: kms.Key, grant: CloudWatchLogsKeyGrant = {}): void {
  const { region } = Stack.of(key);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: grant.sid,
    principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': grant.logGroupArn ?? accountLogGroupsArn(key) } },
  }));
}

/** Every log group of the scope's account and region, as an ARN pattern. */
export function accountLogGroupsArn(scope: kms.Key): string {
  const { partition, region, account } = Stack.of(scope);
  return `arn:${partition}:logs:${region}:${account}:log-group:*`;
}
