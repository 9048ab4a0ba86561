import { join } from 'node:path';
import { type CfnElement, Duration, Size, Stack } from 'aws-cdk-lib';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AUDIT_TRANSFORMER_ENV } from '../../lambdas/audit-transformer/settings';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import type { GatewayEnvironment } from '../config/environments';
import { AUDIT_TRANSFORMER_SERVICE, METRICS_NAMESPACE } from '../observability/metric-names';
import { TRACING } from '../observability/tracing';
import { AUDIT_PREFIX } from './audit-bucket';
import { LOG_GROUP_REMOVAL, toRetention } from './api-log-groups';
import { resourcePrefix } from '../contract/resource-names';

export const AUDIT_TRANSFORMER_ENTRY = join(__dirname, '../../lambdas/audit-transformer/handler.ts');
/**
 * Firehose hands the transformer at most this much input per invocation. Subscription payloads
 * are gzip (JSON logs compress 5-10x, and the answer is base64) and Lambda answers at most 6 MB,
 * so 0.25 MB in keeps the answer inside the limit (transform.ts fails any overflow to the error
 * prefix). Firehose accepts 0.2-3 MB; the CDK L2 only whole megabytes, hence the override below.
 */
export const PROCESSOR_BUFFER_MB = 0.25;

export interface AuditPipelineProps {
  readonly gateway: GatewayEnvironment;
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  /** Log groups whose events become audit records (access logs, authorizer logs). */
  readonly sources: Readonly<Record<string, logs.ILogGroup>>;
}

/**
 * Log groups -> subscription filters -> Firehose (SSE-KMS) -> transformer Lambda (decode,
 * normalise, mask) -> S3 audit bucket (GZIP, KMS). Records the transformer cannot process and
 * deliveries that keep failing land under `failed/<error-type>/` in the same locked bucket.
 */
export class AuditPipeline extends Construct {
  public readonly transformer: nodejs.NodejsFunction;
  public readonly deliveryStream: firehose.DeliveryStream;
  public readonly deliveryStreamName: string;
  public readonly transformerFunctionName: string;

