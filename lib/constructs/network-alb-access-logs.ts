import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import { sseS3LogBucketProps } from './log-bucket';

export interface AlbAccessLogsProps {
  /** Days the access logs (and the bucket's own server access logs) are kept. */
  readonly retentionDays: number;
}

/**
 * S3 bucket for the internal ALB's access logs, plus a second bucket receiving the first one's
 * S3 server access logs. ELB log delivery supports SSE-S3 only, so neither bucket uses KMS.
 */
export class AlbAccessLogs extends Construct {
  public readonly bucket: s3.Bucket;
  /** Destination of `bucket`'s S3 server access logs. */
  public readonly serverAccessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AlbAccessLogsProps) {
    super(scope, id);
    const common = sseS3LogBucketProps(props.retentionDays);
    this.serverAccessLogsBucket = new s3.Bucket(this, 'ServerAccessLogs', common);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...common,
      serverAccessLogsBucket: this.serverAccessLogsBucket,
      serverAccessLogsPrefix: 'alb-access-logs/',
    });

    const sseS3Only = 'Elastic Load Balancing delivers access logs only to buckets encrypted with SSE-S3 (AES-256); S3 server access logs likewise.';
    const logsOnly = 'Holds only machine-written logs that expire after the log retention period; a replica would double the copies of data kept for audit, not protect a primary workload.';
    const lockConflicts = 'Log objects expire by lifecycle after the retention period; a default Object Lock retention would conflict with that and is not required for operational logs.';
    for (const bucket of [this.bucket, this.serverAccessLogsBucket]) {
      acknowledge(bucket,
        ...inEveryCompliancePack('S3DefaultEncryptionKMS', sseS3Only),
        ...inEveryCompliancePack('S3BucketReplicationEnabled', logsOnly),
        ...inEveryCompliancePack('S3BucketDefaultLockEnabled', lockConflicts),
      );
    }
    const terminal = 'This bucket is the destination of the ALB log bucket\'s server access logs; logging it as well would need a further bucket (or log into itself) without adding an audit trail.';
    acknowledge(this.serverAccessLogsBucket,
      { id: 'AwsSolutions-S1', reason: terminal },
      ...inEveryCompliancePack('S3BucketLoggingEnabled', terminal),
    );
  }
}
