import { Stack, aws_cloudfront as cloudfront, aws_cloudwatch as cloudwatch, aws_lambda as lambda, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ObservabilityAlarmTopics } from '../constructs/observability-alarm-topics';
import { ObservabilityDashboard } from '../constructs/observability-dashboard';
import { ObservabilityEdgeAlarms } from '../constructs/observability-edge-alarms';
import { ObservabilityGlobalDashboard } from '../constructs/observability-global-dashboard';
import { HealthRotationAlarms, type HealthRotationAlarmsProps } from '../constructs/health-rotation-alarms';
import { breakerStateFunctionName } from '../constructs/resilience-breaker-state';
import type { RegionalGateway } from '../config/regions';
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
  /** Every region's API and audit stacks, primary first; read for literal names only (no cross-region references). */
  readonly regions: ReadonlyArray<{ readonly gateway: RegionalGateway; readonly api: ApiStack; readonly audit: AuditStack }>;
  /** Multi-region only: the routing plan and the Route 53 health checks (Health and Routing stacks). */
  readonly routing?: HealthRotationAlarmsProps;
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
  /** The primary region's dashboard. */
  public readonly dashboard: ObservabilityDashboard;
  /** Every region's dashboard, primary first. */
  public readonly dashboards: readonly ObservabilityDashboard[];
  /** Multi-region only: regions out of rotation, no region healthy. */
  public readonly rotation?: HealthRotationAlarms;
  /** Multi-region only: CloudFront's 5xx fast burn OR no region healthy (a page). */
  public readonly globalAvailability?: cloudwatch.CompositeAlarm;
  /** Multi-region only. */
  public readonly globalDashboard?: ObservabilityGlobalDashboard;

  /**
   * D9 of decision 0026: a ticket when a region leaves rotation; a page when viewers are failing
   * whatever the regions do: CloudFront's own 5xx fast burn, or no region healthy. Alarms
   * cannot read another region's metrics (F18), so this composite holds only us-east-1
   * signals; each region keeps paging on its own SLO alarms.
   */
  private acrossRegions(props: EdgeObservabilityStackProps, routing: HealthRotationAlarmsProps, distributionId: string) {
    const prefix = resourcePrefix(props.gateway);
    const rotation = new HealthRotationAlarms(this, 'HealthRotation', routing);
    for (const alarm of Object.values(rotation.outOfRotation)) this.topics.notifyOn(alarm);
    const globalAvailability = new cloudwatch.CompositeAlarm(this, 'GlobalAvailability', {
      compositeAlarmName: `${prefix}-global-availability`,
      alarmDescription: 'Viewers are failing across regions: CloudFront\'s 5xx error rate burns the error budget fast, or no region passes its health probes. Page. Each region\'s dashboard shows where.',
      alarmRule: cloudwatch.AlarmRule.anyOf(cloudwatch.AlarmRule.fromAlarm(this.alarms.edgeServerErrors, cloudwatch.AlarmState.ALARM), cloudwatch.AlarmRule.fromAlarm(rotation.noRegionHealthy, cloudwatch.AlarmState.ALARM)),
    });
    this.topics.pageOn(globalAvailability);
    const globalDashboard = new ObservabilityGlobalDashboard(this, 'GlobalDashboard', {
      dashboardName: `${prefix}-global`,
      environment: props.gateway.name,
      regions: props.regions.map(({ gateway: here, api }) => ({
        region: here.env.region, apiName: api.restApi.restApiName, stageName: API_STAGE_NAME, healthCheckId: routing.healthCheckIds[here.env.region],
      })),
      distributionId,
      availabilityTarget: props.gateway.config.targets.availability,
      healthMetricsRegion: 'us-east-1',
    });
    return { rotation, globalAvailability, globalDashboard };
  }

  constructor(scope: Construct, id: string, props: EdgeObservabilityStackProps) {
    super(scope, id, props);
    const { gateway } = props;
    const { config, profile } = gateway;
    const prefix = resourcePrefix(gateway);
    const webAclMetricName = literal((props.edge.webAcl.webAcl.visibilityConfig as wafv2.CfnWebACL.VisibilityConfigProperty).metricName, 'web ACL metric name');
    const distributionId = props.cdn.distribution.distributionId;
    const edgeCaches = config.routes.some((r) => (r.cache?.cdn_ttl ?? 0) > 0);

    if (edgeCaches) {
      // CacheHitRate and OriginLatency are CloudFront "additional metrics" (billed per distribution).
      new cloudfront.CfnMonitoringSubscription(this, 'CdnAdditionalMetrics', {
        distributionId,
        monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: 'Enabled' } },
      });
    }

    // Paging here only across regions: the global availability alarm is the one page that
    // cannot live in a region (each region pages on its own SLO alarms).
    this.topics = new ObservabilityAlarmTopics(this, 'Topics', { prefix: `${prefix}-edge`, alerting: config.alerting, paging: props.routing !== undefined });
    this.alarms = new ObservabilityEdgeAlarms(this, 'Alarms', { prefix, webAclMetricName, distributionId, fastBurnErrorRate: profile.alarms.fastBurnErrorRate });
    this.topics.notifyOn(this.alarms.wafBlockSpike);
    this.topics.notifyOn(this.alarms.edgeServerErrors);

    // One dashboard per region (the primary's keeps the one-region name): the same rows, each
    // region's metrics; the edge widgets are the same distribution in each.
    this.dashboards = props.regions.map(({ gateway: here, api, audit }) => new ObservabilityDashboard(this, here.isPrimary ? 'Dashboard' : `Dashboard-${here.env.region}`, {
      dashboardName: here.isPrimary ? prefix : `${prefix}-${here.env.region}`,
      environment: props.regions.length > 1 ? `${gateway.name} (${here.env.region})` : gateway.name,
      apiRegion: here.env.region,
      apiName: api.restApi.restApiName,
      stageName: API_STAGE_NAME,
      authorizerFunctionName: literal((api.authorizerFunction.node.defaultChild as lambda.CfnFunction).functionName, 'authorizer function name'),
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
        alarmNames: deployedBreakerPlans(here).map((p) => p.alarmName),
        stateFunctionName: breakerStateFunctionName(prefix),
      },
    }));
    this.dashboard = this.dashboards[0];
    if (props.routing) ({ rotation: this.rotation, globalAvailability: this.globalAvailability, globalDashboard: this.globalDashboard } = this.acrossRegions(props, props.routing, distributionId));
  }
}

function literal(value: string | undefined, what: string): string {
  if (!value || value.includes('${Token')) throw new Error(`the edge observability stack needs the ${what} as a literal (found ${value ?? 'none'})`);
  return value;
}
