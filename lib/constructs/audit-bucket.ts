import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import { sseS3LogBucketProps } from './log-bucket';

/** Where each kind of object lives in the audit bucket. */
export const AUDIT_PREFIX = {
  records: 'audit/',
  failed: 'failed/',
  cloudtrail: 'cloudtrail',
} as const;

export interface AuditBucketProps {
  /** Days every object is kept, locked, then deleted (`profile.auditRetentionDays`). */
  readonly retentionDays: number;
  /** Customer-managed key of the objects. */
  readonly key: kms.IKey;
}

/** One lifecycle transition of the audit trail. */
export interface Transition { readonly storageClass: s3.StorageClass; readonly afterDays: number }

/**
 * Storage classes by age, each used only when an object stays in it at least as long as the
 * class's minimum storage charge: Standard-IA (30 days), Glacier Instant Retrieval (90 days,
 * millisecond reads for audits), Deep Archive (180 days, 12 h restore) only past a year.
 */
export function auditTransitions(retentionDays: number): Transition[] {
  const out: Transition[] = [];
  if (retentionDays >= 30 + 30) out.push({ storageClass: s3.StorageClass.INFREQUENT_ACCESS, afterDays: 30 });
  if (retentionDays >= 90 + 90) out.push({ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, afterDays: 90 });
  if (retentionDays >= 365 + 180) out.push({ storageClass: s3.StorageClass.DEEP_ARCHIVE, afterDays: 365 });
  return out;
}

/**
 * The audit trail bucket: SSE-KMS with a customer key, versioned, Object Lock in COMPLIANCE mode
 * with the retention as default (nobody, root included, can delete or shorten it), lifecycle to
 * cheaper storage and expiry right after the retention, TLS only, no public access, and S3
 * server access logs (who read the trail) in a second bucket kept as long.
 */
export class AuditBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AuditBucketProps) {
    super(scope, id);
    const { retentionDays } = props;
    // S3 server access logging delivers only to SSE-S3 buckets.
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', sseS3LogBucketProps(retentionDays));

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(retentionDays)),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'audit-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'retention',
          transitions: auditTransitions(retentionDays).map((t) => ({ storageClass: t.storageClass, transitionAfter: Duration.days(t.afterDays) })),
          // After the lock ends: the current version becomes noncurrent, then is deleted a day later.
          expiration: Duration.days(retentionDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { id: 'delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
    const noReplica = 'The audit trail is protected by Object Lock in COMPLIANCE mode and versioning in one region (11 nines durability); a cross-region replica would need a second-region bucket stack and would hold a second copy of personal data (GDPR storage limitation). Tracked as a follow-up for regulated tenants that require geographic redundancy.';
    acknowledge(this.bucket, ...inEveryCompliancePack('S3BucketReplicationEnabled', noReplica));

    const sseS3Only = 'S3 server access logs are delivered only to buckets encrypted with SSE-S3 (AES-256); SSE-KMS is not supported for the log destination.';
    const terminal = 'This bucket is the destination of the audit bucket\'s server access logs; logging it too would need a further bucket without adding to the trail.';
    const noLock = 'Access logs of the audit bucket expire by lifecycle after the audit retention; they are operational evidence of reads, not the audit records themselves, and a default Object Lock would block that expiry.';
    acknowledge(this.accessLogsBucket,
      { id: 'AwsSolutions-S1', reason: terminal },
      ...inEveryCompliancePack('S3BucketLoggingEnabled', terminal),
      ...inEveryCompliancePack('S3DefaultEncryptionKMS', sseS3Only),
      ...inEveryCompliancePack('S3BucketReplicationEnabled', noReplica),
      ...inEveryCompliancePack('S3BucketDefaultLockEnabled', noLock),
    );
  }
}
