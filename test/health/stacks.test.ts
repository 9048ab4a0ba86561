import { Match, type Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../support/synth';
import { acmeMultiRegion, fintechTwoRegions } from './fixtures';
import { EDGE_KEY_ARN, synthHealth, type HealthSynth } from './synth-health';

type Props = Record<string, any>;
const resources = (t: Template, type: string): Props[] => Object.values(t.findResources(type)).map((r) => r.Properties);
const withLogicalIds = (t: Template, type: string): Array<[string, Props]> => Object.entries(t.findResources(type));
/** A weak cross-stack reference as CDK renders it (cdk.json defaultCrossStackReferences: weak). */
const stackOutput = (stackName: string, region: string) => ({ 'Fn::GetStackOutput': { StackName: stackName, Region: region, OutputName: Match.anyValue() } });

describe('Health and Routing stacks: fintech prod on eu-west-2 + eu-west-1 (latency, watched from us-east-1)', () => {
  let synth: HealthSynth;
  let health: Template;
  let routing: Template;
  beforeAll(() => {
    synth = synthHealth(fintechTwoRegions());
    health = synth.template(synth.health['us-east-1']);
    routing = synth.template(synth.routing);
  });

  it('passes the compliance gate (AwsSolutions + PCI-DSS) with every finding acknowledged', () => {
    expect(formatFindings(synth.findings)).toBe('');
  });

  it('has one Health stack, in us-east-1, watching both regions', () => {
    expect(Object.keys(synth.health)).toEqual(['us-east-1']);
    expect(synth.health['us-east-1'].region).toBe('us-east-1');
    expect(Object.keys(synth.health['us-east-1'].healthCheckIds)).toEqual(['eu-west-2', 'eu-west-1']);
  });

  it('alarms per region in us-east-1 when 3 or more probes of a period fail, leaving missing data missing', () => {
    for (const region of ['eu-west-2', 'eu-west-1']) {
      health.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `payflow-prod-health-${region}`,
        Namespace: 'Gatehouse',
        MetricName: 'HealthProbeFailures',
        Dimensions: Match.arrayWith([{ Name: 'TargetRegion', Value: region }, { Name: 'service', Value: 'gatehouse-health-prober' }]),
        Statistic: 'Sum',
        Period: 60,
        Threshold: 3,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'missing',
      });
    }
    health.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });

  it('follows each alarm with a CLOUDWATCH_METRIC check that keeps its last status without data, created after its alarm', () => {
    const checks = withLogicalIds(health, 'AWS::Route53::HealthCheck');
    const alarms = Object.fromEntries(withLogicalIds(health, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => [alarm.Properties.AlarmName, id]));
    expect(checks.map(([, r]) => r.Properties.HealthCheckConfig)).toEqual(['eu-west-2', 'eu-west-1'].map((region) => ({
      Type: 'CLOUDWATCH_METRIC',
      AlarmIdentifier: { Name: `payflow-prod-health-${region}`, Region: 'us-east-1' },
      InsufficientDataHealthStatus: 'LastKnownStatus',
    })));
    for (const [, check] of checks) {
      expect(check.DependsOn).toContain(alarms[check.Properties.HealthCheckConfig.AlarmIdentifier.Name]);
    }
  });

  it('runs the prober every minute, never retried, with the observer\'s config and a timeout before the next run', () => {
    health.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'payflow-prod-health-prober',
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProberFunction'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
      },
    });
    const fn = resources(health, 'AWS::Lambda::Function')[0];
    expect(fn).toMatchObject({ FunctionName: 'payflow-prod-health-prober', Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 57, ReservedConcurrentExecutions: 2, TracingConfig: { Mode: 'Active' } });
    expect(fn.VpcConfig).toBeUndefined();
    expect(JSON.parse(fn.Environment.Variables.GATEHOUSE_HEALTH_PROBER_CONFIG)).toEqual({
      targets: ['eu-west-2', 'eu-west-1'],
      probe: { path: '/_gatehouse/health', host: 'origin.api.payflow.example', probesPerPeriod: 6, intervalMs: 10000, timeoutMs: 2000, periodSeconds: 60 },
      originVerify: { secretName: 'payflow/prod/origin-verify', header: 'X-Origin-Verify' },
    });
    health.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });

  it('lets the prober look up exactly the probed custom domain per region and read (and decrypt) the origin-verify secret', () => {
    const statements = resources(health, 'AWS::IAM::Policy').flatMap((p) => p.PolicyDocument.Statement);
    const lookUp = statements.find((s) => s.Sid === 'LookUpRegionalDomainNames');
    expect(lookUp.Action).toBe('apigateway:GET');
    expect([...lookUp.Resource].sort()).toEqual(['arn:aws:apigateway:eu-west-1::/domainnames/origin.api.payflow.example', 'arn:aws:apigateway:eu-west-2::/domainnames/origin.api.payflow.example']);
    expect(statements.find((s) => s.Sid === 'ReadOriginVerifySecret')).toMatchObject({
      Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:us-east-1:210000000003:secret:payflow/prod/origin-verify-??????',
    });
    expect(statements.find((s) => s.Sid === 'DecryptOriginVerifySecret')).toMatchObject({
      Action: 'kms:Decrypt', Resource: EDGE_KEY_ARN, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    });
  });

  it('keeps the prober\'s logs 90 days under a rotated customer-managed key (PCI DSS)', () => {
    health.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/payflow-prod-health-prober', RetentionInDays: 90, KmsKeyId: Match.anyValue() });
    health.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('writes per name and region a CNAME to the region\'s regional domain name, TTL 60, SetIdentifier and Region = region, with the region\'s health check', () => {
    const records = resources(routing, 'AWS::Route53::RecordSet');
    expect(records.map((r) => [r.Name, r.SetIdentifier])).toEqual([
      ['origin.api.payflow.example', 'eu-west-2'], ['origin.api.payflow.example', 'eu-west-1'],
      ['internal.api.payflow.example', 'eu-west-2'], ['internal.api.payflow.example', 'eu-west-1'],
    ]);
    for (const r of records) {
      expect(r).toMatchObject({ HostedZoneId: 'Z0123456789EXAMPLE', Type: 'CNAME', TTL: '60', Region: r.SetIdentifier });
      expect(r.Failover).toBeUndefined();
      expect(r.GeoLocation).toBeUndefined();
      expect(r.AliasTarget).toBeUndefined();
      // Weak cross-region references: the regional domain name from the region's Api stack, the check from Health.
      expect(r.ResourceRecords).toEqual([{ 'Fn::GetStackOutput': { StackName: `payflow-prod-api-${r.SetIdentifier}`, Region: r.SetIdentifier, OutputName: expect.stringMatching(/RegionalDomainName/) } }]);
      expect(r.HealthCheckId).toEqual({ 'Fn::GetStackOutput': { StackName: 'payflow-prod-health', Region: 'us-east-1', OutputName: expect.stringMatching(/HealthCheckId/) } });
    }
    // The mTLS domain's own regional name, not the API domain's.
    expect(records[2].ResourceRecords[0]['Fn::GetStackOutput'].OutputName).toMatch(/Mtls/);
    // One check per region: both names of a region carry the same one.
    expect(records[0].HealthCheckId).toEqual(records[2].HealthCheckId);
    expect(records[0].HealthCheckId).not.toEqual(records[1].HealthCheckId);
  });

  it('adds the calculated "some region healthy" check over both regions\' checks, threshold 1', () => {
    routing.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'CALCULATED', HealthThreshold: 1, ChildHealthChecks: [stackOutput('payflow-prod-health', 'us-east-1'), stackOutput('payflow-prod-health', 'us-east-1')] },
      HealthCheckTags: [{ Key: 'Name', Value: 'payflow-prod-health-any-region' }],
    });
    expect(synth.routing.dependencies.map((s) => s.stackName).sort()).toEqual(['payflow-prod-api-eu-west-1', 'payflow-prod-api-eu-west-2', 'payflow-prod-health']);
  });

  it('makes the Health stack depend on no regional stack', () => {
    expect(synth.health['us-east-1'].dependencies).toEqual([]);
  });
});

