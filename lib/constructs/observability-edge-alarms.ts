import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** Standard deviations above the learned band that count as a WAF block spike. */
export const WAF_SPIKE_STD_DEVS = 3;

export interface EdgeAlarmsProps {
  readonly prefix: string;
  readonly webAclMetricName: string;
  readonly distributionId: string;
  /** Fast-burn 5xx ratio (profile.alarms.fastBurnErrorRate); CloudFront reports percent. */
  readonly fastBurnErrorRate: number;
}

/**
 * us-east-1 alarms (CloudFront and CLOUDFRONT-scope WAF metrics exist only there): WAF block
 * spikes against an anomaly-detection band (attacks, or a rule blocking real traffic) and the
 * distribution's 5xx error rate (errors CloudFront itself adds, e.g. origin unreachable).
 */
export class ObservabilityEdgeAlarms extends Construct {
  public readonly wafBlockSpike: cloudwatch.AnomalyDetectionAlarm;
  public readonly edgeServerErrors: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: EdgeAlarmsProps) {
    super(scope, id);
    this.wafBlockSpike = new cloudwatch.AnomalyDetectionAlarm(this, 'WafBlockSpike', {
      alarmName: `${props.prefix}-waf-block-spike`,
      alarmDescription: `Requests blocked by the edge web ACL above the expected band (${WAF_SPIKE_STD_DEVS} standard deviations) for 15 minutes: an attack being absorbed, or a rule blocking legitimate clients. Check the blocked-by-rule widget and the WAF logs.`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/WAFV2', metricName: 'BlockedRequests', statistic: 'Sum', period: Duration.minutes(5),
        dimensionsMap: { WebACL: props.webAclMetricName, Rule: 'ALL' },
      }),
      stdDevs: WAF_SPIKE_STD_DEVS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const threshold = Number((props.fastBurnErrorRate * 100).toFixed(6));
    this.edgeServerErrors = new cloudwatch.Alarm(this, 'EdgeServerErrors', {
      alarmName: `${props.prefix}-edge-5xx-rate`,
      alarmDescription: `CloudFront 5xx error rate above ${threshold} % (the fast-burn ratio) for 15 minutes.`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/CloudFront', metricName: '5xxErrorRate', statistic: 'Average', period: Duration.minutes(5),
        dimensionsMap: { DistributionId: props.distributionId, Region: 'Global' },
      }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
