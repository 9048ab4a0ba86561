import { existsSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BREAKER_STATE_BUNDLING, BREAKER_STATE_ENTRY } from '../../lambdas/breaker-state/bundling';
import { BREAKER_STATE_ENV, breakerStateDefine, type BreakerStateConfig } from '../../lambdas/breaker-state/config';
import { ALARM_EVENT_SOURCE, ALARM_STATE_CHANGE, MAINTENANCE_SOURCE } from '../../lambdas/breaker-state/events';
import { RECONCILE_MINUTES } from '../resilience/breaker-alarm-plan';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import { BREAKER_STATE_SERVICE, METRICS_NAMESPACE } from '../observability/metric-names';
import { nodejsBundling, vpcFunctionBase, vpcFunctionRoleAcknowledgements } from './lambda-in-vpc';

export interface ResilienceBreakerStateProps {
  /** `<gateway>-<environment>`: the function is `<prefix>-breaker-state`. */
  readonly prefix: string;
  /** Baked into the bundle: the services, their alarms and waits (toBreakerStateConfig). */
  readonly config: BreakerStateConfig;
  /** The alarms whose state changes drive the records (one per service: metric or composite). */
  readonly stateAlarmNames: readonly string[];
  /** ARNs of the metric alarms DescribeAlarms may read (the only CloudWatch permission). */
  readonly metricAlarmArns: readonly string[];
  /** As the authorizer: private subnets with egress, and the security group the cache admits. */
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The rate-limit cache (ElastiCache, TLS), where the authorizer reads the records. */
  readonly rateLimitCache: { readonly endpointAddress: string; readonly port: string };
  readonly logGroup: logs.ILogGroup;
}

/** `<prefix>-breaker-state`: the dashboard names it without a reference. */
export function breakerStateFunctionName(prefix: string): string {
  return `${prefix}-breaker-state`;
}

/**
 * How long a state change may wait to be applied (Lambda's asynchronous retries come after about
 * 1 and 2 minutes). An older one is dropped rather than applied after a later change.
 */
export const MAX_STATE_EVENT_AGE = Duration.minutes(15);

/**
 * EventBridge's default quota on an event pattern's size (characters; raisable to 4,096). The
 * alarm names are listed exactly, so a gateway with many services gets several alarm rules.
 */
export const EVENT_PATTERN_MAX_CHARS = 2048;

/** The alarm rules' patterns: every name listed once, in order, each pattern within {@link EVENT_PATTERN_MAX_CHARS}. */
export function alarmStatePatterns(alarmNames: readonly string[], maxChars = EVENT_PATTERN_MAX_CHARS): Array<{ source: string[]; 'detail-type': string[]; detail: { alarmName: string[] } }> {
  const pattern = (names: string[]) => ({ source: [ALARM_EVENT_SOURCE], 'detail-type': [ALARM_STATE_CHANGE], detail: { alarmName: names } });
  const patterns: Array<ReturnType<typeof pattern>> = [];
  for (const name of alarmNames) {
    const last = patterns[patterns.length - 1];
    if (last && JSON.stringify(pattern([...last.detail.alarmName, name])).length <= maxChars) last.detail.alarmName.push(name);
    else if (JSON.stringify(pattern([name])).length <= maxChars) patterns.push(pattern([name]));
    else throw new RangeError(`alarm name ${name} alone makes an event pattern longer than ${maxChars} characters`);
  }
  return patterns;
}

/**
 * The function that turns breaker alarm state changes and operators' maintenance events into
 * the breaker records the authorizer reads (lambdas/breaker-state/), and the two EventBridge
 * rules that invoke it. Maintenance is switched by putting an event with source
 * `gatehouse.breaker` on the default bus (lambdas/breaker-state/events.ts): whoever may call
 * events:PutEvents in the account may force a service's breaker open.
 *
 * One invocation at a time (reserved concurrency 1): each change reads the record, decides and
 * writes its 16,384 copies, and two changes of one service interleaved could leave the older
 * one written last.
 */
