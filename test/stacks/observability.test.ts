import { environmentRegions } from '../../lib/config/regions';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { BURN_WINDOWS, MIN_REQUESTS_PER_WINDOW } from '../../lib/constructs/observability-slo-alarms';
import { EXAMPLES, synthesize } from '../support/synth';

type Props = Record<string, any>;
const alarm = (t: Template, name: string): Props => {
  const found = Object.values(t.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
  if (found.length !== 1) throw new Error(`expected one alarm ${name}, found ${found.length}`);
  return found[0].Properties;
};
const composite = (t: Template, name: string): Props =>
  Object.values(t.findResources('AWS::CloudWatch::CompositeAlarm', { Properties: { AlarmName: name } }))[0]?.Properties;
const logicalIdOf = (t: Template, type: string, name: string) =>
  Object.entries(t.findResources(type, { Properties: { AlarmName: name } }))[0][0];
/** The literal parts of an AlarmRule Fn::Join, e.g. '(ALARM("|") AND ALARM("|"))'. */
const operators = (rule: any) => (rule['Fn::Join'][1] as unknown[]).filter((p): p is string => typeof p === 'string').join('|');
const ruleRefs = (rule: any) => JSON.stringify(rule).match(/"[A-Za-z0-9]+","Arn"/g)?.map((s) => s.split('"')[1]) ?? [];

describe.each(EXAMPLES)('Observability with %s', (file) => {
  const synth = synthesize({ file });

  describe.each(Object.keys(synth.stages))('environment %s', (env) => {
    const { config, profile } = synth.config.environments[env];
    const prefix = `${config.name}-${env}`;
    const t = synth.template(env, 'Observability');

    it('alarms on p99 latency above targets.p99_latency_ms for 15 minutes', () => {
      expect(alarm(t, `${prefix}-p99-latency`)).toMatchObject({
        Namespace: 'AWS/ApiGateway', MetricName: 'Latency', ExtendedStatistic: 'p99', Period: 300,
        Threshold: config.targets.p99_latency_ms, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 3,
        Dimensions: [{ Name: 'ApiName', Value: prefix }, { Name: 'Stage', Value: 'live' }],
      });
    });

    it.each([
      ['fast', '1h', 3600, 'fastBurnErrorRate'],
      ['fast', '5m', 300, 'fastBurnErrorRate'],
      ['slow', '6h', 21600, 'slowBurnErrorRate'],
      ['slow', '30m', 1800, 'slowBurnErrorRate'],
    ] as const)('burn-rate window %s %s: 5XXError/Count over %i s above the profile threshold', (speed, window, period, key) => {
      const a = alarm(t, `${prefix}-burn-${speed}-${window}`);
      expect(a.Threshold).toBe(profile.alarms[key]);
      expect(a.Threshold).toBeCloseTo(profile.alarms.errorBudget * BURN_WINDOWS[speed].rate, 10);
      expect(a.Metrics[0].Expression).toBe(`IF(requests >= ${MIN_REQUESTS_PER_WINDOW}, errors / requests, 0)`);
      expect(a.Metrics.slice(1).map((m: any) => [m.Id, m.MetricStat.Metric.MetricName, m.MetricStat.Stat, m.MetricStat.Period]))
        .toEqual([['errors', '5XXError', 'Sum', period], ['requests', 'Count', 'Sum', period]]);
      expect(a.AlarmActions).toBeUndefined();
    });

    it('pages through one composite: (fast long AND short) OR (slow long AND short) OR p99, with OK actions', () => {
      const fast = composite(t, `${prefix}-burn-fast`);
      expect(operators(fast.AlarmRule)).toBe('(ALARM("|") AND ALARM("|"))');
      expect(ruleRefs(fast.AlarmRule)).toEqual([logicalIdOf(t, 'AWS::CloudWatch::Alarm', `${prefix}-burn-fast-1h`), logicalIdOf(t, 'AWS::CloudWatch::Alarm', `${prefix}-burn-fast-5m`)]);
      const page = composite(t, `${prefix}-page`);
      expect(operators(page.AlarmRule)).toBe('(ALARM("|") OR ALARM("|") OR ALARM("|"))');
      expect(ruleRefs(page.AlarmRule)).toEqual([
        logicalIdOf(t, 'AWS::CloudWatch::CompositeAlarm', `${prefix}-burn-fast`),
        logicalIdOf(t, 'AWS::CloudWatch::CompositeAlarm', `${prefix}-burn-slow`),
        logicalIdOf(t, 'AWS::CloudWatch::Alarm', `${prefix}-p99-latency`),
      ]);
      const pageTopic = Object.entries(t.findResources('AWS::SNS::Topic', { Properties: { TopicName: `${prefix}-page` } }))[0][0];
      expect(page.AlarmActions).toEqual([{ Ref: pageTopic }]);
      expect(page.OKActions).toEqual([{ Ref: pageTopic }]);
    });

    it('notifies (ALARM and OK) on the 5xx ratio ticket and on component alarms', () => {
      const notify = Object.entries(t.findResources('AWS::SNS::Topic', { Properties: { TopicName: `${prefix}-notify` } }))[0][0];
      for (const name of ['5xx-rate', 'authorizer-failures', 'limiter-fallback', 'audit-transformer-errors', 'audit-failed-records', 'audit-delivery']) {
        const a = alarm(t, `${prefix}-${name}`);
        expect([name, a.AlarmActions, a.OKActions]).toEqual([name, [{ Ref: notify }], [{ Ref: notify }]]);
      }
      expect(alarm(t, `${prefix}-5xx-rate`).Threshold).toBe(profile.alarms.errorBudget);
      expect(alarm(t, `${prefix}-limiter-fallback`)).toMatchObject({
        Namespace: 'Gatehouse', MetricName: 'LimiterFallback', Dimensions: [{ Name: 'service', Value: 'gatehouse-authorizer' }], Threshold: 1, DatapointsToAlarm: 3,
      });
      // Failed audit records are answered Ok (a stub, no content): Firehose's metrics cannot see them.
      expect(alarm(t, `${prefix}-audit-failed-records`)).toMatchObject({
        Namespace: 'Gatehouse', MetricName: 'AuditFailedRecords', Dimensions: [{ Name: 'service', Value: 'gatehouse-audit-transformer' }], Threshold: 1,
      });
      t.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: '{ ($.responseType = "AUTHORIZER_FAILURE") || ($.responseType = "AUTHORIZER_CONFIGURATION_ERROR") }',
        MetricTransformations: [{ MetricNamespace: 'Gatehouse', MetricName: 'AuthorizerFailures', MetricValue: '1', Dimensions: [{ Key: 'service', Value: 'gatehouse-authorizer' }] }],
      });
    });

    it('sends to PagerDuty, webhooks and emails over KMS-encrypted, TLS-only topics, URLs as dynamic references', () => {
      const { alerting } = config;
      const subs = Object.values(t.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
      const https = subs.filter((s) => s.Protocol === 'https').map((s) => s.Endpoint as string);
      for (const url of https) expect(url).toMatch(/^\{\{resolve:(ssm|secretsmanager):[^}]+\}\}$/);
      const pd = alerting.pagerduty!.integration_url;
      const pdRef = 'ssm' in pd ? `{{resolve:ssm:${pd.ssm}}}` : `{{resolve:secretsmanager:${pd.secrets_manager}:SecretString}}`;
      expect(https.filter((u) => u === pdRef)).toHaveLength(1);
      expect(https).toHaveLength(1 + 2 * alerting.webhooks.length);
      expect(subs.filter((s) => s.Protocol === 'email').map((s) => s.Endpoint).sort()).toEqual([...alerting.emails, ...alerting.emails].sort());
      for (const topic of Object.values(t.findResources('AWS::SNS::Topic'))) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
      t.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
      t.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) } });
    });

    it('alarms in us-east-1 on WAF block spikes (anomaly band) and CloudFront 5xx', () => {
      const edge = synth.template(env, 'EdgeObservability');
      expect(synth.stages[env].edgeObservability.region).toBe('us-east-1');
      const spike = alarm(edge, `${prefix}-waf-block-spike`);
      expect(spike).toMatchObject({ ComparisonOperator: 'GreaterThanUpperThreshold', ThresholdMetricId: 'expr_1', EvaluationPeriods: 3 });
      expect(spike.Metrics[0].Expression).toBe('ANOMALY_DETECTION_BAND(m0, 3)');
      expect(spike.Metrics[1].MetricStat.Metric).toMatchObject({ Namespace: 'AWS/WAFV2', MetricName: 'BlockedRequests', Dimensions: [{ Name: 'Rule', Value: 'ALL' }, { Name: 'WebACL', Value: prefix }] });
      expect(alarm(edge, `${prefix}-edge-5xx-rate`)).toMatchObject({ Namespace: 'AWS/CloudFront', MetricName: '5xxErrorRate', Threshold: Number((profile.alarms.fastBurnErrorRate * 100).toFixed(6)) });
    });

    it('builds a dashboard per region with the regional and edge widgets (and a global one with 2 or more regions)', () => {
      const edge = synth.template(env, 'EdgeObservability');
      const regions = environmentRegions(synth.config.environments[env].env);
      const dashboards = Object.values(edge.findResources('AWS::CloudWatch::Dashboard'));
      const byName = new Map(dashboards.map((d) => [d.Properties.DashboardName as string, d]));
      const expected = regions.map((r, i) => [i === 0 ? prefix : `${prefix}-${r}`, r] as const);
      expect([...byName.keys()].sort()).toEqual([...expected.map(([name]) => name), ...(regions.length > 1 ? [`${prefix}-global`] : [])].sort());
      for (const [name, region] of expected) {
        const body = JSON.stringify(byName.get(name)!.Properties.DashboardBody);
        for (const title of ['Requests', '4xx / 5xx rate (%)', 'Latency, total (ms)', 'Latency, integration (ms)', 'Latency, authorizer', 'Throttled by tier', 'Limiter fallback', 'Cache hit ratio (%)', 'WAF (edge): allowed and blocked', 'Masked values by type']) {
          expect(body).toContain(title);
        }
        for (const tier of config.tiers) expect(body).toContain(`\\"tier\\",\\"${tier.name}\\"`);
        expect(body).toContain(`\\"region\\":\\"${region}\\"`);
        expect(body).toContain(`${prefix}-authorizer`);
      }
      const edgeCache = config.routes.some((r) => (r.cache?.cdn_ttl ?? 0) > 0);
      expect(Object.keys(edge.findResources('AWS::CloudFront::MonitoringSubscription'))).toHaveLength(edgeCache ? 1 : 0);
    });
  });
});
