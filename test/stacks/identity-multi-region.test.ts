import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../lib/checks/load';
import { applyCompliancePacks } from '../../lib/compliance/nag';
import type { GatewayEnvironment } from '../../lib/config/environments';
import { inRegion } from '../../lib/config/regions';
import { IdentityReplicaStack, IdentityStack, type IdentityStackProps } from '../../lib/stacks/identity-stack';
import { CDK_CONTEXT, synthFindings } from '../support/synth';
import { oneRegionFintech, twoRegionFintech } from '../support/two-region';

/**
 * The identity stack of a two-region environment (decision 0026, D8): fintech prod served from
 * eu-west-2 and eu-west-1. Built alone (its inputs are the config and two ids), with the feature
 * flags of cdk.json and the environment's compliance packs.
 */
const PRIMARY_ONLY = { overrides: { identity: { cognito: { multi_region: 'primary_only' } } } };

const KEY_ARN = 'arn:aws:kms:eu-west-2:210000000003:key/mrk-0123456789abcdef0123456789abcdef';
const HEALTH_CHECK_ID = '0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7';

const prod = (yaml: string): GatewayEnvironment => parseConfig(yaml, 'fintech-two-regions.yaml').environments.prod;

interface Built { readonly template: Template; readonly findings: string[] }

/** Synthesizes the primary's identity stack with the compliance packs of the environment. */
function identityOf(gateway: GatewayEnvironment, extra: Omit<IdentityStackProps, 'gateway'> = {}): Built {
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-identity-'));
  try {
    const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const stack = new IdentityStack(app, 'Identity', { gateway: inRegion(gateway, gateway.env.region), env: { account: gateway.env.account, region: gateway.env.region }, ...extra });
    return synthesized(app, stack, gateway);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function synthesized(app: App, stack: Stack, gateway: GatewayEnvironment): { template: Template; findings: string[] } {
  applyCompliancePacks(app, gateway.profile.nagPacks, { apiKeyHeader: gateway.config.identity.api_keys.header, routes: gateway.config.routes });
  const findings = synthFindings(app).map((f) => `${f.rule} at ${f.path}`);
  return { template: Template.fromJSON(JSON.parse(readFileSync(join(app.outdir, stack.templateFile), 'utf8'))), findings };
}

const only = (template: Template, type: string) => {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return { id: found[0][0], ...found[0][1] } as { id: string; Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };
};

describe('identity of fintech prod on two regions, replicate (the default)', () => {
  const gateway = prod(twoRegionFintech());
  const { template, findings } = identityOf(gateway, { userPoolKeyArn: KEY_ARN, failoverHealthCheckId: HEALTH_CHECK_ID });
  const pool = only(template, 'AWS::Cognito::UserPool');

  it('reads the default multi_region as replicate', () => {
    expect(gateway.config.identity.cognito?.multi_region).toBe('replicate');
  });

  it('issues tokens with the UPDATED issuer and encrypts the pool with the multi-Region key', () => {
    expect(pool.Properties).toMatchObject({
      IssuerConfiguration: { Type: 'UPDATED' },
      KeyConfiguration: { KeyType: 'CUSTOMER_MANAGED_KEY', KmsKeyArn: KEY_ARN },
      // Replication needs Essentials or Plus: fintech enforces threat protection, so Plus.
      UserPoolTier: 'PLUS',
    });
  });

  it('replicates the pool to regions[1] only (one secondary per pool)', () => {
    const replica = only(template, 'AWS::Cognito::UserPoolReplica');
    expect(replica.Properties).toEqual({ UserPoolId: { Ref: pool.id }, RegionName: 'eu-west-1' });
  });

  it('fails the hosted domain over to regions[1] on the primary\'s health check, after the replica exists', () => {
    const domain = only(template, 'AWS::Cognito::UserPoolDomain');
    const replica = only(template, 'AWS::Cognito::UserPoolReplica');
    expect(domain.Properties).toMatchObject({
      Domain: 'payflow-prod',
      Routing: { Failover: { PrimaryRoute53HealthCheckId: HEALTH_CHECK_ID, SecondaryRegion: 'eu-west-1' } },
    });
    expect(domain.DependsOn).toContain(replica.id);
  });

  it('keeps the deployed pool: same logical id and retention as the one-region stack, so the change is an in-place update', () => {
    const { template: oneRegion } = identityOf(prod(oneRegionFintech()));
    const before = only(oneRegion, 'AWS::Cognito::UserPool');
    expect(pool.id).toBe(before.id);
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    // Apart from the two multi-region properties, the pool is the one already deployed.
    const { IssuerConfiguration: _issuer, KeyConfiguration: _key, ...rest } = pool.Properties;
    expect(rest).toEqual(before.Properties);
  });

  it('has no unacknowledged compliance finding (pci-dss: the replica and the domain failover add none)', () => {
    expect(findings.filter((f) => f.includes('/Identity/'))).toEqual([]);
  });
});

describe('identity of fintech prod on two regions, replicate, without a health check id', () => {
  const { template } = identityOf(prod(twoRegionFintech()), { userPoolKeyArn: KEY_ARN });

  it('still replicates, but leaves the hosted domain in the primary region', () => {
    only(template, 'AWS::Cognito::UserPoolReplica');
    expect(only(template, 'AWS::Cognito::UserPoolDomain').Properties).not.toHaveProperty('Routing');
  });
});

describe('identity of fintech prod on two regions, primary_only', () => {
  const { template } = identityOf(prod(twoRegionFintech(PRIMARY_ONLY)), { userPoolKeyArn: KEY_ARN, failoverHealthCheckId: HEALTH_CHECK_ID });

  it('switches the issuer to UPDATED (the same in every region) but neither replicates nor changes the key', () => {
    const pool = only(template, 'AWS::Cognito::UserPool');
    expect(pool.Properties).toMatchObject({ IssuerConfiguration: { Type: 'UPDATED' } });
    expect(pool.Properties).not.toHaveProperty('KeyConfiguration');
    template.resourceCountIs('AWS::Cognito::UserPoolReplica', 0);
    expect(only(template, 'AWS::Cognito::UserPoolDomain').Properties).not.toHaveProperty('Routing');
  });
});

describe('identity of a one-region environment (fintech prod without its second region)', () => {
  const { template } = identityOf(prod(oneRegionFintech()), { userPoolKeyArn: KEY_ARN, failoverHealthCheckId: HEALTH_CHECK_ID });

  it('writes neither issuer nor key configuration and creates no replica, whatever the stage passes', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', { IssuerConfiguration: Match.absent(), KeyConfiguration: Match.absent() });
    template.resourceCountIs('AWS::Cognito::UserPoolReplica', 0);
    expect(only(template, 'AWS::Cognito::UserPoolDomain').Properties).not.toHaveProperty('Routing');
  });
});

describe('identity of two regions with replicate but no key', () => {
  it('refuses to synthesize: Cognito would refuse the replica at deploy', () => {
    expect(() => identityOf(prod(twoRegionFintech()))).toThrow(
      'invariant: identity.cognito.multi_region is "replicate" with regions eu-west-2, eu-west-1, but the identity stack got no userPoolKeyArn',
    );
  });
});

describe('an identity stack built for a secondary region', () => {
  it('refuses to synthesize: the pool lives in the primary region only', () => {
    const gateway = prod(twoRegionFintech());
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    expect(() => new IdentityStack(app, 'Identity-eu-west-1', { gateway: inRegion(gateway, 'eu-west-1'), env: { account: gateway.env.account, region: 'eu-west-1' }, userPoolKeyArn: KEY_ARN }))
      .toThrow('invariant: the identity stack of prod was built for eu-west-1, but the user pool lives in the primary region eu-west-2');
  });
});

describe('the replica\'s own stack in regions[1]', () => {
  const gateway = prod(twoRegionFintech());
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-identity-replica-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const stack = new IdentityReplicaStack(app, 'Identity-eu-west-1', {
    gateway: inRegion(gateway, 'eu-west-1'), env: { account: gateway.env.account, region: 'eu-west-1' }, userPoolId: 'eu-west-2_MultiRgn1',
  });
  const { template, findings } = synthesized(app, stack, gateway);

  it('activates the replica (Cognito creates it INACTIVE, refusing end-user requests)', () => {
    expect(only(template, 'AWS::Cognito::UserPoolRegionalConfigurationAttachment').Properties).toEqual({ UserPoolId: 'eu-west-2_MultiRgn1', Status: 'ACTIVE' });
  });

  it('has no unacknowledged compliance finding', () => {
    expect(findings).toEqual([]);
  });
});
