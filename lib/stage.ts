import { Stage, Tags, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { applyCompliancePacks } from './compliance/nag';
import type { GatewayEnvironment } from './config/environments';
import { ApiStack } from './stacks/api-stack';
import { AuditStack } from './stacks/audit-stack';
import { CdnStack } from './stacks/cdn-stack';
import { DataStack } from './stacks/data-stack';
import { EdgeObservabilityStack } from './stacks/edge-observability-stack';
import { EdgeStack } from './stacks/edge-stack';
import { IdentityStack } from './stacks/identity-stack';
import { NetworkStack } from './stacks/network-stack';
import { ObservabilityStack } from './stacks/observability-stack';
import { stackName, type StackKind } from './stack-names';

/** CloudFront, its WAF web ACL, Shield protections and CloudFront metrics live here. */
export const EDGE_REGION = 'us-east-1';

export interface GatewayStageProps extends StageProps {
  readonly gateway: GatewayEnvironment;
}

/**
 * One environment of the gateway: `cdk deploy '<env>/*'` deploys all of its stacks in order
 * Edge -> Network -> Data -> Identity -> Api -> Audit -> Observability (region) -> Cdn ->
 * EdgeObservability (us-east-1).
 */
export class GatewayStage extends Stage {
  public readonly edge: EdgeStack;
  public readonly network: NetworkStack;
  public readonly data: DataStack;
  public readonly identity: IdentityStack;
  public readonly api: ApiStack;
  public readonly cdn: CdnStack;
  public readonly audit: AuditStack;
  public readonly observability: ObservabilityStack;
  public readonly edgeObservability: EdgeObservabilityStack;

  constructor(scope: Construct, id: string, props: GatewayStageProps) {
    const { gateway } = props;
    const { account, region } = gateway.env;
    super(scope, id, { ...props, env: { account, region } });
    const name = (kind: StackKind) => stackName(gateway, kind);
    const regional = { gateway, env: { account, region } };
    const global = { gateway, env: { account, region: EDGE_REGION } };

    this.edge = new EdgeStack(this, 'Edge', { ...global, stackName: name('edge'), apiRegion: region });
    this.network = new NetworkStack(this, 'Network', { ...regional, stackName: name('network') });
    this.data = new DataStack(this, 'Data', { ...regional, stackName: name('data'), network: this.network });
    this.identity = new IdentityStack(this, 'Identity', { ...regional, stackName: name('identity') });
    this.api = new ApiStack(this, 'Api', {
      ...regional,
      stackName: name('api'),
      crossRegionReferences: region !== EDGE_REGION,
      network: this.network,
      data: this.data,
      identity: this.identity,
      originVerifySecretName: this.edge.originVerifySecretName,
    });
    this.api.addStackDependency(this.edge, 'the origin-verify secret is created in the edge region and replicated');
    this.cdn = new CdnStack(this, 'Cdn', {
      ...global,
      stackName: name('cdn'),
      crossRegionReferences: region !== EDGE_REGION,
      webAclArn: this.edge.webAclArn,
      originDomainName: this.api.originDomainName,
      originPath: this.api.originPath,
      originVerifySecretName: this.edge.originVerifySecretName,
    });
    this.audit = new AuditStack(this, 'Audit', { ...regional, stackName: name('audit'), api: this.api, edgeWafLogGroup: this.edge.webAcl.logGroup });
    this.observability = new ObservabilityStack(this, 'Observability', {
      ...regional, stackName: name('observability'), api: this.api, audit: this.audit, network: this.network, data: this.data,
    });
    this.edgeObservability = new EdgeObservabilityStack(this, 'EdgeObservability', {
      ...global, stackName: name('edge-observability'), edge: this.edge, cdn: this.cdn, api: this.api, audit: this.audit,
    });
    // Names only (no references): the dashboard and alarms should follow what they watch.
    this.edgeObservability.addStackDependency(this.observability, 'the dashboard shows the regional API, authorizer and audit pipeline');

    Tags.of(this).add('gatehouse:gateway', gateway.config.name);
    Tags.of(this).add('gatehouse:environment', gateway.name);
    Tags.of(this).add('gatehouse:organization', gateway.config.organization.name);
    if (gateway.config.compliance.length > 0) Tags.of(this).add('gatehouse:compliance', gateway.config.compliance.join('+'));
    applyCompliancePacks(this, gateway.profile.nagPacks, { apiKeyHeader: gateway.config.identity.api_keys.header, routes: gateway.config.routes });
  }
}
