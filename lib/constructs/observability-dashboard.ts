import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AUDIT_TRANSFORMER_SERVICE, AUTHORIZER_SERVICE, BREAKER_STATE_SERVICE, METRIC, METRIC_DIMENSION, METRICS_NAMESPACE } from '../observability/metric-names';
import { AUTHORIZER_FAILURES_METRIC } from './observability-component-alarms';

/** What the dashboard shows, by plain names: it may live in another region than the API. */
export interface DashboardSources {
  readonly dashboardName: string;
  readonly environment: string;
  readonly apiRegion: string;
  readonly apiName: string;
  readonly stageName: string;
  readonly authorizerFunctionName: string;
  readonly transformerFunctionName: string;
  readonly deliveryStreamName: string;
  readonly tiers: readonly string[];
  /** The stage cache is on (some route sets cache). */
  readonly stageCache: boolean;
  /** us-east-1: web ACL metric name and the distribution. */
  readonly webAclMetricName: string;
  readonly distributionId: string;
  /** CloudFront additional metrics (CacheHitRate, OriginLatency) are subscribed. */
  readonly edgeCacheMetrics: boolean;
  readonly targets: { readonly p99LatencyMs: number; readonly availability: number };
  /** The circuit breakers (lib/resilience/breaker-alarm-plan.ts); absent or empty: no breaker row. */
  readonly breakers?: {
    /** The API's account (the alarms' ARNs name it: the widget may show alarms of another region). */
    readonly account: string;
    /** One per service, `<prefix>-breaker-<service>`. */
    readonly alarmNames: readonly string[];
    readonly stateFunctionName: string;
  };
}

const PERIOD = Duration.minutes(1);
const W = 8;
const H = 6;

/**
 * One dashboard per environment: traffic and errors, latency percentiles, authorizer decisions
 * and throttles by tier, limiter fallback, caches, WAF and CloudFront (us-east-1), audit pipeline.
 * Every regional metric carries its region, so the dashboard is complete wherever it is created.
 */
