import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Props of a bucket that receives machine-written logs delivered by AWS services that support
 * SSE-S3 only (ELB access logs, S3 server access logs): TLS only, private, owner-enforced,
 * versioned, retained, and expired after `retentionDays` (old versions after a day).
 */
export function sseS3LogBucketProps(retentionDays: number): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{
      expiration: Duration.days(retentionDays),
      noncurrentVersionExpiration: Duration.days(1),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    }],
  };
}
