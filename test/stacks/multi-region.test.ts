import { Match } from 'aws-cdk-lib/assertions';
import type { Stack } from 'aws-cdk-lib';
import { formatFindings, synthesize } from '../support/synth';
import { twoRegionFintech } from '../support/two-region';
import { toAuthorizerConfig } from '../../lambdas/authorizer/config';

/** The fintech example's prod in eu-west-2 (primary) and eu-west-1 (decision 0026). */
const synth = synthesize({ yaml: twoRegionFintech() }, ['prod']);
const stage = synth.stages.prod;
const REGIONAL = ['Network', 'Data', 'Api', 'Audit', 'Observability'];
const outputOf = (stackName: string, region: string) => ({ 'Fn::GetStackOutput': Match.objectLike({ StackName: stackName, Region: region }) });

describe('a two-region environment', () => {
  it('deploys every regional stack in each region, and activates the user pool replica in the second; the primary keeps the one-region names', () => {
    const stacks = stage.node.children.map((c) => c as Stack).map((s) => `${s.node.id} ${s.stackName} ${s.region}`);
    expect(stacks).toEqual([
      'Edge payflow-prod-edge us-east-1',
      'Keys payflow-prod-keys eu-west-2',
      'Keys-eu-west-1 payflow-prod-keys-eu-west-1 eu-west-1',
      'Health payflow-prod-health us-east-1',
      ...['Network', 'Data', 'Identity', 'Api', 'Audit', 'Observability'].map((k) => `${k} payflow-prod-${k.toLowerCase()} eu-west-2`),
      ...REGIONAL.map((k) => `${k}-eu-west-1 payflow-prod-${k.toLowerCase()}-eu-west-1 eu-west-1`),
      'Identity-eu-west-1 payflow-prod-identity-eu-west-1 eu-west-1',
      'Routing payflow-prod-routing us-east-1',
      'Cdn payflow-prod-cdn us-east-1',
      'EdgeObservability payflow-prod-edge-observability us-east-1',
    ]);
  });

  it('passes the compliance gate in every region', () => {
    expect(formatFindings(synth.findings)).toBe('');
  });

  it('replicates the consumers table to the second region, the second region\'s replica under its copy of the multi-Region key', () => {
    synth.template('prod', 'Data').hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: Match.arrayWith([
        Match.objectLike({ Region: 'eu-west-1', SSESpecification: { KMSMasterKeyId: { 'Fn::Join': ['', ['arn:aws:kms:eu-west-1:210000000003:key/', outputOf('payflow-prod-keys', 'eu-west-2')]] } } }),
        // The primary keeps the key it had with one region (a new one would replace the cache).
        Match.objectLike({ Region: 'eu-west-2', SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } } }),
      ]),
    });
    synth.template('prod', 'Data-eu-west-1').resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  });

  it('holds a multi-Region primary key in the primary and its replica in the second region', () => {
    synth.template('prod', 'Keys').hasResourceProperties('AWS::KMS::Key', { MultiRegion: true, EnableKeyRotation: true });
    synth.template('prod', 'Keys-eu-west-1').hasResourceProperties('AWS::KMS::ReplicaKey', { PrimaryKeyArn: outputOf('payflow-prod-keys', 'eu-west-2') });
  });

  it('gives each region its own rate-limit cache: ElastiCache Serverless does not replicate across regions', () => {
    for (const stack of ['Data', 'Data-eu-west-1']) synth.template('prod', stack).resourceCountIs('AWS::ElastiCache::ServerlessCache', 1);
  });

  it('points the second region\'s authorizer at the table replica by the primary\'s table name, and at its own cache', () => {
    synth.template('prod', 'Api-eu-west-1').hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CONSUMERS_TABLE_NAME: outputOf('payflow-prod-data', 'eu-west-2'),
          REDIS_URL: { 'Fn::Join': Match.arrayWith([Match.arrayWith([outputOf('payflow-prod-data-eu-west-1', 'eu-west-1')])]) },
        }),
      },
    });
  });

  it('replicates the origin-verify secret to every API region', () => {
    synth.template('prod', 'Edge').hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [{ Region: 'eu-west-2' }, { Region: 'eu-west-1' }],
    });
  });

  it('keeps one multi-region CloudTrail trail, in the primary', () => {
    synth.template('prod', 'Audit').resourceCountIs('AWS::CloudTrail::Trail', 1);
    synth.template('prod', 'Audit-eu-west-1').resourceCountIs('AWS::CloudTrail::Trail', 0);
  });

  it('routes domains.api to each region by latency, each record guarded by its region\'s health check', () => {
    const records = Object.values(synth.template('prod', 'Routing').findResources('AWS::Route53::RecordSet')) as Array<{ Properties: Record<string, unknown> }>;
    const api = records.filter((r) => r.Properties.Name === 'origin.api.payflow.example.' || r.Properties.Name === 'origin.api.payflow.example');
    expect(api.map((r) => [r.Properties.Region, r.Properties.SetIdentifier, r.Properties.Type, r.Properties.TTL])).toEqual([
      ['eu-west-2', 'eu-west-2', 'CNAME', '60'], ['eu-west-1', 'eu-west-1', 'CNAME', '60'],
    ]);
    for (const r of api) expect(r.Properties.HealthCheckId).toBeDefined();
  });

  it('judges each region from us-east-1 by its probe alarm, keeping the last status when the alarm has no data', () => {
    const health = synth.template('prod', 'Health');
    for (const region of ['eu-west-2', 'eu-west-1']) {
      health.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: Match.objectLike({ Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: 'us-east-1', Name: Match.stringLikeRegexp(region) }, InsufficientDataHealthStatus: 'LastKnownStatus' }),
      });
    }
  });

  it('has a dashboard per region, a global one, and one page across regions from us-east-1 signals only', () => {
    const edge = synth.template('prod', 'EdgeObservability');
    const names = Object.values(edge.findResources('AWS::CloudWatch::Dashboard')).map((d) => (d as { Properties: { DashboardName: string } }).Properties.DashboardName);
    expect(names.sort()).toEqual(['payflow-prod', 'payflow-prod-eu-west-1', 'payflow-prod-global']);
    const composite = Object.values(edge.findResources('AWS::CloudWatch::CompositeAlarm')) as Array<{ Properties: { AlarmName: string; AlarmRule: unknown } }>;
    expect(composite.map((c) => c.Properties.AlarmName)).toEqual(['payflow-prod-global-availability']);
    const inputs = [...JSON.stringify(composite[0].Properties.AlarmRule).matchAll(/"Fn::GetAtt":\["(\w+)"/g)].map((m) => m[1]);
    const alarms = edge.findResources('AWS::CloudWatch::Alarm');
    expect(inputs).toHaveLength(2);
    for (const id of inputs) expect(alarms[id]).toBeDefined();
  });

  it('masks request data in every region\'s log groups', () => {
    for (const stack of ['Api', 'Api-eu-west-1']) {
      const groups = Object.values(synth.template('prod', stack).findResources('AWS::Logs::LogGroup')) as Array<{ Properties: { DataProtectionPolicy?: unknown } }>;
      expect(groups.filter((g) => g.Properties.DataProtectionPolicy).length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('a two-region environment with rate_limiting.across_regions: divided', () => {
  const divided = twoRegionFintech().replace('rate_limiting:\n', 'rate_limiting:\n  across_regions: divided\n');
  const dividedSynth = synthesize({ yaml: divided }, ['prod']);

  it('gives each region half of every tier limit, in its usage plans and in its authorizer\'s tiers', () => {
    for (const stack of ['Api', 'Api-eu-west-1']) {
      dividedSynth.template('prod', stack).hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        UsagePlanName: 'payflow-prod-partner', Throttle: { BurstLimit: 300, RateLimit: 5 }, Quota: { Limit: 100_000, Period: 'DAY' },
      });
    }
    for (const { gateway } of dividedSynth.stages.prod.regions) {
      expect(toAuthorizerConfig(gateway).tiers.find((t) => t.name === 'partner')).toMatchObject({ minute: 300, hour: 5_000, quota: { limit: 100_000 } });
    }
  });
});
