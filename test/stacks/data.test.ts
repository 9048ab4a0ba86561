import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { findingsIn, type NagFinding } from '../support/synth';
import { cachedVpcLookup, formatFindings, synthesizeFoundation } from './foundation-synth';
import { guardedEdit } from '../support/config-text';

const ROOT_YAML = readFileSync(join(__dirname, '../../gateway.config.yaml'), 'utf8');
const withCompliance = (list: string) => guardedEdit(ROOT_YAML, ['compliance: [soc2]', `compliance: ${list}`]);
const dataFindings = (findings: NagFinding[]) => formatFindings(findingsIn(findings, 'Data'));

describe('data stack of the root gateway.config.yaml (soc2, redis rate limiting)', () => {
  const synth = synthesizeFoundation({ file: 'gateway.config.yaml' }, { environment: 'dev' });
  const template = synth.template('Data');
  const keyArn = { 'Fn::GetAtt': [synth.data.resolve(synth.data.encryptionKey!.keyId).Ref, 'Arn'] };

  it('keys the consumers table on pk (string) with PITR, deletion protection and an expires_at TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      Replicas: [Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      })],
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
  });

  it('encrypts the table with the stack\'s rotated customer-managed key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: keyArn } })],
    });
  });

  it('runs a Valkey 8 serverless cache in the isolated subnets, encrypted with the same key', () => {
    const isolated = synth.network.vpc.isolatedSubnets.map((s) => synth.data.resolve(s.subnetId));
    expect(isolated).toHaveLength(3);
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
      MajorEngineVersion: '8',
      ServerlessCacheName: 'gatehouse-dev-ratelimit',
      SubnetIds: isolated,
      SecurityGroupIds: [synth.data.resolve(synth.data.rateLimitCache!.securityGroup.securityGroupId)],
      KmsKeyId: keyArn,
      // Counters are ephemeral: no snapshots.
      SnapshotRetentionLimit: Match.absent(),
      DailySnapshotTime: Match.absent(),
    });
  });

  it('lets only the Lambda security group reach the cache, on 6379', () => {
    const cacheSg = synth.data.resolve(synth.data.rateLimitCache!.securityGroup.securityGroupId);
    const lambdaSg = synth.data.resolve(synth.network.lambdaSecurityGroup.securityGroupId);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress).toEqual([expect.objectContaining({ GroupId: cacheSg, SourceSecurityGroupId: lambdaSg, FromPort: 6379, ToPort: 6379, IpProtocol: 'tcp' })]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: lambdaSg, DestinationSecurityGroupId: cacheSg, FromPort: 6379, ToPort: 6379 });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Rate-limit cache'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  it('exposes the cache endpoint, port and ARN as attributes of the serverless cache', () => {
    const cache = synth.data.rateLimitCache!;
    const logicalId = Object.keys(template.findResources('AWS::ElastiCache::ServerlessCache'))[0];
    expect(synth.data.resolve(cache.endpointAddress)).toEqual({ 'Fn::GetAtt': [logicalId, 'Endpoint.Address'] });
    expect(synth.data.resolve(cache.port)).toEqual({ 'Fn::GetAtt': [logicalId, 'Endpoint.Port'] });
    expect(synth.data.resolve(cache.arn)).toEqual({ 'Fn::GetAtt': [logicalId, 'ARN'] });
  });

  it('has no unacknowledged compliance finding', () => {
    expect(dataFindings(synth.findings)).toBe('');
  });
});

describe('data stack compliance across profiles', () => {
  it.each(['[pci-dss]', '[hipaa]', '[gdpr]', '[]'])('has no unacknowledged finding with compliance %s', (list) => {
    const synth = synthesizeFoundation({ yaml: withCompliance(list) }, { environment: 'dev' });
    expect(dataFindings(synth.findings)).toBe('');
  });

  it('uses AWS managed encryption and no CMK without a compliance regime', () => {
    const synth = synthesizeFoundation({ yaml: withCompliance('[]') }, { environment: 'dev' });
    const template = synth.template('Data');
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ SSESpecification: Match.absent() })],
    });
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', { KmsKeyId: Match.absent() });
    expect(synth.data.encryptionKey).toBeUndefined();
  });
});

describe('data stack with local rate limiting', () => {
  const synth = synthesizeFoundation({ yaml: guardedEdit(ROOT_YAML, ['  strategy: redis', '  strategy: local']) }, { environment: 'dev' });

  it('creates no cache and exposes none', () => {
    synth.template('Data').resourceCountIs('AWS::ElastiCache::ServerlessCache', 0);
    expect(synth.data.rateLimitCache).toBeUndefined();
  });

  it('still creates the consumers table', () => {
    synth.template('Data').resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
  });
});

describe('data stack in an imported VPC', () => {
  const vpcId = 'vpc-0abc12345678def01';
  const yaml = withCompliance('[pci-dss]').replace(
    '    certificates:\n      alb: arn:aws:acm:eu-west-1:111111111111',
    `    vpc: { id: ${vpcId} }\n    certificates:\n      alb: arn:aws:acm:eu-west-1:111111111111`,
  );
  const synth = synthesizeFoundation({ yaml }, { environment: 'dev', context: cachedVpcLookup(vpcId, '111111111111', 'eu-west-1') });

  it('places the cache in the VPC\'s private subnets (it has no isolated ones)', () => {
    synth.template('Data').hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      SubnetIds: ['subnet-0b000000000001', 'subnet-0b000000000002'],
    });
  });

  it('has no unacknowledged compliance finding', () => {
    expect(dataFindings(synth.findings)).toBe('');
  });
});
