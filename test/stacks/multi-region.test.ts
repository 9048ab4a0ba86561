import { Match } from 'aws-cdk-lib/assertions';
import type { Stack } from 'aws-cdk-lib';
import { formatFindings, synthesize } from '../support/synth';
import { twoRegionFintech } from '../support/two-region';

/** The fintech example's prod in eu-west-2 (primary) and eu-west-1 (decision 0026). */
const synth = synthesize({ yaml: twoRegionFintech() }, ['prod']);
const stage = synth.stages.prod;
const REGIONAL = ['Network', 'Data', 'Api', 'Audit', 'Observability'];
const outputOf = (stackName: string, region: string) => ({ 'Fn::GetStackOutput': Match.objectLike({ StackName: stackName, Region: region }) });

describe('a two-region environment', () => {
  it('deploys every regional stack in each region; the primary keeps the one-region names', () => {
    const stacks = stage.node.children.map((c) => c as Stack).map((s) => `${s.node.id} ${s.stackName} ${s.region}`);
    expect(stacks).toEqual([
      'Edge payflow-prod-edge us-east-1',
      'Keys payflow-prod-keys eu-west-2',
      'Keys-eu-west-1 payflow-prod-keys-eu-west-1 eu-west-1',
      ...['Network', 'Data', 'Identity', 'Api', 'Audit', 'Observability'].map((k) => `${k} payflow-prod-${k.toLowerCase()} eu-west-2`),
      ...REGIONAL.map((k) => `${k}-eu-west-1 payflow-prod-${k.toLowerCase()}-eu-west-1 eu-west-1`),
      'Cdn payflow-prod-cdn us-east-1',
      'EdgeObservability payflow-prod-edge-observability us-east-1',
    ]);
  });

  it('passes the compliance gate in every region', () => {
    expect(formatFindings(synth.findings)).toBe('');
  });

  it('replicates the consumers table to the second region, each replica under that region\'s copy of the multi-Region key', () => {
    synth.template('prod', 'Data').hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: Match.arrayWith([
        Match.objectLike({ Region: 'eu-west-1', SSESpecification: { KMSMasterKeyId: { 'Fn::Join': ['', ['arn:aws:kms:eu-west-1:210000000003:key/', outputOf('payflow-prod-keys', 'eu-west-2')]] } } }),
        Match.objectLike({ Region: 'eu-west-2', SSESpecification: { KMSMasterKeyId: outputOf('payflow-prod-keys', 'eu-west-2') } }),
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

  it('masks request data in every region\'s log groups', () => {
    for (const stack of ['Api', 'Api-eu-west-1']) {
      const groups = Object.values(synth.template('prod', stack).findResources('AWS::Logs::LogGroup')) as Array<{ Properties: { DataProtectionPolicy?: unknown } }>;
      expect(groups.filter((g) => g.Properties.DataProtectionPolicy).length).toBeGreaterThanOrEqual(2);
    }
  });
});