describe('Health stacks when us-east-1 itself serves (us-east-1 + eu-west-1)', () => {
  let synth: HealthSynth;
  beforeAll(() => { synth = synthHealth(acmeMultiRegion(['us-east-1', 'eu-west-1'])); });

  it('watches us-east-1 from eu-west-1 and eu-west-1 from us-east-1, each alarm beside its check\'s AlarmIdentifier', () => {
    expect(Object.keys(synth.health).sort()).toEqual(['eu-west-1', 'us-east-1']);
    const fromEuWest1 = synth.template(synth.health['eu-west-1']);
    fromEuWest1.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'acme-live-health-us-east-1', Dimensions: Match.arrayWith([{ Name: 'TargetRegion', Value: 'us-east-1' }]) });
    fromEuWest1.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: 'acme-live-health-us-east-1', Region: 'eu-west-1' }, InsufficientDataHealthStatus: 'LastKnownStatus' } });
    expect(JSON.parse(resources(fromEuWest1, 'AWS::Lambda::Function')[0].Environment.Variables.GATEHOUSE_HEALTH_PROBER_CONFIG).targets).toEqual(['us-east-1']);
    // The secret there is the replica, under aws/secretsmanager: no key to grant.
    const statements = resources(fromEuWest1, 'AWS::IAM::Policy').flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.find((s) => s.Sid === 'ReadOriginVerifySecret').Resource).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:acme/live/origin-verify-??????');
    expect(statements.find((s) => s.Sid === 'DecryptOriginVerifySecret')).toBeUndefined();

    const fromUsEast1 = synth.template(synth.health['us-east-1']);
    fromUsEast1.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: { AlarmIdentifier: { Name: 'acme-live-health-eu-west-1', Region: 'us-east-1' } } });
    fromUsEast1.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  it('takes us-east-1\'s check into its records across regions', () => {
    const records = resources(synth.template(synth.routing), 'AWS::Route53::RecordSet');
    expect(records.find((r) => r.SetIdentifier === 'us-east-1')!.HealthCheckId).toEqual({ 'Fn::GetStackOutput': { StackName: 'acme-live-health-eu-west-1', Region: 'eu-west-1', OutputName: expect.any(String) } });
    expect(records.find((r) => r.SetIdentifier === 'eu-west-1')!.HealthCheckId).toEqual({ 'Fn::GetStackOutput': { StackName: 'acme-live-health', Region: 'us-east-1', OutputName: expect.any(String) } });
    expect(formatFindings(synth.findings)).toBe('');
  });
});

