import { Duration, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/nag';

export interface CdnLogBucketProps {
  /** Days the access logs are kept. */
  readonly retentionDays: number;
  /** Encrypt with a customer-managed key (created here) instead of S3-managed keys. */
  readonly customerManagedKey: boolean;
}

/**
 * Destination of CloudFront standard (legacy) access logs.
 *
 * Legacy logging writes through the awslogsdelivery account with object ACLs, so the bucket
 * needs ACLs enabled (BucketOwnerPreferred ownership). It can write to an SSE-KMS bucket only
 * with a customer-managed key whose policy lets delivery.logs.amazonaws.com generate data keys
 * (the AWS-managed aws/s3 key does not work); that is what the customer key below is for.
 */
export class CdnLogBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly key?: kms.Key;

  constructor(scope: Construct, id: string, props: CdnLogBucketProps) {
    super(scope, id);
    if (props.customerManagedKey) {
      this.key = new kms.Key(this, 'Key', { description: 'CloudFront access logs', enableKeyRotation: true });
      this.key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudFrontLegacyLogDelivery',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
      }));
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: this.key ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: this.key,
      bucketKeyEnabled: this.key ? true : undefined,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{
        expiration: Duration.days(props.retentionDays),
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
    });
    const ownLog = 'This bucket is the access-log destination; logging it would need another log bucket with the same gap, without end.';
    const noReplica = 'Access logs are operational telemetry kept for the log retention period; a second-region copy would double personal data held without a recovery need.';
    acknowledge(this.bucket,
      { id: 'AwsSolutions-S1', reason: ownLog },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason: ownLog },
      { id: 'PCI.DSS.321-S3BucketLoggingEnabled', reason: ownLog },
      { id: 'HIPAA.Security-S3BucketLoggingEnabled', reason: ownLog },
      { id: 'NIST.800.53.R5-S3BucketReplicationEnabled', reason: noReplica },
      { id: 'PCI.DSS.321-S3BucketReplicationEnabled', reason: noReplica },
      { id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: noReplica },
    );
  }
}