export class ObservabilityDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, s: DashboardSources) {
    super(scope, id);
    const region = s.apiRegion;
    const edge = 'us-east-1';
    const m = (namespace: string, metricName: string, dimensionsMap: Record<string, string>, statistic = 'Sum', label?: string, r = region) =>
      new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period: PERIOD, region: r, label });
    const api = (name: string, stat = 'Sum', label?: string) => m('AWS/ApiGateway', name, { ApiName: s.apiName, Stage: s.stageName }, stat, label);
    const gh = (name: string, extra: Record<string, string> = {}, label?: string, service = AUTHORIZER_SERVICE) =>
      m(METRICS_NAMESPACE, name, { [METRIC_DIMENSION.service]: service, ...extra }, 'Sum', label);
    const search = (expression: string, label: string, r = region) => new cloudwatch.MathExpression({ expression, label, period: PERIOD, searchRegion: r });
    const graph = (title: string, left: cloudwatch.IMetric[], opts: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: W, height: H, region, ...opts });
    const pct = (metricName: string, fn: () => Record<string, string>, namespace = 'AWS/ApiGateway') =>
      ['p50', 'p90', 'p99'].map((p) => m(namespace, metricName, fn(), p, p));
    const apiDims = () => ({ ApiName: s.apiName, Stage: s.stageName });

    const requests = api('Count');
    const ratio = (expr: string, label: string, using: Record<string, cloudwatch.IMetric>) =>
      new cloudwatch.MathExpression({ expression: expr, usingMetrics: using, label, period: PERIOD });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: s.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [
        [new cloudwatch.TextWidget({
          markdown: `# Gatehouse ${s.environment}\nAPI \`${s.apiName}\` (${region}), stage \`${s.stageName}\`. Targets: p99 < **${s.targets.p99LatencyMs} ms**, availability **${s.targets.availability} %**. Edge widgets come from us-east-1. Runbook: docs/observability.md.`,
          width: 24, height: 2,
        })],
        [
          graph('Requests', [requests]),
          graph('4xx / 5xx rate (%)', [
            ratio('100 * e4 / MAX([n, 1])', '4xx %', { e4: api('4XXError'), n: requests }),
            ratio('100 * e5 / MAX([n, 1])', '5xx %', { e5: api('5XXError'), n: requests }),
          ]),
          graph('Availability (%)', [ratio('IF(n > 0, 100 * (1 - e5 / n), 100)', 'availability', { e5: api('5XXError'), n: requests })], {
            leftAnnotations: [{ value: s.targets.availability, label: 'SLO', color: cloudwatch.Color.RED }],
            leftYAxis: { min: Math.max(0, s.targets.availability - 5), max: 100 },
          }),
        ],
        [
          graph('Latency, total (ms)', pct('Latency', apiDims), { leftAnnotations: [{ value: s.targets.p99LatencyMs, label: 'p99 target', color: cloudwatch.Color.RED }] }),
          graph('Latency, integration (ms)', pct('IntegrationLatency', apiDims)),
          graph('Latency, authorizer (Lambda duration, cache misses)', pct('Duration', () => ({ FunctionName: s.authorizerFunctionName }), 'AWS/Lambda')),
        ],
        [
          graph('Authorizer decisions', [
            gh(METRIC.allowed, {}, 'allowed'),
            search(`SEARCH('{${METRICS_NAMESPACE},${METRIC_DIMENSION.reason},${METRIC_DIMENSION.service}} MetricName="${METRIC.denied}"', 'Sum', 60)`, 'denied'),
            search(`SEARCH('{${METRICS_NAMESPACE},${METRIC_DIMENSION.reason},${METRIC_DIMENSION.service}} MetricName="${METRIC.unauthorized}"', 'Sum', 60)`, 'unauthorized'),
            m(METRICS_NAMESPACE, AUTHORIZER_FAILURES_METRIC, { [METRIC_DIMENSION.service]: AUTHORIZER_SERVICE }, 'Sum', 'authorizer failures (500)'),
          ]),
          graph('Throttled by tier (rate limiter) and by API Gateway', [
            ...s.tiers.map((tier) => gh(METRIC.rateLimited, { [METRIC_DIMENSION.tier]: tier }, tier)),
            m('AWS/Lambda', 'Throttles', { FunctionName: s.authorizerFunctionName }, 'Sum', 'authorizer Lambda throttles'),
          ]),
          graph('Limiter fallback and key cache', [gh(METRIC.limiterFallback, {}, 'limiter fallback decisions')], {
            right: [ratio('100 * hit / MAX([hit + miss, 1])', 'key cache hit %', { hit: gh(METRIC.keyCacheHit), miss: gh(METRIC.keyCacheMiss) })],
          }),
        ],
        [
          graph('Cache hit ratio (%)', [
            ...(s.stageCache ? [ratio('100 * hit / MAX([hit + miss, 1])', 'stage cache', { hit: api('CacheHitCount'), miss: api('CacheMissCount') })] : []),
            ...(s.edgeCacheMetrics ? [m('AWS/CloudFront', 'CacheHitRate', { DistributionId: s.distributionId, Region: 'Global' }, 'Average', 'CloudFront', edge)] : []),
          ], { region }),
          graph('WAF (edge): allowed and blocked', [
            m('AWS/WAFV2', 'AllowedRequests', { WebACL: s.webAclMetricName, Rule: 'ALL' }, 'Sum', 'allowed', edge),
            m('AWS/WAFV2', 'BlockedRequests', { WebACL: s.webAclMetricName, Rule: 'ALL' }, 'Sum', 'blocked', edge),
          ], { region: edge }),
          graph('WAF (edge): blocked by rule', [
            search(`SEARCH('{AWS/WAFV2,Rule,WebACL} WebACL="${s.webAclMetricName}" MetricName="BlockedRequests" NOT Rule="ALL"', 'Sum', 300)`, 'blocked', edge),
          ], { region: edge }),
        ],
        [
          graph('CloudFront requests and error rates', [m('AWS/CloudFront', 'Requests', { DistributionId: s.distributionId, Region: 'Global' }, 'Sum', 'requests', edge)], {
            region: edge,
            right: ['4xxErrorRate', '5xxErrorRate'].map((n) => m('AWS/CloudFront', n, { DistributionId: s.distributionId, Region: 'Global' }, 'Average', n, edge)),
          }),
          graph('Audit pipeline', [
            m('AWS/Firehose', 'IncomingRecords', { DeliveryStreamName: s.deliveryStreamName }, 'Sum', 'incoming'),
            m('AWS/Lambda', 'Errors', { FunctionName: s.transformerFunctionName }, 'Sum', 'transformer errors'),
          ], { right: [m('AWS/Firehose', 'DeliveryToS3.Success', { DeliveryStreamName: s.deliveryStreamName }, 'Average', 'delivery success')] }),
          graph('Masked values by type (audit)', [
            search(`SEARCH('{${METRICS_NAMESPACE},${METRIC_DIMENSION.service},${METRIC_DIMENSION.type}} MetricName="${METRIC.maskedFields}" ${METRIC_DIMENSION.service}="${AUDIT_TRANSFORMER_SERVICE}"', 'Sum', 300)`, 'masked'),
          ]),
        ],
        ...this.breakerRow(s, { graph, search, m }),
      ],
    });
  }

  /**
   * Circuit breakers: each service's breaker alarm (ALARM = open), the records the state function
   * wrote by service and state, the requests the authorizer shed, and the state function's
   * errors (a change it could not write leaves the authorizer on the old state).
   */
  private breakerRow(s: DashboardSources, w: {
    graph: (title: string, left: cloudwatch.IMetric[], opts?: Partial<cloudwatch.GraphWidgetProps>) => cloudwatch.GraphWidget;
    search: (expression: string, label: string) => cloudwatch.MathExpression;
    m: (namespace: string, metricName: string, dimensionsMap: Record<string, string>, statistic?: string, label?: string) => cloudwatch.Metric;
  }): cloudwatch.IWidget[][] {
    const breakers = s.breakers;
    if (!breakers || breakers.alarmNames.length === 0) return [];
    const alarms = breakers.alarmNames.map((name) => cloudwatch.Alarm.fromAlarmArn(this, `Breaker-${name}`, `arn:aws:cloudwatch:${s.apiRegion}:${breakers.account}:alarm:${name}`));
    const d = METRIC_DIMENSION;
    return [[
      new cloudwatch.AlarmStatusWidget({ title: 'Circuit breakers (ALARM = open)', alarms, width: W, height: H }),
      w.graph('Breaker transitions and shed requests', [
        w.search(`SEARCH('{${METRICS_NAMESPACE},${d.service},${d.state},${d.upstream}} MetricName="${METRIC.breakerTransition}" ${d.service}="${BREAKER_STATE_SERVICE}"', 'Sum', 60)`, 'transition'),
      ], { right: [w.search(`SEARCH('{${METRICS_NAMESPACE},${d.reason},${d.service},${d.upstream}} MetricName="${METRIC.shed}"', 'Sum', 60)`, 'shed')] }),
      w.graph('Breaker state function', [
        w.m('AWS/Lambda', 'Invocations', { FunctionName: breakers.stateFunctionName }, 'Sum', 'invocations'),
        w.m('AWS/Lambda', 'Errors', { FunctionName: breakers.stateFunctionName }, 'Sum', 'errors (record not written)'),
      ]),
    ]];
  }
}
