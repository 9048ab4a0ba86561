import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { acknowledge, inEveryCompliancePack } from '../compliance/nag';
import type { Profile } from '../config/profile';
import { BURN_RATES } from '../config/profile';

/** Below this many requests in a window, the 5xx ratio is noise (one error at 3 a.m.), not a burn. */
export const MIN_REQUESTS_PER_WINDOW = 20;

/** The multi-window burn-rate alarms (Google SRE workbook): both windows must burn. */
export const BURN_WINDOWS = {
  fast: { rate: BURN_RATES.fast, long: Duration.hours(1), short: Duration.minutes(5) },
  slow: { rate: BURN_RATES.slow, long: Duration.hours(6), short: Duration.minutes(30) },
} as const;

export interface SloAlarmsProps {
  readonly prefix: string;
  /** REST API name and stage (dimensions of AWS/ApiGateway). */
  readonly apiName: string;
  readonly stageName: string;
  readonly alarms: Profile['alarms'];
}

/**
 * Alarms derived from `targets`: availability burn rates (fast and slow, each an AND of a long
 * and a short window), p99 latency, and the 5xx ratio ticket. `paging` is the composite that
 * pages: any burn-rate alarm or the latency alarm.
 */
export class ObservabilitySloAlarms extends Construct {
  public readonly p99Latency: cloudwatch.Alarm;
  public readonly serverErrorRate: cloudwatch.Alarm;
  public readonly fastBurn: cloudwatch.CompositeAlarm;
  public readonly slowBurn: cloudwatch.CompositeAlarm;
  public readonly paging: cloudwatch.CompositeAlarm;

  constructor(scope: Construct, id: string, props: SloAlarmsProps) {
    super(scope, id);
    const { prefix, alarms } = props;
    const dimensionsMap = { ApiName: props.apiName, Stage: props.stageName };
    const api = (metricName: string, statistic: string, period: Duration) =>
      new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap, statistic, period });

    this.p99Latency = new cloudwatch.Alarm(this, 'P99Latency', {
      alarmName: `${prefix}-p99-latency`,
      alarmDescription: `p99 latency of the API above the ${alarms.p99LatencyMs} ms target (targets.p99_latency_ms) for 15 minutes.`,
      metric: api('Latency', 'p99', Duration.minutes(5)),
      threshold: alarms.p99LatencyMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const errorRatio = (period: Duration, label: string) => new cloudwatch.MathExpression({
      expression: `IF(requests >= ${MIN_REQUESTS_PER_WINDOW}, errors / requests, 0)`,
      usingMetrics: { errors: api('5XXError', 'Sum', period), requests: api('Count', 'Sum', period) },
      period,
      label,
    });

    this.serverErrorRate = new cloudwatch.Alarm(this, 'ServerErrorRate', {
      alarmName: `${prefix}-5xx-rate`,
      alarmDescription: `5xx ratio above the error budget (${alarms.errorBudget}) for 15 minutes: the SLO is being spent faster than it accrues. Ticket, not page.`,
      metric: errorRatio(Duration.minutes(5), '5xx ratio (5 min)'),
      threshold: alarms.errorBudget,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const burn = (name: 'fast' | 'slow', threshold: number) => {
      const w = BURN_WINDOWS[name];
      const window = (d: Duration, which: string) => new cloudwatch.Alarm(this, `${name === 'fast' ? 'Fast' : 'Slow'}Burn${which}`, {
        alarmName: `${prefix}-burn-${name}-${d.toMinutes() >= 60 ? `${d.toHours()}h` : `${d.toMinutes()}m`}`,
        alarmDescription: `5xx ratio over ${d.toHumanString()} above ${threshold} (${w.rate}x the error budget).`,
        metric: errorRatio(d, `5xx ratio (${d.toHumanString()})`),
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const long = window(w.long, 'Long');
      const short = window(w.short, 'Short');
      return new cloudwatch.CompositeAlarm(this, `${name === 'fast' ? 'Fast' : 'Slow'}Burn`, {
        compositeAlarmName: `${prefix}-burn-${name}`,
        alarmDescription: `Availability SLO: error budget burning at ${w.rate}x over ${w.long.toHumanString()} and still over the last ${w.short.toHumanString()}.`,
        alarmRule: cloudwatch.AlarmRule.allOf(long, short),
      });
    };
    this.fastBurn = burn('fast', alarms.fastBurnErrorRate);
    this.slowBurn = burn('slow', alarms.slowBurnErrorRate);

    this.paging = new cloudwatch.CompositeAlarm(this, 'Paging', {
      compositeAlarmName: `${prefix}-page`,
      alarmDescription: 'Page: the availability SLO is burning (fast or slow) or p99 latency is above target. See docs/observability.md for the runbook.',
      alarmRule: cloudwatch.AlarmRule.anyOf(this.fastBurn, this.slowBurn, this.p99Latency),
    });
    // The window alarms and the latency alarm act through the composites (one page per incident).
    for (const child of this.node.findAll()) {
      if (child instanceof cloudwatch.Alarm && child !== this.serverErrorRate) {
        acknowledge(child, ...inEveryCompliancePack('CloudWatchAlarmAction', 'Input of a composite alarm: it has no actions of its own so that one incident pages once; the composite `<prefix>-page` carries the ALARM and OK actions (ObservabilityStack).'));
      }
    }
  }
}
