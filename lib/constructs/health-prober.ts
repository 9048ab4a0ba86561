import { existsSync } from 'node:fs';
import { ArnFormat, Duration, Stack, type CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { HEALTH_PROBER_BUNDLING, HEALTH_PROBER_ENTRY } from '../../lambdas/health-prober/bundling';
import { HEALTH_PROBER_ENV, type HealthProberConfig } from '../../lambdas/health-prober/config';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import { HEALTH_PROBER_SERVICE } from '../contract/routing-plan';
import { METRICS_NAMESPACE } from '../observability/metric-names';
import { TRACING } from '../observability/tracing';
import { LOG_GROUP_REMOVAL, toRetention } from './api-log-groups';
import { allowCloudWatchLogsToUseKey } from './cloudwatch-logs-key';
import { nodejsBundling } from './lambda-in-vpc';

export interface HealthProberProps {
  /** `<gateway>-<environment>`: the function and its schedule are `<prefix>-health-prober`. */
  readonly prefix: string;
  /** The observer's part of the routing plan (toHealthProberConfig), set as an environment variable. */
  readonly config: HealthProberConfig;
  /**
   * The KMS key the origin-verify secret is encrypted with in this region: the edge stack's key in
   * us-east-1 when the profile asks for customer-managed keys; undefined for aws/secretsmanager
   * (a replica, or no customer-managed keys).
   */
  readonly originVerifyKeyArn?: string;
  readonly logRetentionDays: number;
  /** Encrypt the function's log group with a customer-managed key (`profile.customerManagedKeys`). */
  readonly customerManagedKey: boolean;
}

/** `<prefix>-health-prober`: the dashboard and the runbook name it without a reference. */
export function healthProberFunctionName(prefix: string): string {
  return `${prefix}-health-prober`;
}

/**
 * The function's timeout: the last probe starts (probes - 1) x interval after the run, and has
 * timeout_ms; 5 s more for a cold start's lookups. At most 60 s (6 probes of 5 s, the schema's
 * ceilings), so a run ends before the next minute's.
 */
export function proberTimeout(probe: HealthProberConfig['probe']): Duration {
  return Duration.seconds(Math.ceil(((probe.probesPerPeriod - 1) * probe.intervalMs + probe.timeoutMs) / 1000) + 5);
}

/**
 * The health prober (lambdas/health-prober/) and its EventBridge Scheduler schedule, every
 * minute. Outside any VPC: it calls the regions' public regional endpoints, as CloudFront does,
 * and the control planes of API Gateway and Secrets Manager. A missed or failed run is never
 * retried (the next minute's run replaces it): its period has no data and the health checks keep
 * their last status.
 */
export class HealthProber extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly schedule: scheduler.Schedule;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HealthProberProps) {
    super(scope, id);
    if (!existsSync(HEALTH_PROBER_ENTRY)) throw new Error(`The health-prober entry ${HEALTH_PROBER_ENTRY} does not exist`);
    const stack = Stack.of(this);
    const functionName = healthProberFunctionName(props.prefix);
    const { config } = props;

    let key: kms.Key | undefined;
    if (props.customerManagedKey) {
      key = new kms.Key(this, 'LogsKey', { description: `${props.prefix} health prober logs`, enableKeyRotation: true });
      allowCloudWatchLogsToUseKey(key, { logGroupArn: stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/lambda/${functionName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) });
    }
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: toRetention(props.logRetentionDays),
      encryptionKey: key,
      removalPolicy: LOG_GROUP_REMOVAL,
    });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName,
      description: 'Gatehouse health: probes GET /_gatehouse/health of every region, publishes HealthProbeFailures per region',
      entry: HEALTH_PROBER_ENTRY,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: TRACING.lambdaMode === 'Active' ? lambda.Tracing.ACTIVE : lambda.Tracing.PASS_THROUGH,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      memorySize: 256,
      timeout: proberTimeout(config.probe),
      // One run a minute; two allow a late run to overlap the next instead of being throttled.
      reservedConcurrentExecutions: 2,
      environment: {
        [HEALTH_PROBER_ENV.config]: JSON.stringify(config),
        POWERTOOLS_SERVICE_NAME: HEALTH_PROBER_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: nodejsBundling(HEALTH_PROBER_BUNDLING, {}),
    });
    this.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });

    this.function.addToRolePolicy(new iam.PolicyStatement({
      sid: 'LookUpRegionalDomainNames',
      actions: ['apigateway:GET'],
      resources: config.targets.map((region) => `arn:${stack.partition}:apigateway:${region}::/domainnames/${config.probe.host}`),
    }));
    this.function.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ReadOriginVerifySecret',
      actions: ['secretsmanager:GetSecretValue'],
      // Secrets Manager appends 6 random characters to a secret's ARN.
      resources: [`arn:${stack.partition}:secretsmanager:${stack.region}:${stack.account}:secret:${config.originVerify.secretName}-??????`],
    }));
    if (props.originVerifyKeyArn) {
      this.function.addToRolePolicy(new iam.PolicyStatement({
        sid: 'DecryptOriginVerifySecret',
        actions: ['kms:Decrypt'],
        resources: [props.originVerifyKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
      }));
    }

    // The schedule's own role, here rather than CDK's stack-level one, so its findings are acknowledged beside it.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      description: `EventBridge Scheduler invokes ${functionName}`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: functionName,
      description: 'Every minute: one run of the health prober (probes_per_period probes of every region)',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
      target: new schedulerTargets.LambdaInvoke(this.function, {
        role: scheduleRole,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
        // The metrics' timestamp: one run per minute whatever the delivery delay (lambdas/health-prober/round.ts).
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
      }),
    });

    acknowledge(this.function,
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK-managed execution role: the AWS policy only allows writing the function\'s own CloudWatch logs.',
      },
      ...inEveryCompliancePack('LambdaInsideVPC', 'The prober calls the regions\' public regional API endpoints (as CloudFront does) and the API Gateway and Secrets Manager control planes; a VPC in the observer region would add NAT gateways and their failure modes to the one function that must see a region fail, and isolate nothing.'),
      ...inEveryCompliancePack('LambdaDLQ', 'Invoked by EventBridge Scheduler every minute without retries: a failed run is a period without data, which the health checks ride out on their last status, and the next minute\'s run replaces it; a replayed run would probe a past minute.'),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions. The other grants name their resources: the probed custom domains and the origin-verify secret (whose ARN ends in 6 random characters, hence -??????).',
      },
      ...inEveryCompliancePack('IAMNoInlinePolicy', 'CDK-generated default policy of the prober\'s role (X-Ray writes, apigateway:GET of the probed custom domains, the origin-verify secret), scoped to this one role; it is versioned with the stack.'),
    );
    const functionLogicalId = stack.getLogicalId(this.function.node.defaultChild as CfnElement);
    acknowledge(scheduleRole,
      { id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`, reason: 'CDK\'s grantInvoke of the prober to the schedule\'s role: the function and its versions, nothing else.' },
      ...inEveryCompliancePack('IAMNoInlinePolicy', 'CDK-generated policy of the schedule\'s role: lambda:InvokeFunction of the prober only.'),
    );
  }
}
