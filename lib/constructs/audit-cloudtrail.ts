import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import { AUDIT_PREFIX } from './audit-bucket';
import { LOG_GROUP_REMOVAL, toRetention } from './api-log-groups';

export interface AuditCloudTrailProps {
  readonly trailName: string;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** CloudWatch Logs copy retention (`profile.logRetentionDays`); S3 keeps the audit retention. */
  readonly logRetentionDays: number;
}

/**
 * Control-plane audit: who changed what, when. A multi-region trail of write management events
 * (the gateway spans its region and us-east-1; read-only Describe/List calls are noise for
 * change auditing), with log file validation (digest files prove nothing was altered), KMS,
 * delivered to the locked audit bucket and to CloudWatch Logs for queries and alarms.
 */
export class AuditCloudTrail extends Construct {
  public readonly trail: cloudtrail.Trail;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditCloudTrailProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/gatehouse/cloudtrail/${props.trailName}`,
      retention: toRetention(props.logRetentionDays),
      encryptionKey: props.key,
      removalPolicy: LOG_GROUP_REMOVAL,
    });
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: props.bucket,
      s3KeyPrefix: AUDIT_PREFIX.cloudtrail,
      encryptionKey: props.key,
      enableFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
    });
    acknowledge(this.trail, ...inEveryCompliancePack('IAMNoInlinePolicy', 'CDK-generated policy of the CloudTrail-to-CloudWatch-Logs role: logs:PutLogEvents and CreateLogStream on this trail\'s log group only.'));
  }
}
