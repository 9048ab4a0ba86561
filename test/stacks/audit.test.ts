import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { auditTransitions } from '../../lib/constructs/audit-bucket';
import { MANAGED_IDENTIFIERS, REGIME_IDENTIFIERS } from '../../lib/constructs/audit-data-protection';
import { EXAMPLES, findingsIn, formatFindings, ROOT, synthesize, type Synthesized } from '../support/synth';
import { guardedEdit } from '../support/config-text';

const ROOT_YAML = readFileSync(join(ROOT, 'gateway.config.yaml'), 'utf8');
const withCompliance = (list: string, extra = '') => guardedEdit(ROOT_YAML, ['compliance: [soc2]', `compliance: ${list}`]) + extra;
const mine = (s: Synthesized) => formatFindings(findingsIn(s.findings, 'Audit', 'Observability', 'EdgeObservability'));
const only = (t: Template, type: string) => {
  const found = Object.values(t.findResources(type));
  expect(found).toHaveLength(1);
  return found[0].Properties as Record<string, any>;
};

describe.each(EXAMPLES)('Audit stack with %s', (file) => {
  const synth = synthesize({ file });

  it('has no unacknowledged nag finding in the audit and observability stacks', () => {
    expect(mine(synth)).toBe('');
  });

  it.each(Object.keys(synth.stages))('locks every audit object for the compliance retention and expires it right after (%s)', (env) => {
    const { profile } = synth.config.environments[env];
    const t = synth.template(env, 'Audit');
    t.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: profile.auditRetentionDays } } },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'audit-bucket/' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({
        Id: 'retention',
        ExpirationInDays: profile.auditRetentionDays,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        ...(auditTransitions(profile.auditRetentionDays).length ? { Transitions: Match.anyValue() } : {}),
      })]) },
    });
  });

  it('sends the access and authorizer logs through the masking transformer to the bucket', () => {
    const env = Object.keys(synth.stages)[0];
    const { config, profile } = synth.config.environments[env];
    const t = synth.template(env, 'Audit');
    const stream = only(t, 'AWS::KinesisFirehose::DeliveryStream');
    expect(stream.DeliveryStreamEncryptionConfigurationInput.KeyType).toBe('CUSTOMER_MANAGED_CMK');
    const s3 = stream.ExtendedS3DestinationConfiguration;
    expect(s3).toMatchObject({
      CompressionFormat: 'GZIP',
      Prefix: `audit/${env}/!{timestamp:yyyy/MM/dd/HH}/`,
      ErrorOutputPrefix: `failed/${env}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
      EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } } },
      CloudWatchLoggingOptions: { Enabled: true },
    });
    const params = Object.fromEntries(s3.ProcessingConfiguration.Processors[0].Parameters.map((p: any) => [p.ParameterName, p.ParameterValue]));
    expect(params).toMatchObject({ BufferSizeInMBs: '0.25', NumberOfRetries: '3', BufferIntervalInSeconds: '60' });
    t.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `${config.name}-${env}-audit-transformer`,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({
        GATEHOUSE_TRUNCATE_CLIENT_IP: String(profile.truncateClientIp),
        GATEHOUSE_API_KEY_HEADER: config.identity.api_keys.header,
        GATEHOUSE_PII_MASKING: 'true',
        POWERTOOLS_SERVICE_NAME: 'gatehouse-audit-transformer',
        POWERTOOLS_METRICS_NAMESPACE: 'Gatehouse',
      }) },
    });
    const filters = Object.values(t.findResources('AWS::Logs::SubscriptionFilter')).map((r) => r.Properties);
    expect(filters.map((f) => f.FilterName).sort()).toEqual([`${config.name}-${env}-audit-access`, `${config.name}-${env}-audit-authorizer`]);
    expect(JSON.stringify(filters.map((f) => f.LogGroupName))).toMatch(/AccessLogs.*AuthorizerLogs|AuthorizerLogs.*AccessLogs/);
    for (const f of filters) expect(f.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PipelineStream/), 'Arn'] });
    // Records that do not fit the transformer's answer go back into its own stream, and only there.
    const putBack = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => st.Action === 'firehose:PutRecordBatch');
    expect(putBack).toHaveLength(1);
    expect(JSON.stringify(putBack[0].Resource)).toContain(`:deliverystream/${config.name}-${env}-audit`);
  });

  it('records control-plane changes with CloudTrail: multi-region write events, validated, encrypted, in CloudWatch Logs', () => {
    const env = Object.keys(synth.stages)[0];
    only(synth.template(env, 'Audit'), 'AWS::CloudTrail::Trail');
    synth.template(env, 'Audit').hasResourceProperties('AWS::CloudTrail::Trail', {
      EnableLogFileValidation: true, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }],
      KMSKeyId: Match.anyValue(), CloudWatchLogsLogGroupArn: Match.anyValue(), S3KeyPrefix: 'cloudtrail',
    });
  });

  it('puts a data protection policy on every log group that may hold request data: access, authorizer and both WAF logs', () => {
    const env = Object.keys(synth.stages)[0];
    const protectedGroups = (stack: 'Api' | 'Edge') => Object.values(synth.template(env, stack).findResources('AWS::Logs::LogGroup'))
      .filter((g) => g.Properties.DataProtectionPolicy);
    const names = (groups: ReturnType<typeof protectedGroups>) => groups.map((g) => g.Properties.LogGroupName ?? '(generated)').sort();
    expect(names(protectedGroups('Api'))).toEqual(['(generated)', expect.stringMatching(/^\/aws\/lambda\/.*-authorizer$/), expect.stringMatching(/^aws-waf-logs-.*-api$/)].sort());
    expect(names(protectedGroups('Edge'))).toEqual([expect.stringMatching(/^aws-waf-logs-/)]);
    const groups = [...protectedGroups('Api'), ...protectedGroups('Edge')];
    expect(groups).toHaveLength(4);
    for (const g of groups) {
      const policy = g.Properties.DataProtectionPolicy;
      expect(policy.Configuration.CustomDataIdentifier.map((c: any) => c.Name)).toEqual(['BearerToken', 'JsonWebToken', 'ApiKey']);
      expect(policy.Statement.map((s: any) => Object.keys(s.Operation)[0])).toEqual(['Audit', 'Deidentify']);
      expect(JSON.stringify(policy.Statement[1].DataIdentifier)).toContain('data-identifier/EmailAddress');
      const regimes = new Set(synth.config.base.compliance.flatMap((c) => REGIME_IDENTIFIERS[c]));
      expect(policy.Statement[1].DataIdentifier).toHaveLength(new Set([...MANAGED_IDENTIFIERS, ...regimes]).size + 3);
    }
  });
});

describe('audit retention follows the compliance list', () => {
  it.each([
    ['[]', 90, ['STANDARD_IA']],
    ['[gdpr]', 180, ['STANDARD_IA', 'GLACIER_IR']],
    ['[pci-dss]', 365, ['STANDARD_IA', 'GLACIER_IR']],
    ['[hipaa, gdpr]', 2192, ['STANDARD_IA', 'GLACIER_IR', 'DEEP_ARCHIVE']],
  ])('compliance %s keeps the trail %i days', (list, days, classes) => {
    const synth = synthesize({ yaml: withCompliance(list) }, ['dev']);
    expect(mine(synth)).toBe('');
    const bucket = Object.values(synth.template('dev', 'Audit').findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }))[0].Properties;
    expect(bucket.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: days });
    const rule = bucket.LifecycleConfiguration.Rules.find((r: any) => r.Id === 'retention');
    expect(rule.ExpirationInDays).toBe(days);
    // The data protection policy masks the identifiers of each regime in the list.
    const policy = Object.values(synth.template('dev', 'Api').findResources('AWS::Logs::LogGroup')).find((g) => g.Properties.DataProtectionPolicy)!.Properties.DataProtectionPolicy;
    const ids = JSON.stringify(policy.Statement[1].DataIdentifier);
    expect({ hipaa: ids.includes('HealthInsuranceClaimNumber-US'), pci: ids.includes('BankAccountNumber-US'), gdpr: ids.includes('HealthInsuranceCardNumber-EU'), ip: ids.includes('IpAddress') })
      .toEqual({ hipaa: list.includes('hipaa'), pci: list.includes('pci-dss'), gdpr: list.includes('gdpr'), ip: false });
    expect((rule.Transitions ?? []).map((t: any) => t.StorageClass)).toEqual(classes);
  });

  it('honours audit.retention_days and truncates client IPs when gdpr applies', () => {
    const synth = synthesize({ yaml: withCompliance('[gdpr]', '\naudit:\n  retention_days: 400\n  pii_masking: false\n') }, ['dev']);
    const t = synth.template('dev', 'Audit');
    t.hasResourceProperties('AWS::S3::Bucket', { ObjectLockConfiguration: { Rule: { DefaultRetention: { Days: 400 } } } });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ GATEHOUSE_TRUNCATE_CLIENT_IP: 'true', GATEHOUSE_PII_MASKING: 'false' }) } });
    // pii_masking off: only credential identifiers stay in the log groups' policy.
    const policy = Object.values(synth.template('dev', 'Api').findResources('AWS::Logs::LogGroup')).find((g) => g.Properties.DataProtectionPolicy)!.Properties.DataProtectionPolicy;
    expect(JSON.stringify(policy)).not.toContain('EmailAddress');
    expect(JSON.stringify(policy)).toContain('AwsSecretKey');
  });
});

describe('auditTransitions', () => {
  it('only moves objects to a class they will stay in for its minimum storage duration', () => {
    expect(auditTransitions(45)).toEqual([]);
    expect(auditTransitions(90).map((t) => [t.storageClass.value, t.afterDays])).toEqual([['STANDARD_IA', 30]]);
    expect(auditTransitions(2192).map((t) => [t.storageClass.value, t.afterDays])).toEqual([['STANDARD_IA', 30], ['GLACIER_IR', 90], ['DEEP_ARCHIVE', 365]]);
  });
});
