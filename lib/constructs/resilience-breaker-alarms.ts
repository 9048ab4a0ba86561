import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  METRICS_PER_METHOD, apiMethodSeries, judgedExpression, targetGroupSeries,
  type BreakerAlarmPlan, type BreakerJudgement, type BreakerMetric, type JudgedSeries,
} from '../resilience/breaker-alarm-plan';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import { METRIC_DIMENSION } from '../observability/metric-names';

/** The AWS/ApplicationELB dimensions of a private service's target group. */
export interface TargetGroupDimensions {
  /** `targetgroup/<name>/<id>` (ApplicationTargetGroup.targetGroupFullName). */
  readonly targetGroupFullName: string;
  /** `app/<name>/<id>` of the internal ALB it is attached to. */
  readonly loadBalancerFullName: string;
}

export interface ResilienceBreakerAlarmsProps {
  /** From breakerAlarmPlans (lambdas/breaker-state/alarm-plan.ts): one per service with a breaker. */
  readonly plans: readonly BreakerAlarmPlan[];
  /** REST API name and stage: dimensions of the per-method metrics of public services. */
  readonly apiName: string;
  readonly stageName: string;
  /** Private service name -> its target group; every private service in `plans` needs one. */
  readonly targetGroups: Readonly<Record<string, TargetGroupDimensions>>;
}

/**
 * The circuit breakers' CloudWatch alarms, one per service (its name `<prefix>-breaker-<service>`),
 * mapped one to one from the plans: a metric-math alarm over the service's target group or API
 * methods, or a composite over several such alarms for a public service with more methods than
 * one alarm may read. What each alarm judges and why: lambdas/breaker-state/alarm-plan.ts.
 * Their state changes drive the breaker records (ResilienceBreakerState).
 */
export class ResilienceBreakerAlarms extends Construct {
  /** Service -> the alarm whose state is its breaker's (what the state function's rule matches). */
  public readonly byService: ReadonlyMap<string, cloudwatch.AlarmBase>;
  /** Every metric alarm, the composites' parts included (what DescribeAlarms may read). */
  public readonly metricAlarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ResilienceBreakerAlarmsProps) {
    super(scope, id);
    const byService = new Map<string, cloudwatch.AlarmBase>();
    const metricAlarms: cloudwatch.Alarm[] = [];
    for (const plan of props.plans) {
      const { service, judgement, source } = plan;
      if (source.kind === 'target_group') {
        const targetGroup = props.targetGroups[service];
        if (!targetGroup) throw new Error(`breaker of private service ${service}: the network stack has no target group for it`);
        const dimensions = { TargetGroup: targetGroup.targetGroupFullName, LoadBalancer: targetGroup.loadBalancerFullName };
        const alarm = this.metricAlarm(`Breaker-${service}`, plan.alarmName, judgement, targetGroupSeries(judgement), () => dimensions,
          `Circuit breaker of private service ${service} (target group)`);
        metricAlarms.push(alarm);
        byService.set(service, alarm);
        continue;
      }
      const parts = source.parts.map((part, i) => {
        const apiDimensions = (metric: BreakerMetric): Record<string, string> => (metric.emittedBy
          ? { [METRIC_DIMENSION.service]: metric.emittedBy, [METRIC_DIMENSION.resource]: metric.method!.resourcePath, [METRIC_DIMENSION.method]: metric.method!.httpMethod }
          : { ApiName: props.apiName, Stage: props.stageName, Resource: metric.method!.resourcePath, Method: metric.method!.httpMethod });
        const methods = part.methods.map((m) => `${m.httpMethod} ${m.resourcePath}`).join(', ');
        return this.metricAlarm(source.parts.length === 1 ? `Breaker-${service}` : `Breaker-${service}-part${i + 1}`, part.alarmName, judgement,
          apiMethodSeries(judgement, part.methods), apiDimensions, `Circuit breaker of public service ${service} (API methods ${methods})`);
      });
      metricAlarms.push(...parts);
      if (parts.length === 1) {
        byService.set(service, parts[0]);
        continue;
      }
      byService.set(service, new cloudwatch.CompositeAlarm(this, `Breaker-${service}`, {
        compositeAlarmName: plan.alarmName,
        alarmDescription: `Circuit breaker of public service ${service}: open while any of its ${parts.length} method alarms is (one alarm reads at most 10 metrics, ${METRICS_PER_METHOD} per method).`,
        alarmRule: cloudwatch.AlarmRule.anyOf(...parts),
      }));
      for (const part of parts) {
        acknowledge(part, ...inEveryCompliancePack('CloudWatchAlarmAction',
          'Input of the composite breaker alarm of its service: the composite carries the actions and drives the breaker state (EventBridge), so one state change is acted on once.'));
      }
    }
    this.byService = byService;
    this.metricAlarms = metricAlarms;
  }

  private metricAlarm(id: string, alarmName: string, j: BreakerJudgement, series: JudgedSeries, dimensionsOf: (m: BreakerMetric) => Record<string, string>, what: string): cloudwatch.Alarm {
    const period = Duration.seconds(j.windowSeconds);
    const usingMetrics = Object.fromEntries(Object.entries(series.metrics).map(([metricId, m]) => [metricId, new cloudwatch.Metric({
      namespace: m.namespace, metricName: m.metricName, statistic: m.statistic, dimensionsMap: dimensionsOf(m), period,
    })]));
    return new cloudwatch.Alarm(this, id, {
      alarmName,
      alarmDescription: `${what}: opens when a ${j.windowSeconds} s window holds >= ${j.minimumCalls} calls and >= ${j.failureRatePercent} % failed or >= ${j.slowCallRatePercent} % took over ${j.slowCallMs} ms; closes on a window of >= ${j.trialCalls} calls below both. Other windows (the breaker shedding) keep its state.`,
      metric: new cloudwatch.MathExpression({ expression: judgedExpression(j, series), usingMetrics, period, label: 'breaker trips (1) / healthy (0)' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // Silence while shed must not close the breaker: no data point keeps the alarm's state.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
  }
}
