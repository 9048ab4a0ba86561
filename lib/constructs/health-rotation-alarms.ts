import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { RoutingPlan } from '../contract/routing-plan';

export interface HealthRotationAlarmsProps {
  readonly plan: Pick<RoutingPlan, 'regionHealth' | 'anyRegion'>;
  /** Route 53 health check id per region (HealthStack.healthCheckIds). */
  readonly healthCheckIds: Readonly<Record<string, string>>;
  /** The calculated "some region healthy" check (RoutingStack.anyRegionHealthCheckId). */
  readonly anyRegionHealthCheckId: string;
}

/** Route 53's 1/0 status of a health check, per minute (AWS/Route53, us-east-1: F19, unverified that it is only there). */
export function healthCheckStatus(healthCheckId: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensionsMap: { HealthCheckId: healthCheckId },
    statistic: 'Minimum',
    period: Duration.minutes(1),
    region: 'us-east-1',
  });
}

/**
 * D9's health alarms, for the us-east-1 observability stack (EdgeObservabilityStack), which holds
 * the topics: per region "out of rotation" (its check unhealthy for a minute: a ticket, traffic
 * already moved) and "no region healthy" (the calculated check: an input of the page, with
 * CloudFront's 5xx fast burn). Built here, wired there: `topics.notifyOn(outOfRotation[r])`, and
 * `noRegionHealthy` into the paging composite.
 */
export class HealthRotationAlarms extends Construct {
  public readonly outOfRotation: Readonly<Record<string, cloudwatch.Alarm>>;
  public readonly noRegionHealthy: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: HealthRotationAlarmsProps) {
    super(scope, id);
    const below1 = (alarmId: string, alarmName: string, alarmDescription: string, checkId: string) => new cloudwatch.Alarm(this, alarmId, {
      alarmName,
      alarmDescription,
      metric: healthCheckStatus(checkId),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
    this.outOfRotation = Object.fromEntries(props.plan.regionHealth.map((h) => {
      const checkId = props.healthCheckIds[h.region];
      if (!checkId) throw new Error(`no health check id for ${h.region}`);
      return [h.region, below1(`OutOfRotation-${h.region}`, h.outOfRotationAlarmName,
        `${h.region} is out of rotation: its Route 53 health check (alarm ${h.alarmName}) is unhealthy, so DNS sends its share to the other regions. Ticket: find why its health probes fail.`, checkId)];
    }));
    this.noRegionHealthy = below1('NoRegionHealthy', props.plan.anyRegion.noRegionHealthyAlarmName,
      'No region passes its health probes: Route 53 answers with every region (all unhealthy counts as all healthy), so failover cannot help. Page.', props.anyRegionHealthCheckId);
  }
}