export class ResilienceBreakerState extends Construct {
  public readonly function: nodejs.NodejsFunction;
  /** Usually one; more when the alarm names do not fit one pattern ({@link alarmStatePatterns}). */
  public readonly alarmRules: readonly events.Rule[];
  public readonly maintenanceRule: events.Rule;
  public readonly reconcileRule: events.Rule;

  constructor(scope: Construct, id: string, props: ResilienceBreakerStateProps) {
    super(scope, id);
    if (!existsSync(BREAKER_STATE_ENTRY)) throw new Error(`The breaker-state entry ${BREAKER_STATE_ENTRY} does not exist`);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName: breakerStateFunctionName(props.prefix),
      description: 'Gatehouse circuit breakers: alarm state changes and maintenance -> breaker records in the rate-limit cache',
      entry: BREAKER_STATE_ENTRY,
      ...vpcFunctionBase(props),
      memorySize: 256,
      // 16,384 pipelined writes take well under a second; the rest covers a cold TLS handshake.
      timeout: Duration.seconds(30),
      reservedConcurrentExecutions: 1,
      environment: {
        [BREAKER_STATE_ENV.redisUrl]: `rediss://${props.rateLimitCache.endpointAddress}:${props.rateLimitCache.port}`,
        POWERTOOLS_SERVICE_NAME: BREAKER_STATE_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: nodejsBundling(BREAKER_STATE_BUNDLING, breakerStateDefine(props.config)),
    });
    this.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: MAX_STATE_EVENT_AGE });
    this.function.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ReadBreakerAlarmStates',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [...props.metricAlarmArns],
    }));

    const target = new targets.LambdaFunction(this.function);
    this.alarmRules = alarmStatePatterns(props.stateAlarmNames).map((pattern, i) => new events.Rule(this, i === 0 ? 'AlarmStateChanges' : `AlarmStateChanges${i + 1}`, {
      ruleName: `${props.prefix}-breaker-alarms${i === 0 ? '' : `-${i + 1}`}`,
      description: 'State changes of the circuit breaker alarms -> breaker-state function',
      eventPattern: { source: pattern.source, detailType: pattern['detail-type'], detail: pattern.detail },
      targets: [target],
    }));
    // Repairs a record whose change was lost (writes failed after the retries) or reordered.
    this.reconcileRule = new events.Rule(this, 'Reconcile', {
      ruleName: `${props.prefix}-breaker-reconcile`,
      description: `Every ${RECONCILE_MINUTES} minutes: each breaker record brought back to its alarm's state -> breaker-state function`,
      schedule: events.Schedule.rate(Duration.minutes(RECONCILE_MINUTES)),
      targets: [target],
    });
    // Any event of the source: the function refuses (and logs) a malformed or unknown one, where a
    // narrower pattern would drop an operator's typo without a trace.
    this.maintenanceRule = new events.Rule(this, 'Maintenance', {
      ruleName: `${props.prefix}-breaker-maintenance`,
      description: 'Operators\' maintenance switches (source gatehouse.breaker) -> breaker-state function',
      eventPattern: { source: [MAINTENANCE_SOURCE] },
      targets: [target],
    });

    acknowledge(this.function,
      ...vpcFunctionRoleAcknowledgements('cloudwatch:DescribeAlarms is scoped to the breaker metric alarms\' ARNs.'),
      ...inEveryCompliancePack('IAMNoInlinePolicy', 'CDK-generated default policy of the breaker-state role (X-Ray writes, DescribeAlarms of the breaker alarms), scoped to this one role; it is versioned with the stack.'),
      ...inEveryCompliancePack('LambdaDLQ', 'Invoked asynchronously by EventBridge with 2 retries; a state change still failing is logged with its event and counted in the function\'s Errors (dashboard), and an older change is dropped after 15 minutes rather than applied out of order. A dead-letter queue would add sqs:SendMessage to a role kept to DescribeAlarms, for events nobody may replay late.'),
    );
  }
}
