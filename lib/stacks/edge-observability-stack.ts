import { Stack, aws_cloudfront as cloudfront, aws_lambda as lambda, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ObservabilityAlarmTopics } from '../constructs/observability-alarm-topics';
import { ObservabilityDashboard } from '../constructs/observability-dashboard';
import { ObservabilityEdgeAlarms } from '../constructs/observability-edge-alarms';
import { breakerStateFunctionName } from '../constructs/resilience-breaker-state';
import type { ApiStack } from './api-stack';
import type { AuditStack } from './audit-stack';
import type { CdnStack } from './cdn-stack';
import type { EdgeStack } from './edge-stack';
import type { GatewayStackProps } from './gateway-stack-props';
import { deployedBreakerPlans } from './observability-stack';
import { API_STAGE_NAME, resourcePrefix } from '../contract/resource-names';

export interface EdgeObservabilityStackProps extends GatewayStackProps {
  readonly edge: EdgeStack;
  readonly cdn: CdnStack;
  /** Read for literal names only (no cross-region references). */
  readonly api: ApiStack;
  readonly audit: AuditStack;
}

/**
 * us-east-1: WAF and CloudFront alarms (their metrics exist only here), CloudFront additional
 * metrics when the edge caches, and the environment's dashboard. The dashboard lives here because
 * it is the only place that can name the distribution without a cross-region reference; the
 * regional metrics are addressed by their (literal) names and region.
 */
export class EdgeObservabilityStack extends Stack {
  public readonly topics: ObservabilityAlarmTopics;
  public readonly alarms: ObservabilityEdgeAlarms;
  public readonly dashboard: ObservabilityDashboard;

  constructor(scope: Construct, id: string, props: EdgeObservabilityStackProps) {
    super(scope, id, props);
    const { gateway, api, audit } = props;
    const { config, profile } = gateway;
    const prefix = resourcePrefix(gateway);
    const webAclMetricName = literal((props.edge.webAcl.webAcl.visibilityConfig as wafv2.CfnWebACL.VisibilityConfigProperty).metricName, 'web ACL metric name');
    const authorizerFunctionName = literal((api.authorizerFunction.node.defaultChild as lambda.CfnFunction).functionName, 'authorizer function name');
    const distributionId = props.cdn.distribution.distributionId;
    const edgeCaches = config.routes.some((r) => (r.cache?.cdn_ttl ?? 0) > 0);

    if (edgeCaches) {
      // CacheHitRate and OriginLatency are CloudFront "additional metrics" (billed per distribution).
      new cloudfront.CfnMonitoringSubscription(this, 'CdnAdditionalMetrics', {
        distributionId,
        monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' } },
      });
    }

    this.topics = new ObservabilityAlarmTopics(this, 'Topics', { prefix: `${prefix}-edge`, alerting: config.alerting, paging: false });
    this.alarms = new ObservabilityEdgeAlarms(this, 'Alarms', { prefix, webAclMetricName, distributionId, fastBurnErrorRate: profile.alarms.fastBurnErrorRate });
    this.topics.notifyOn(this.alarms.wafBlockSpike);
    this.topics.notifyOn(this.alarms.edgeServerErrors);

    this.dashboard = new ObservabilityDashboard(this, 'Dashboard', {
      dashboardName: prefix,
      environment: gateway.name,
      apiRegion: gateway.env.region,
      apiName: api.restApi.restApiName,
      stageName: API_STAGE_NAME,
      authorizerFunctionName,
      transformerFunctionName: audit.pipeline.transformerFunctionName,
      deliveryStreamName: audit.pipeline.deliveryStreamName,
      tiers: config.tiers.map((t) => t.name),
      stageCache: config.routes.some((r) => r.cache !== undefined),
      webAclMetricName,
      distributionId,
      edgeCacheMetrics: edgeCaches,
      targets: { p99LatencyMs: config.targets.p99_latency_ms, availability: config.targets.availability },
      breakers: {
        account: gateway.env.account,
        alarmNames: deployedBreakerPlans(gateway).map((p) => p.alarmName),
        stateFunctionName: breakerStateFunctionName(prefix),
      },
    });
  }
}

function literal(value: string | undefined, what: string): string {
  if (!value || value.includes('${Token')) throw new Error(`the edge observability stack needs the ${what} as a literal (found ${value ?? 'none'})`);
  return value;
}
