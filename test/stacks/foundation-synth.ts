import type { Template } from 'aws-cdk-lib/assertions';
import type { GatewayEnvironment } from '../../lib/config/environments';
import type { DataStack } from '../../lib/stacks/data-stack';
import type { IdentityStack } from '../../lib/stacks/identity-stack';
import type { NetworkStack } from '../../lib/stacks/network-stack';
import { synthesize, type NagFinding } from '../support/synth';

export { formatFindings } from '../support/synth';

/** The foundation stacks (Network, Data, Identity) of one environment of a synthesized stage. */
export interface FoundationSynth {
  readonly gateway: GatewayEnvironment;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly identity: IdentityStack;
  /** Unacknowledged findings of the whole stage (filter by path for one stack). */
  readonly findings: NagFinding[];
  template(stack: 'Network' | 'Data' | 'Identity'): Template;
}

/** Synthesizes one environment exactly as `cdk synth` would (see test/support/synth.ts). */
export function synthesizeFoundation(
  source: { file: string } | { yaml: string },
  options: { environment?: string; context?: Record<string, unknown> } = {},
): FoundationSynth {
  const synth = synthesize(source, options.environment ? [options.environment] : undefined, options.context);
  const envName = options.environment ?? Object.keys(synth.stages)[0];
  const stage = synth.stages[envName];
  return {
    gateway: synth.config.environments[envName],
    network: stage.network,
    data: stage.data,
    identity: stage.identity,
    findings: synth.findings,
    template: (stack) => synth.template(envName, stack),
  };
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
