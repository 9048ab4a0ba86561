import { Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { breakerAlarmPlans, type BreakerAlarmPlan } from '../resilience/breaker-alarm-plan';
import { toBreakerStateConfig } from '../../lambdas/breaker-state/config';
import { LOG_GROUP_REMOVAL, toRetention } from '../constructs/api-log-groups';
import { allowCloudWatchLogsToUseKey, accountLogGroupsArn } from '../constructs/cloudwatch-logs-key';
import { ObservabilityAlarmTopics } from '../constructs/observability-alarm-topics';
import { ObservabilityComponentAlarms } from '../constructs/observability-component-alarms';
import { ObservabilitySloAlarms } from '../constructs/observability-slo-alarms';
import { ResilienceBreakerAlarms } from '../constructs/resilience-breaker-alarms';
import { breakerStateFunctionName, ResilienceBreakerState } from '../constructs/resilience-breaker-state';
import type { GatewayEnvironment } from '../config/environments';
import type { ApiStack } from './api-stack';
import type { AuditStack } from './audit-stack';
import type { DataStack } from './data-stack';
import type { GatewayStackProps } from './gateway-stack-props';
import type { NetworkStack } from './network-stack';
import { API_STAGE_NAME, resourcePrefix } from '../contract/resource-names';

export interface ObservabilityStackProps extends GatewayStackProps {
  readonly api: ApiStack;
  readonly audit: AuditStack;
  /** The circuit breakers: target groups (alarms), VPC and Lambda security group (state function). */
  readonly network: NetworkStack;
  /** The rate-limit cache the breaker records live in. */
  readonly data: DataStack;
}

/**
 * The circuit breakers of an environment (lambdas/breaker-state/alarm-plan.ts): none without a
 * shared Redis (`rate_limiting.strategy: local`), where no record could reach every authorizer.
 */
export function deployedBreakerPlans(gateway: GatewayEnvironment): BreakerAlarmPlan[] {
  return gateway.config.rate_limiting.strategy === 'redis' ? breakerAlarmPlans(resourcePrefix(gateway), gateway.config) : [];
}

/**
 * Regional alarms of one environment: SLO alarms from `targets` (burn rates, p99 latency, 5xx
 * ratio), component alarms (authorizer, limiter, audit pipeline), the circuit breakers' alarms
 * with the function that turns their state changes into breaker records, and the topics they
 * notify. The dashboard and the CloudFront/WAF alarms live in EdgeObservabilityStack (us-east-1).
 *
 * The breakers live here, not in the API stack: they are alarms and their reaction, and the API
 * stack's 500 resources are kept for routes (lib/checks/deploy-rules.ts estimates them).
 */
export class ObservabilityStack extends Stack {
  public readonly topics: ObservabilityAlarmTopics;
  public readonly slo: ObservabilitySloAlarms;
  public readonly components: ObservabilityComponentAlarms;
  /** Undefined without breakers (none enabled, or no shared Redis). */
  public readonly breakerAlarms?: ResilienceBreakerAlarms;
  public readonly breakerState?: ResilienceBreakerState;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { gateway, api, audit } = props;
    const prefix = resourcePrefix(gateway);

    this.topics = new ObservabilityAlarmTopics(this, 'Topics', { prefix, alerting: gateway.config.alerting });
    this.slo = new ObservabilitySloAlarms(this, 'Slo', {
      prefix,
      apiName: api.restApi.restApiName,
      stageName: API_STAGE_NAME,
      alarms: gateway.profile.alarms,
    });
    this.topics.pageOn(this.slo.paging);
    this.topics.notifyOn(this.slo.serverErrorRate);

    this.components = new ObservabilityComponentAlarms(this, 'Components', {
      prefix,
      accessLogGroup: api.accessLogGroup,
      auditTransformerFunctionName: audit.pipeline.transformerFunctionName,
      auditDeliveryStreamName: audit.pipeline.deliveryStreamName,
    });
    for (const alarm of this.components.all) this.topics.notifyOn(alarm);

    const plans = deployedBreakerPlans(gateway);
    const cache = props.data.rateLimitCache;
    if (plans.length === 0 || !cache) return;
    this.breakerAlarms = new ResilienceBreakerAlarms(this, 'BreakerAlarms', {
      plans,
      apiName: api.restApi.restApiName,
      stageName: API_STAGE_NAME,
      targetGroups: props.network.targetGroupDimensions,
    });
    // An open breaker is worth a ticket (the upstream is failing); the shedding itself is automatic.
    for (const alarm of this.breakerAlarms.byService.values()) this.topics.notifyOn(alarm);
    this.breakerState = new ResilienceBreakerState(this, 'BreakerState', {
      prefix,
      config: toBreakerStateConfig(plans),
      stateAlarmNames: plans.map((p) => p.alarmName),
      metricAlarmArns: this.breakerAlarms.metricAlarms.map((a) => a.alarmArn),
      vpc: props.network.vpc,
      securityGroup: props.network.lambdaSecurityGroup,
      rateLimitCache: cache,
      logGroup: this.breakerStateLogGroup(gateway, `/aws/lambda/${breakerStateFunctionName(prefix)}`),
    });
  }

  /**
   * The state function's log group, with the retention of every log group; under a compliance
   * profile encrypted with the topics' customer-managed key, which CloudWatch Logs may use for
   * this group only.
   */
  private breakerStateLogGroup(gateway: GatewayEnvironment, logGroupName: string): logs.LogGroup {
    const { profile } = gateway;
    const key = profile.customerManagedKeys ? this.topics.key : undefined;
    if (key) allowCloudWatchLogsToUseKey(key, { sid: 'BreakerStateLogs', logGroupArn: accountLogGroupsArn(key).replace(/\*$/, logGroupName) });
    return new logs.LogGroup(this, 'BreakerStateLogs', {
      logGroupName,
      retention: toRetention(profile.logRetentionDays),
      encryptionKey: key,
      removalPolicy: LOG_GROUP_REMOVAL,
    });
  }
}
