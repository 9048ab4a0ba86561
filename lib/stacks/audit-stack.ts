import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AuditBucket } from '../constructs/audit-bucket';
import { AuditCloudTrail } from '../constructs/audit-cloudtrail';
import { protectLogGroup } from '../constructs/audit-data-protection';
import { AuditPipeline } from '../constructs/audit-pipeline';
import { allowCloudWatchLogsToUseKey } from '../constructs/cloudwatch-logs-key';
import type { ApiStack } from './api-stack';
import type { GatewayStackProps } from './gateway-stack-props';
import { resourcePrefix } from '../contract/resource-names';

export interface AuditStackProps extends GatewayStackProps {
  readonly api: ApiStack;
  /**
   * The edge web ACL's log group (us-east-1): request data too, so it gets the data protection
   * policy. Given to the primary region's audit stack only: one group, one policy.
   */
  readonly edgeWafLogGroup?: logs.ILogGroup;
  /**
   * Whether this stack holds the control-plane trail. CloudTrail trails are multi-region (they
   * record every region's API calls), so a multi-region environment has one, in its primary.
   */
  readonly controlPlaneTrail: boolean;
}

/**
 * The audit trail of one environment: the locked S3 bucket, the pipeline from the API's log
 * groups through the masking transformer and Firehose, CloudTrail for control-plane changes, and
 * the CloudWatch Logs data protection policy on every log group that may hold request data.
 */
export class AuditStack extends Stack {
  public readonly key: kms.Key;
  public readonly bucket: AuditBucket;
  public readonly pipeline: AuditPipeline;
  /** Undefined outside the primary region (see {@link AuditStackProps.controlPlaneTrail}). */
  public readonly cloudTrail?: AuditCloudTrail;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);
    const { gateway, api } = props;
    const { config, profile } = gateway;
    const prefix = resourcePrefix(gateway);

    this.key = new kms.Key(this, 'Key', {
      description: `${prefix} audit trail: bucket, Firehose, CloudTrail and their log groups`,
      enableKeyRotation: true,
      alias: `alias/${prefix}-audit`,
    });
    allowCloudWatchLogsToUseKey(this.key, { sid: 'CloudWatchLogs' });
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailEncrypt',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${this.partition}:cloudtrail:*:${this.account}:trail/*` },
        StringEquals: { 'aws:SourceAccount': this.account },
      },
    }));
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudTrailDescribe',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
    }));

    this.bucket = new AuditBucket(this, 'AuditBucket', { retentionDays: profile.auditRetentionDays, key: this.key });

    if (!(api.authorizerFunction instanceof lambda.Function)) throw new Error('the audit stack needs the authorizer function defined in the API stack (for its log group)');
    const authorizerLogs: logs.ILogGroup = api.authorizerFunction.logGroup;
    const protection = { pii: config.audit.pii_masking, apiKeyHeader: config.identity.api_keys.header, compliance: config.compliance };
    // Every log group that may hold request data: access logs, authorizer logs, both WAF logs.
    for (const group of [api.accessLogGroup, authorizerLogs, api.originGuard.logGroup, props.edgeWafLogGroup]) if (group) protectLogGroup(group, protection);

    this.pipeline = new AuditPipeline(this, 'Pipeline', {
      gateway,
      bucket: this.bucket.bucket,
      key: this.key,
      sources: { Access: api.accessLogGroup, Authorizer: authorizerLogs },
    });

    if (!props.controlPlaneTrail) return;
    this.cloudTrail = new AuditCloudTrail(this, 'CloudTrail', {
      trailName: `${prefix}-control-plane`,
      bucket: this.bucket.bucket,
      key: this.key,
      logRetentionDays: profile.logRetentionDays,
    });
  }
}
