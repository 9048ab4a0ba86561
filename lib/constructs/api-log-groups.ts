import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { allowCloudWatchLogsToUseKey } from './cloudwatch-logs-key';

export interface ApiLogGroupsProps {
  /** Retention of every log group (`profile.logRetentionDays`). */
  readonly retentionDays: number;
  /** Encrypt with a customer-managed key with rotation (`profile.customerManagedKeys`). */
  readonly customerManagedKey: boolean;
}

/**
 * The API stack's log groups (access logs, authorizer, WAF) share one retention and, when the
 * compliance profile asks for it, one customer-managed KMS key that CloudWatch Logs may use.
 */
export class ApiLogGroups extends Construct {
  /** Undefined unless `customerManagedKey`. */
  public readonly key?: kms.Key;
  private readonly retention: logs.RetentionDays;

  constructor(scope: Construct, id: string, props: ApiLogGroupsProps) {
    super(scope, id);
    this.retention = toRetention(props.retentionDays);
    if (props.customerManagedKey) {
      this.key = new kms.Key(this, 'Key', {
        description: 'API access, authorizer and WAF logs',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      allowCloudWatchLogsToUseKey(this.key);
    }
  }

  /** A log group with the shared retention and key. */
  public logGroup(id: string, logGroupName?: string): logs.LogGroup {
    return new logs.LogGroup(this, id, {
      logGroupName,
      retention: this.retention,
      encryptionKey: this.key,
      removalPolicy: LOG_GROUP_REMOVAL,
    });
  }
}

/**
 * Removal policy of every log group Gatehouse names (`/aws/lambda/<fn>`, `aws-waf-logs-*`, ...):
 * kept on stack update and delete (audit evidence), but deleted when the stack's own creation
 * rolls back. With RETAIN a failed first deploy left the named groups behind and every retry
 * failed with "already exists" until someone deleted them by hand.
 */
export const LOG_GROUP_REMOVAL = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;

/** The CloudWatch Logs retention that keeps logs at least `days` days. */
export function toRetention(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((d): d is number => typeof d === 'number' && d > 0).sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? logs.RetentionDays.INFINITE) as logs.RetentionDays;
}
