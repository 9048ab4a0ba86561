import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AUDIT_TRANSFORMER_SERVICE, AUTHORIZER_SERVICE, METRIC, METRIC_DIMENSION, METRICS_NAMESPACE } from '../observability/metric-names';

/** Custom metric counted from the access logs: requests API Gateway failed because the authorizer did. */
export const AUTHORIZER_FAILURES_METRIC = 'AuthorizerFailures';
/** API Gateway response types that mean the authorizer crashed, timed out, was throttled or answered garbage. */
export const AUTHORIZER_FAILURE_TYPES = ['AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR'] as const;

export interface ComponentAlarmsProps {
  readonly prefix: string;
  readonly accessLogGroup: logs.ILogGroup;
  readonly auditTransformerFunctionName: string;
  readonly auditDeliveryStreamName: string;
}

/**
 * Cause alarms (notify, not page): authorizer failures, the rate limiter running on its
 * fallback, and the audit pipeline failing to transform or deliver.
 *
 * Authorizer failures are counted from the access log, not Lambda `Errors`: a REQUEST authorizer
 * answers 401 by throwing `Unauthorized`, which Lambda counts as an error.
 */
export class ObservabilityComponentAlarms extends Construct {
  public readonly authorizerFailures: cloudwatch.Alarm;
  public readonly limiterFallback: cloudwatch.Alarm;
  public readonly auditTransformerErrors: cloudwatch.Alarm;
  public readonly auditFailedRecords: cloudwatch.Alarm;
  public readonly auditDelivery: cloudwatch.Alarm;
  public readonly authorizerFailuresMetric: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: ComponentAlarmsProps) {
    super(scope, id);
    const { prefix } = props;
    const minute = Duration.minutes(1);

    const filter = new logs.MetricFilter(this, 'AuthorizerFailuresFilter', {
      logGroup: props.accessLogGroup,
      filterName: `${prefix}-authorizer-failures`,
      filterPattern: logs.FilterPattern.any(...AUTHORIZER_FAILURE_TYPES.map((t) => logs.FilterPattern.stringValue('$.responseType', '=', t))),
      metricNamespace: METRICS_NAMESPACE,
      metricName: AUTHORIZER_FAILURES_METRIC,
      metricValue: '1',
      dimensions: { [METRIC_DIMENSION.service]: AUTHORIZER_SERVICE },
    });
    this.authorizerFailuresMetric = filter.metric({ statistic: 'Sum', period: minute, dimensionsMap: { [METRIC_DIMENSION.service]: AUTHORIZER_SERVICE } });
    this.authorizerFailures = new cloudwatch.Alarm(this, 'AuthorizerFailures', {
      alarmName: `${prefix}-authorizer-failures`,
      alarmDescription: 'Requests answered 500 because the authorizer failed (AUTHORIZER_FAILURE / AUTHORIZER_CONFIGURATION_ERROR) in 3 of the last 5 minutes.',
      metric: this.authorizerFailuresMetric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.limiterFallback = new cloudwatch.Alarm(this, 'LimiterFallback', {
      alarmName: `${prefix}-limiter-fallback`,
      alarmDescription: 'The authorizer could not reach the shared rate limiter (Redis) in 3 of the last 5 minutes; rate_limiting.fault_tolerant decides (fail open: limits not enforced; fail closed: requests rejected).',
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE, metricName: METRIC.limiterFallback, statistic: 'Sum', period: minute,
        dimensionsMap: { [METRIC_DIMENSION.service]: AUTHORIZER_SERVICE },
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.auditTransformerErrors = new cloudwatch.Alarm(this, 'AuditTransformerErrors', {
      alarmName: `${prefix}-audit-transformer-errors`,
      alarmDescription: 'The audit transformer failed; Firehose retries it and then writes the records to failed/processing-failed/ in the audit bucket.',
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Lambda', metricName: 'Errors', statistic: 'Sum', period: Duration.minutes(5),
        dimensionsMap: { FunctionName: props.auditTransformerFunctionName },
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.auditFailedRecords = new cloudwatch.Alarm(this, 'AuditFailedRecords', {
      alarmName: `${prefix}-audit-failed-records`,
      alarmDescription: 'The audit transformer could not process records and kept only a stub of each (reason, size, SHA-256; no content) in the audit bucket: their audit content is lost. See docs/compliance.md, "Failed records".',
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE, metricName: METRIC.auditFailedRecords, statistic: 'Sum', period: Duration.minutes(5),
        dimensionsMap: { [METRIC_DIMENSION.service]: AUDIT_TRANSFORMER_SERVICE },
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const stream = (metricName: string) => new cloudwatch.Metric({
      namespace: 'AWS/Firehose', metricName, statistic: 'Minimum', period: Duration.minutes(5),
      dimensionsMap: { DeliveryStreamName: props.auditDeliveryStreamName },
    });
    this.auditDelivery = new cloudwatch.Alarm(this, 'AuditDelivery', {
      alarmName: `${prefix}-audit-delivery`,
      alarmDescription: 'Firehose failed to transform or to deliver audit records to S3 (success ratio below 1). Failed records are under failed/ in the audit bucket; delivery is retried for up to 24 hours.',
      metric: new cloudwatch.MathExpression({
        expression: 'MIN([processing, delivery])',
        usingMetrics: { processing: stream('ExecuteProcessing.Success'), delivery: stream('DeliveryToS3.Success') },
        period: Duration.minutes(5),
        label: 'audit success ratio',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  public get all(): cloudwatch.Alarm[] {
    return [this.authorizerFailures, this.limiterFallback, this.auditTransformerErrors, this.auditFailedRecords, this.auditDelivery];
  }
}