describe('Routing records of the other policies', () => {
  it('failover: PRIMARY for the primary, SECONDARY for the second region, each with its check', () => {
    const synth = synthHealth(acmeMultiRegion(['eu-west-2', 'eu-west-1'], { policy: 'failover', ttl_seconds: 30 }));
    const records = resources(synth.template(synth.routing), 'AWS::Route53::RecordSet');
    expect(records.map((r) => [r.SetIdentifier, r.Failover, r.TTL, r.Region])).toEqual([['eu-west-2', 'PRIMARY', '30', undefined], ['eu-west-1', 'SECONDARY', '30', undefined]]);
    expect(records.every((r) => r.HealthCheckId)).toBe(true);
  });

  it('geolocation: a country, a continent and the default (CountryCode *), one record each', () => {
    const synth = synthHealth(acmeMultiRegion(['eu-west-2', 'eu-west-1'], { policy: 'geolocation', geolocation: { GB: 'eu-west-2', 'continent:EU': 'eu-west-1', default: 'eu-west-1' } }));
    const records = resources(synth.template(synth.routing), 'AWS::Route53::RecordSet');
    expect(records.map((r) => [r.SetIdentifier, r.GeoLocation])).toEqual([
      ['eu-west-2-GB', { CountryCode: 'GB' }], ['eu-west-1-continent-EU', { ContinentCode: 'EU' }], ['eu-west-1-default', { CountryCode: '*' }],
    ]);
    expect(records.every((r) => r.Region === undefined && r.Failover === undefined)).toBe(true);
  });
});

describe('compliance packs of other regimes (HIPAA, NIST 800-53 for SOC 2)', () => {
  it('acknowledges every finding of the Health and Routing stacks', () => {
    const gateway = acmeMultiRegion(['eu-west-2', 'eu-west-1'], {}, {}, { compliance: ['hipaa', 'soc2'] });
    expect(gateway.profile.nagPacks).toEqual(expect.arrayContaining(['AwsSolutions', 'HIPAA-Security', 'NIST-800-53-R5']));
    const synth = synthHealth(gateway);
    expect(formatFindings(synth.findings)).toBe('');
  });
});
