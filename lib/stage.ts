import { Stage, Tags, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { applyCompliancePacks } from './compliance/nag';
import type { GatewayEnvironment } from './config/load';
import { ApiStack } from './stacks/api-stack';
import { CdnStack } from './stacks/cdn-stack';
import { DataStack } from './stacks/data-stack';
import { EdgeStack } from './stacks/edge-stack';
import { IdentityStack } from './stacks/identity-stack';
import { NetworkStack } from './stacks/network-stack';

/** CloudFront, its WAF web ACL, Shield protections and CloudFront metrics live here. */
export const EDGE_REGION = 'us-east-1';

export interface GatewayStageProps extends StageProps {
  readonly gateway: GatewayEnvironment;
}

/**
 * One environment of the gateway: `cdk deploy '<env>/*'` deploys all of its stacks in order
 * Edge -> Network -> Data -> Identity -> Api -> Cdn.
 */
export class GatewayStage extends Stage {
  public readonly edge: EdgeStack;
  public readonly network: NetworkStack;
  public readonly data: DataStack;
  public readonly identity: IdentityStack;
  public readonly api: ApiStack;
  public readonly cdn: CdnStack;

  constructor(scope: Construct, id: string, props: GatewayStageProps) {
    const { gateway } = props;
    const { account, region } = gateway.env;
    super(scope, id, { ...props, env: { account, region } });
    const prefix = `${gateway.config.name}-${gateway.name}`;
    const regional = { gateway, env: { account, region } };
    const global = { gateway, env: { account, region: EDGE_REGION } };

    this.edge = new EdgeStack(this, 'Edge', { ...global, stackName: `${prefix}-edge`, apiRegion: region });
    this.network = new NetworkStack(this, 'Network', { ...regional, stackName: `${prefix}-network` });
    this.data = new DataStack(this, 'Data', { ...regional, stackName: `${prefix}-data`, network: this.network });
    this.identity = new IdentityStack(this, 'Identity', { ...regional, stackName: `${prefix}-identity` });
    this.api = new ApiStack(this, 'Api', {
      ...regional,
      stackName: `${prefix}-api`,
      crossRegionReferences: region !== EDGE_REGION,
      network: this.network,
      data: this.data,
      identity: this.identity,
      originVerifySecretName: this.edge.originVerifySecretName,
    });
    this.api.addStackDependency(this.edge, 'the origin-verify secret is created in the edge region and replicated');
    this.cdn = new CdnStack(this, 'Cdn', {
      ...global,
      stackName: `${prefix}-cdn`,
      crossRegionReferences: region !== EDGE_REGION,
      webAclArn: this.edge.webAclArn,
      originDomainName: this.api.originDomainName,
      originVerifySecretName: this.edge.originVerifySecretName,
    });

    Tags.of(this).add('gatehouse:gateway', gateway.config.name);
    Tags.of(this).add('gatehouse:environment', gateway.name);
    Tags.of(this).add('gatehouse:organization', gateway.config.organization.name);
    if (gateway.config.compliance.length > 0) Tags.of(this).add('gatehouse:compliance', gateway.config.compliance.join('+'));
    applyCompliancePacks(this, gateway.profile.nagPacks);
  }
}