  constructor(scope: Construct, id: string, props: AuditPipelineProps) {
    super(scope, id);
    const { gateway, key } = props;
    const { config, profile } = gateway;
    const prefix = resourcePrefix(gateway);
    this.transformerFunctionName = `${prefix}-audit-transformer`;
    this.deliveryStreamName = `${prefix}-audit`;
    const retention = toRetention(profile.logRetentionDays);

    const transformerLogs = new logs.LogGroup(this, 'TransformerLogs', {
      logGroupName: `/aws/lambda/${this.transformerFunctionName}`,
      retention, encryptionKey: key, removalPolicy: LOG_GROUP_REMOVAL,
    });
    this.transformer = new nodejs.NodejsFunction(this, 'Transformer', {
      functionName: this.transformerFunctionName,
      description: 'Gatehouse audit transformer: CloudWatch Logs payloads -> masked audit records (Firehose processor)',
      entry: AUDIT_TRANSFORMER_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      // Firehose waits up to 5 minutes for a processor; a 0.5 MB batch takes well under a second.
      timeout: Duration.minutes(1),
      // Firehose invokes with bounded parallelism; the cap keeps a log storm from starving the account.
      reservedConcurrentExecutions: 10,
      tracing: TRACING.lambdaMode === 'Active' ? lambda.Tracing.ACTIVE : lambda.Tracing.PASS_THROUGH,
      logGroup: transformerLogs,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        [AUDIT_TRANSFORMER_ENV.truncateClientIp]: String(profile.truncateClientIp),
        [AUDIT_TRANSFORMER_ENV.piiMasking]: String(config.audit.pii_masking),
        [AUDIT_TRANSFORMER_ENV.apiKeyHeader]: config.identity.api_keys.header,
        [AUDIT_TRANSFORMER_ENV.environment]: gateway.name,
        POWERTOOLS_SERVICE_NAME: AUDIT_TRANSFORMER_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // keepNames: errors keep their class names as Lambda's errorType (minified, they were `$s`).
        format: nodejs.OutputFormat.ESM, target: 'node24', minify: true, keepNames: true, sourceMap: true, mainFields: ['module', 'main'],
        // CommonJS dependencies (the X-Ray SDK under Powertools Tracer) call require() inside the ESM bundle.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });

    const deliveryLogs = new logs.LogGroup(this, 'DeliveryLogs', {
      logGroupName: `/aws/kinesisfirehose/${this.deliveryStreamName}`,
      retention, encryptionKey: key, removalPolicy: LOG_GROUP_REMOVAL,
    });
    this.deliveryStream = new firehose.DeliveryStream(this, 'Stream', {
      deliveryStreamName: this.deliveryStreamName,
      encryption: firehose.StreamEncryption.customerManagedKey(key),
      destination: new firehose.S3Bucket(props.bucket, {
        encryptionKey: key,
        compression: firehose.Compression.GZIP,
        dataOutputPrefix: `${AUDIT_PREFIX.records}${gateway.name}/!{timestamp:yyyy/MM/dd/HH}/`,
        errorOutputPrefix: `${AUDIT_PREFIX.failed}${gateway.name}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
        bufferingInterval: Duration.seconds(300),
        bufferingSize: Size.mebibytes(64),
        loggingConfig: new firehose.EnableLogging(deliveryLogs),
        processors: [new firehose.LambdaFunctionProcessor(this.transformer, {
          bufferInterval: Duration.seconds(60),
          bufferSize: Size.mebibytes(1),
          retries: 3,
        })],
      }),
    });

    // Records that do not fit the Lambda's answer are put back into this stream by the transformer
    // (lambdas/audit-transformer/requeue.ts). The ARN is built from the name, not taken from the
    // stream: the stream already depends on the function, whose role policy would close a cycle.
    this.transformer.addToRolePolicy(new iam.PolicyStatement({
      actions: ['firehose:PutRecordBatch'],
      resources: [Stack.of(this).formatArn({ service: 'firehose', resource: 'deliverystream', resourceName: this.deliveryStreamName })],
    }));

    const cfnStream = this.deliveryStream.node.defaultChild as firehose.CfnDeliveryStream;
    const s3Config = cfnStream.extendedS3DestinationConfiguration as firehose.CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty;
    const processor = (s3Config.processingConfiguration as firehose.CfnDeliveryStream.ProcessingConfigurationProperty).processors as firehose.CfnDeliveryStream.ProcessorProperty[];
    const parameters = processor[0].parameters as firehose.CfnDeliveryStream.ProcessorParameterProperty[];
    const size = parameters.findIndex((p) => p.parameterName === 'BufferSizeInMBs');
    cfnStream.addPropertyOverride(`ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors.0.Parameters.${size}.ParameterValue`, String(PROCESSOR_BUFFER_MB));

    for (const [name, logGroup] of Object.entries(props.sources)) {
      new logs.SubscriptionFilter(this, `${name}Subscription`, {
        logGroup,
        filterName: `${prefix}-audit-${name.toLowerCase()}`,
        destination: new destinations.FirehoseDestination(this.deliveryStream),
        filterPattern: logs.FilterPattern.allEvents(),
      });
    }

    const stack = Stack.of(this);
    const { region } = stack;
    acknowledge(this.transformer,
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK-managed execution role: the AWS policy only allows writing the function\'s own CloudWatch logs.',
      },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.' },
      ...inEveryCompliancePack('IAMNoInlinePolicy', 'CDK-generated default policy of the transformer role (X-Ray writes, firehose:PutRecordBatch on its own delivery stream), scoped to this one role and versioned with the stack.'),
      ...inEveryCompliancePack('LambdaDLQ', 'Firehose invokes the transformer synchronously and retries it; records that still fail are written by Firehose to the failed/processing-failed/ prefix of the locked audit bucket, so there is no asynchronous event to dead-letter.'),
      ...inEveryCompliancePack('LambdaInsideVPC', `The transformer talks only to AWS APIs: Firehose passes the records in and takes the result back, records that do not fit the answer go back to Firehose's regional endpoint (PutRecordBatch), metrics go out as EMF log lines. A VPC attachment in ${region} would add ENIs and a NAT path without isolating anything.`),
    );
    const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
    const firehoseGrants = 'CDK-generated grants of the Firehose roles, each scoped to one resource: read/write of objects in the audit bucket only (Firehose writes generated object names and cleans up failed multipart uploads; Object Lock still forbids deleting locked versions), data keys of the audit key only, and invoking the transformer\'s versions.';
    acknowledge(this.deliveryStream,
      ...['kms:GenerateDataKey*', 'kms:ReEncrypt*', 's3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*']
        .map((action) => ({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: firehoseGrants })),
      { id: `AwsSolutions-IAM5[Resource::<${logicalId(props.bucket)}.Arn>/*]`, reason: firehoseGrants },
      { id: `AwsSolutions-IAM5[Resource::<${logicalId(this.transformer)}.Arn>:*]`, reason: firehoseGrants },
      ...inEveryCompliancePack('IAMNoInlinePolicy', 'CDK-generated policies of the Firehose roles (write to the audit bucket, use the audit key, invoke the transformer, write delivery logs), scoped to this delivery stream.'),
    );
    acknowledge(this, ...inEveryCompliancePack('IAMNoInlinePolicy', 'CDK-generated policy of the role CloudWatch Logs assumes for the subscription: firehose:PutRecord* on this delivery stream only.'));
  }
}
