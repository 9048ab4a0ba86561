import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import type { AnyRegionHealthPlan, RegionHealthPlan } from '../contract/routing-plan';

export interface HealthRegionChecksProps {
  /** The regions judged from this stack's region (all with `observerRegion` = the stack's region). */
  readonly regions: readonly RegionHealthPlan[];
}

/**
 * Per region: the alarm on the prober's `HealthProbeFailures` (Sum >= failed_probes in 1 of 1
 * periods; missing data stays missing, so a silent prober leaves the alarm without data) and the
 * Route 53 `CLOUDWATCH_METRIC` check that follows it (OK healthy, ALARM unhealthy, no data: its
 * last status). The records of the region carry the check (RoutingStack).
 */
export class HealthRegionChecks extends Construct {
  public readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  public readonly checks: Readonly<Record<string, route53.CfnHealthCheck>>;
  /** Route 53 health check id per region. */
  public readonly healthCheckIds: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: HealthRegionChecksProps) {
    super(scope, id);
    const alarms: Record<string, cloudwatch.Alarm> = {};
    const checks: Record<string, route53.CfnHealthCheck> = {};
    for (const plan of props.regions) {
      const alarm = new cloudwatch.Alarm(this, `Alarm-${plan.region}`, {
        alarmName: plan.alarmName,
        alarmDescription: `${plan.region} out of rotation: ${plan.failedProbes} or more failed health probes (GET /_gatehouse/health) within ${plan.metric.periodSeconds} s. Read by the Route 53 health check of its DNS records.`,
        metric: new cloudwatch.Metric({
          namespace: plan.metric.namespace,
          metricName: plan.metric.metricName,
          dimensionsMap: { ...plan.metric.dimensions },
          statistic: plan.metric.statistic,
          period: Duration.seconds(plan.metric.periodSeconds),
        }),
        threshold: plan.failedProbes,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
      });
      acknowledge(alarm, ...inEveryCompliancePack('CloudWatchAlarmAction',
        'Read by a Route 53 health check, which moves the region\'s DNS records; people are told by the out-of-rotation alarm on that check\'s HealthCheckStatus (HealthRotationAlarms, us-east-1).'));

      const check = new route53.CfnHealthCheck(this, `Check-${plan.region}`, {
        healthCheckConfig: {
          type: 'CLOUDWATCH_METRIC',
          alarmIdentifier: { name: plan.alarmName, region: plan.observerRegion },
          insufficientDataHealthStatus: plan.insufficientDataHealthStatus,
        },
        healthCheckTags: [{ key: 'Name', value: plan.checkName }],
      });
      // Route 53 reads the alarm when the check is created: the name alone is no dependency.
      check.node.addDependency(alarm);
      alarms[plan.region] = alarm;
      checks[plan.region] = check;
    }
    this.alarms = alarms;
    this.checks = checks;
    this.healthCheckIds = Object.fromEntries(Object.entries(checks).map(([region, check]) => [region, check.attrHealthCheckId]));
  }
}

export interface HealthAnyRegionCheckProps {
  readonly plan: AnyRegionHealthPlan;
  /** Route 53 health check id of every region (HealthStack.healthCheckIds of every observer). */
  readonly healthCheckIds: Readonly<Record<string, string>>;
}

/**
 * "Some region is healthy": a CALCULATED check over the regions' checks, threshold 1. No record
 * carries it (with every region unhealthy Route 53 answers with all of them anyway, F11); it is
 * the environment's availability signal (D9: its HealthCheckStatus < 1 feeds the page).
 */
export class HealthAnyRegionCheck extends Construct {
  public readonly check: route53.CfnHealthCheck;
  public readonly healthCheckId: string;

  constructor(scope: Construct, id: string, props: HealthAnyRegionCheckProps) {
    super(scope, id);
    const children = props.plan.childRegions.map((region) => {
      const child = props.healthCheckIds[region];
      if (!child) throw new Error(`no health check id for ${region}; known: ${Object.keys(props.healthCheckIds).join(', ')}`);
      return child;
    });
    this.check = new route53.CfnHealthCheck(this, 'Check', {
      healthCheckConfig: { type: 'CALCULATED', childHealthChecks: children, healthThreshold: props.plan.healthThreshold },
      healthCheckTags: [{ key: 'Name', value: props.plan.checkName }],
    });
    this.healthCheckId = this.check.attrHealthCheckId;
  }
}
