import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ObservabilityAlarmTopics } from '../constructs/observability-alarm-topics';
import { ObservabilityComponentAlarms } from '../constructs/observability-component-alarms';
import { ObservabilitySloAlarms } from '../constructs/observability-slo-alarms';
import type { ApiStack } from './api-stack';
import type { AuditStack } from './audit-stack';
import type { GatewayStackProps } from './gateway-stack-props';
import { API_STAGE_NAME, resourcePrefix } from '../contract/resource-names';

export interface ObservabilityStackProps extends GatewayStackProps {
  readonly api: ApiStack;
  readonly audit: AuditStack;
}

/**
 * Regional alarms of one environment: SLO alarms from `targets` (burn rates, p99 latency, 5xx
 * ratio), component alarms (authorizer, limiter, audit pipeline) and the topics they notify.
 * The dashboard and the CloudFront/WAF alarms live in EdgeObservabilityStack (us-east-1).
 */
export class ObservabilityStack extends Stack {
  public readonly topics: ObservabilityAlarmTopics;
  public readonly slo: ObservabilitySloAlarms;
  public readonly components: ObservabilityComponentAlarms;

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
  }
}
