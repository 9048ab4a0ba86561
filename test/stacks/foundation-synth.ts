import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { applyCompliancePacks } from '../../lib/compliance/nag';
import { loadConfigFile, parseConfig, type GatewayEnvironment } from '../../lib/config/load';
import { DataStack } from '../../lib/stacks/data-stack';
import { IdentityStack } from '../../lib/stacks/identity-stack';
import { NetworkStack } from '../../lib/stacks/network-stack';
import type { NagFinding } from '../support/synth';

/**
 * Synthesizes only the foundation stacks (Network, Data, Identity) of one environment, wired
 * and named as `GatewayStage` wires them and checked by the same compliance packs.
 *
 * Why not `synthesize()` from test/support/synth.ts: it needs every stack of the stage to
 * build (the API stack is still being written), it takes no extra context (the imported-VPC
 * tests need a cached VPC lookup), and with aws-cdk-lib 2.276 a failed validation is an error
 * whose *name* is `ValidationFailed`, which its message check does not recognise.
 */
export interface FoundationSynth {
  readonly gateway: GatewayEnvironment;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly identity: IdentityStack;
  /** Unacknowledged findings of any pack (cdk-nag and CloudFormation validation). */
  readonly findings: NagFinding[];
  template(stack: 'Network' | 'Data' | 'Identity'): Template;
}

const ROOT = resolve(__dirname, '../..');
const CDK_CONTEXT = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

export function synthesizeFoundation(
  source: { file: string } | { yaml: string },
  options: { environment?: string; context?: Record<string, unknown> } = {},
): FoundationSynth {
  const config = 'file' in source ? loadConfigFile(join(ROOT, source.file)) : parseConfig(source.yaml, 'inline.yaml');
  const envName = options.environment ?? Object.keys(config.environments)[0];
  const gateway = config.environments[envName];
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-foundation-'));
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));

  const app = new App({ outdir, context: { ...CDK_CONTEXT, ...options.context } });
  const { account, region } = gateway.env;
  const stage = new Stage(app, envName, { env: { account, region } });
  const prefix = `${gateway.config.name}-${gateway.name}`;
  const regional = { gateway, env: { account, region } };
  const network = new NetworkStack(stage, 'Network', { ...regional, stackName: `${prefix}-network` });
  const data = new DataStack(stage, 'Data', { ...regional, stackName: `${prefix}-data`, network });
  const identity = new IdentityStack(stage, 'Identity', { ...regional, stackName: `${prefix}-identity` });
  applyCompliancePacks(stage, gateway.profile.nagPacks);

  try {
    app.synth();
  } catch (err) {
    if ((err as Error).name !== 'ValidationFailed') throw err;
  }
  const report = join(outdir, 'validation-report.json');
  const findings = existsSync(report) ? readFindings(report) : [];
  const stacks = { Network: network, Data: data, Identity: identity };
  return {
    gateway, network, data, identity, findings,
    template: (stack) => Template.fromJSON(JSON.parse(readFileSync(join(outdir, `assembly-${envName}`, stacks[stack].templateFile), 'utf8'))),
  };
}

interface Report {
  pluginReports: Array<{ violations: Array<{ ruleName: string; description: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
}

function readFindings(file: string): NagFinding[] {
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  return report.pluginReports.flatMap((plugin) => plugin.violations.flatMap((v) =>
    v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath, message: v.description.split('\n')[0] }))));
}

/** A VPC lookup as `cdk synth` caches it in cdk.context.json: two AZs, public and private subnets, no isolated ones. */
export function cachedVpcLookup(vpcId: string, account: string, region: string): Record<string, unknown> {
  const subnet = (kind: string, n: number, cidr: string) => ({
    subnetId: `subnet-0${kind}00000000000${n}`, cidr, availabilityZone: `${region}${'ab'[n - 1]}`, routeTableId: `rtb-0${kind}00000000000${n}`,
  });
  return {
    [`vpc-provider:account=${account}:filter.vpc-id=${vpcId}:region=${region}:returnAsymmetricSubnets=true`]: {
      vpcId, vpcCidrBlock: '10.60.0.0/16', ownerAccountId: account, region, availabilityZones: [],
      subnetGroups: [
        { name: 'Public', type: 'Public', subnets: [subnet('a', 1, '10.60.0.0/24'), subnet('a', 2, '10.60.1.0/24')] },
        { name: 'Private', type: 'Private', subnets: [subnet('b', 1, '10.60.10.0/24'), subnet('b', 2, '10.60.11.0/24')] },
      ],
    },
  };
}

export function formatFindings(findings: readonly NagFinding[]): string {
  return findings.map((f) => `${f.rule} at ${f.path}: ${f.message}`).join('\n');
}
