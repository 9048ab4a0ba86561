import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** One serving region as the global dashboard shows it, by plain names. */
export interface GlobalDashboardRegion {
  readonly region: string;
  readonly apiName: string;
  readonly stageName: string;
  /** The region's Route 53 health check (in rotation = 1). */
  readonly healthCheckId: string;
}

export interface GlobalDashboardProps {
  readonly dashboardName: string;
  readonly environment: string;
  readonly regions: readonly GlobalDashboardRegion[];
  readonly distributionId: string;
  readonly availabilityTarget: number;
  /** Route 53 metrics exist in us-east-1 only; so does this dashboard's health row. */
  readonly healthMetricsRegion: string;
}

const PERIOD = Duration.minutes(1);
const W = 8;
const H = 6;

/**
 * The environment across its regions (decision 0026, D9): which regions are in rotation,
 * requests and availability per region side by side, and what viewers saw at CloudFront (one
 * distribution in front of every region). Each region's own dashboard has the details.
 */
export class ObservabilityGlobalDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GlobalDashboardProps) {
    super(scope, id);
    const edge = props.healthMetricsRegion;
    const apiMetric = (r: GlobalDashboardRegion, metricName: string) => new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiName: r.apiName, Stage: r.stageName }, statistic: 'Sum', period: PERIOD, region: r.region,
    });
    const health = props.regions.map((r) => new cloudwatch.Metric({
      namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', dimensionsMap: { HealthCheckId: r.healthCheckId },
      statistic: 'Minimum', period: PERIOD, region: edge, label: r.region,
    }));
    const cloudFront = (metricName: string, statistic: string) => new cloudwatch.Metric({
      namespace: 'AWS/CloudFront', metricName, dimensionsMap: { DistributionId: props.distributionId, Region: 'Global' }, statistic, period: PERIOD, region: edge, label: metricName,
    });
    // Each region's graph lives in its region: a math expression cannot combine metrics of two regions.
    const availability = props.regions.map((r) => new cloudwatch.GraphWidget({
      title: `Availability ${r.region} (%)`,
      region: r.region,
      // One row of at most 4 regions (MAX_REGIONS): the grid is 24 wide.
      width: Math.floor(24 / props.regions.length), height: H,
      left: [new cloudwatch.MathExpression({ expression: 'IF(n > 0, 100 * (1 - e5 / n), 100)', usingMetrics: { e5: apiMetric(r, '5XXError'), n: apiMetric(r, 'Count') }, label: r.region, period: PERIOD })],
      leftAnnotations: [{ value: props.availabilityTarget, label: 'SLO', color: cloudwatch.Color.RED }],
      leftYAxis: { min: Math.max(0, props.availabilityTarget - 5), max: 100 },
    }));

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [
        [new cloudwatch.TextWidget({
          markdown: `# Gatehouse ${props.environment}: all regions\nRegions ${props.regions.map((r) => `\`${r.region}\``).join(', ')} behind one CloudFront distribution; Route 53 sends each request to a region in rotation (docs/multi-region.md). Each region's dashboard has the details.`,
          width: 24, height: 2,
        })],
        [
          new cloudwatch.GraphWidget({ title: 'In rotation (Route 53 health, 1 = healthy)', region: edge, width: W, height: H, left: health, leftYAxis: { min: 0, max: 1 } }),
          new cloudwatch.GraphWidget({ title: 'Requests by region', region: props.regions[0].region, width: W, height: H, left: props.regions.map((r) => apiMetric(r, 'Count').with({ label: r.region })) }),
          new cloudwatch.GraphWidget({
            title: 'CloudFront (what viewers saw)', region: edge, width: W, height: H,
            left: [cloudFront('Requests', 'Sum')], right: [cloudFront('5xxErrorRate', 'Average')],
          }),
        ],
        availability,
      ],
    });
  }
}
