import { Stage, Tags, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { applyCompliancePacks } from './compliance/nag';
import type { GatewayEnvironment } from './config/environments';
import { environmentRegions, regionalGateways, type RegionalGateway } from './config/regions';
import { NATIVE_GRPC_PORT } from './constructs/grpc-native-listener';
import { nativeGrpcServiceConfigs } from './constructs/grpc-native-rules';
import { ApiStack } from './stacks/api-stack';
import { AuditStack } from './stacks/audit-stack';
import { CdnStack, type CdnStackProps } from './stacks/cdn-stack';
import { DataStack } from './stacks/data-stack';
import { EdgeObservabilityStack } from './stacks/edge-observability-stack';
import { EdgeStack } from './stacks/edge-stack';
import { IdentityReplicaStack, IdentityStack } from './stacks/identity-stack';
import { planRouting } from './contract/routing-plan';
import { HealthStack } from './stacks/health-stack';
import { KeysStack } from './stacks/keys-stack';
import { NetworkStack } from './stacks/network-stack';
import { ObservabilityStack } from './stacks/observability-stack';
import { regionalDomainNamesOf, RoutingStack } from './stacks/routing-stack';
import { stackName, type StackKind } from './stack-names';

/** CloudFront, its WAF web ACL, Shield protections and CloudFront metrics live here. */
export const EDGE_REGION = 'us-east-1';

export interface GatewayStageProps extends StageProps {
  readonly gateway: GatewayEnvironment;
}

/** The stacks of one region of an environment. */
export interface RegionalStacks {
  readonly gateway: RegionalGateway;
  /** Only in multi-region environments (the multi-Region key's copy in this region). */
  readonly keys?: KeysStack;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly api: ApiStack;
  readonly audit: AuditStack;
  readonly observability: ObservabilityStack;
}

/**
 * One environment of the gateway: `cdk deploy '<env>/*'` deploys all of its stacks in order
 * Edge -> [Keys per region] -> per region Network -> Data -> (Identity, primary) -> Api -> Audit
 * -> Observability -> Cdn -> EdgeObservability (us-east-1). The primary region keeps the stack
 * ids and names of a one-region environment, so adding a region replaces nothing deployed; a
 * secondary region's stacks are `<Kind>-<region>` (decision 0026). Every region is a full copy
 * sized for the whole peak: the survivors of a region loss take its traffic.
 */
export class GatewayStage extends Stage {
  public readonly edge: EdgeStack;
  /** Every region's stacks, primary first. */
  public readonly regions: readonly RegionalStacks[];
  public readonly network: NetworkStack;
  public readonly data: DataStack;
  public readonly identity: IdentityStack;
  public readonly api: ApiStack;
  public readonly cdn: CdnStack;
  public readonly audit: AuditStack;
  public readonly observability: ObservabilityStack;
  public readonly edgeObservability: EdgeObservabilityStack;
  /** Multi-region only: the health observers (us-east-1, plus another region when us-east-1 serves). */
  public readonly health: readonly HealthStack[];
  /** Multi-region only: the Route 53 records of the API's names. */
  public readonly routing?: RoutingStack;

  constructor(scope: Construct, id: string, props: GatewayStageProps) {
    const { gateway } = props;
    const { account, region } = gateway.env;
    super(scope, id, { ...props, env: { account, region } });
    const regions = regionalGateways(gateway);
    const multiRegion = regions.length > 1;
    const global = { gateway, env: { account, region: EDGE_REGION } };

    this.edge = new EdgeStack(this, 'Edge', { ...global, stackName: stackName(gateway, 'edge'), apiRegions: environmentRegions(gateway.env) });
    const keys = multiRegion && needsMultiRegionKey(gateway) ? this.multiRegionKeys(regions) : [];
    const routingPlan = multiRegion ? planRouting(gateway) : undefined;
    this.health = (routingPlan?.observers ?? []).map((o) => this.healthObserver(gateway, o.region));
    const healthCheckIds: Record<string, string> = Object.assign({}, ...this.health.map((h) => h.healthCheckIds));

    let identity: IdentityStack | undefined;
    const built: RegionalStacks[] = [];
    regions.forEach((here, i) => {
      const primary = built[0];
      const secondary = here.isPrimary ? undefined : here.env.region;
      const name = (kind: StackKind) => stackName(gateway, kind, secondary);
      const idOf = (kind: string) => (secondary ? `${kind}-${secondary}` : kind);
      const regional = { gateway: here, env: { account, region: here.env.region }, crossRegionReferences: multiRegion };
      const network = new NetworkStack(this, idOf('Network'), { ...regional, stackName: name('network') });
      const data = new DataStack(this, idOf('Data'), {
        ...regional,
        stackName: name('data'),
        network,
        regionKey: here.isPrimary ? undefined : keys[i]?.key,
        tableReplicaRegions: here.isPrimary ? regions.slice(1).map((r) => r.env.region) : undefined,
        replicaKeyId: here.isPrimary ? keys[0]?.keyId : undefined,
        replicaOfTableName: primary?.data.consumersTable.tableName,
      });
      // The table's replicas are encrypted with the replica keys, which must exist first.
      if (here.isPrimary) keys.slice(1).forEach((k) => data.addStackDependency(k, 'each table replica is encrypted with the multi-Region key\'s copy in its region'));
      // One user pool (replicated by Cognito where configured): secondaries verify its tokens.
      identity ??= new IdentityStack(this, 'Identity', {
        ...regional, stackName: name('identity'), userPoolKeyArn: keys[0]?.key.keyArn, failoverHealthCheckId: healthCheckIds[regions[0].env.region],
      });
      const api = new ApiStack(this, idOf('Api'), {
        ...regional,
        stackName: name('api'),
        crossRegionReferences: multiRegion || here.env.region !== EDGE_REGION,
        network,
        data,
        identity,
        originVerifySecretName: this.edge.originVerifySecretName,
      });
      api.addStackDependency(this.edge, 'the origin-verify secret is created in the edge region and replicated');
      const audit = new AuditStack(this, idOf('Audit'), {
        ...regional,
        stackName: name('audit'),
        api,
        edgeWafLogGroup: here.isPrimary ? this.edge.webAcl.logGroup : undefined,
        controlPlaneTrail: here.isPrimary,
      });
      const observability = new ObservabilityStack(this, idOf('Observability'), {
        ...regional, stackName: name('observability'), api, audit, network, data,
      });
      built.push({ gateway: here, keys: keys[i], network, data, api, audit, observability });
    });
    this.regions = built;
    if (multiRegion && gateway.config.identity.cognito?.multi_region === 'replicate') this.activateUserPoolReplica(identity!, regions[1], keys[1]);
    const primary = built[0];
    ({ network: this.network, data: this.data, api: this.api, audit: this.audit, observability: this.observability } = primary);
    this.identity = identity!;

    // Route 53 records per region and name, weak references to each region's custom domains.
    this.routing = routingPlan && new RoutingStack(this, 'Routing', {
      ...global,
      stackName: stackName(gateway, 'routing'),
      regionalDomainNames: Object.fromEntries(built.map((r) => [r.gateway.env.region, regionalDomainNamesOf(r.api.domains)])),
      healthCheckIds,
    });

    this.cdn = new CdnStack(this, 'Cdn', {
      ...global,
      stackName: stackName(gateway, 'cdn'),
      crossRegionReferences: region !== EDGE_REGION,
      webAclArn: this.edge.webAclArn,
      originDomainName: this.api.originDomainName,
      originPath: this.api.originPath,
      originVerifySecretName: this.edge.originVerifySecretName,
      nativeGrpc: nativeGrpcOrigin(primary),
    });
    if (this.routing) this.cdn.addStackDependency(this.routing, 'CloudFront\'s origin domains.api resolves through the Routing records');
    this.edgeObservability = new EdgeObservabilityStack(this, 'EdgeObservability', {
      ...global,
      stackName: stackName(gateway, 'edge-observability'),
      edge: this.edge,
      cdn: this.cdn,
      regions: built,
      routing: this.routing && { plan: this.routing.plan, healthCheckIds, anyRegionHealthCheckId: this.routing.anyRegionHealthCheckId },
    });
    // Names only (no references): the dashboard and alarms should follow what they watch.
    for (const r of built) this.edgeObservability.addStackDependency(r.observability, 'the dashboard shows the regional API, authorizer and audit pipeline');

    Tags.of(this).add('gatehouse:gateway', gateway.config.name);
    Tags.of(this).add('gatehouse:environment', gateway.name);
    Tags.of(this).add('gatehouse:organization', gateway.config.organization.name);
    if (gateway.config.compliance.length > 0) Tags.of(this).add('gatehouse:compliance', gateway.config.compliance.join('+'));
    applyCompliancePacks(this, gateway.profile.nagPacks, { apiKeyHeader: gateway.config.identity.api_keys.header, routes: gateway.config.routes });
  }

  /**
   * Cognito creates the pool's replica (in regions[1]) INACTIVE; only a resource in the replica's
   * own region activates it, after the replica exists (encrypted with the key copy there).
   */
  private activateUserPoolReplica(identity: IdentityStack, replicaRegion: RegionalGateway, replicaKey: KeysStack): void {
    identity.addStackDependency(replicaKey, 'the user pool replica is encrypted with the multi-Region key\'s copy in its region');
    const region = replicaRegion.env.region;
    const replica = new IdentityReplicaStack(this, `Identity-${region}`, {
      gateway: replicaRegion,
      env: { account: replicaRegion.env.account, region },
      stackName: stackName(replicaRegion, 'identity', region),
      crossRegionReferences: true,
      userPoolId: identity.userPool!.userPoolId,
    });
    replica.addStackDependency(identity, 'the replica must exist before it is activated');
  }

  /**
   * The health prober and each region's Route 53 check, watched from us-east-1 (and us-east-1,
   * when it serves, from the first other region: a region never judges its own loss).
   */
  private healthObserver(gateway: GatewayEnvironment, region: string): HealthStack {
    const atEdge = region === EDGE_REGION;
    const health = new HealthStack(this, atEdge ? 'Health' : `Health-${region}`, {
      gateway,
      env: { account: gateway.env.account, region },
      stackName: stackName(gateway, 'health', atEdge ? undefined : region),
      originVerifySecretName: this.edge.originVerifySecretName,
      // Outside us-east-1 the prober reads the secret's replica, which uses aws/secretsmanager.
      originVerifySecretKeyArn: atEdge ? this.edge.key?.keyArn : undefined,
    });
    health.addStackDependency(this.edge, 'the prober reads the origin-verify secret (its replica outside us-east-1)');
    return health;
  }

  /** The multi-Region key in the primary, and its replica in every other region (same order as `regions`). */
  private multiRegionKeys(regions: readonly RegionalGateway[]): KeysStack[] {
    const [primary, ...others] = regions;
    const account = primary.env.account;
    const primaryKeys = new KeysStack(this, 'Keys', {
      gateway: primary, env: { account, region: primary.env.region }, stackName: stackName(primary, 'keys'), crossRegionReferences: true,
    });
    return [primaryKeys, ...others.map((r) => new KeysStack(this, `Keys-${r.env.region}`, {
      gateway: r,
      env: { account, region: r.env.region },
      stackName: stackName(r, 'keys', r.env.region),
      crossRegionReferences: true,
      primaryKey: primaryKeys.key,
    }))];
  }
}

/**
 * Native gRPC reaches the primary region's internal ALB only: CloudFront origin groups fail over
 * GET/HEAD/OPTIONS alone, and gRPC calls are POSTs (docs/grpc.md, limits).
 */
function nativeGrpcOrigin(primary: RegionalStacks): CdnStackProps['nativeGrpc'] {
  const { network, gateway } = primary;
  const services = nativeGrpcServiceConfigs(gateway.config);
  if (!network.nativeGrpcListener || !network.loadBalancer || services.length === 0) return undefined;
  return {
    loadBalancerArn: network.loadBalancer.loadBalancerArn,
    port: NATIVE_GRPC_PORT,
    // Required with private services (lib/checks/environment-rules.ts).
    domainName: gateway.env.domains.internal!,
    grpcServices: services.map((s) => s.grpc!.service),
  };
}

/**
 * A multi-region environment needs the multi-Region key when its data is encrypted with a
 * customer-managed key (each table replica and cache needs a key in its region) or when Cognito
 * replicates the user pool (multi-Region replication requires a multi-Region CMK).
 */
function needsMultiRegionKey(gateway: GatewayEnvironment): boolean {
  return gateway.profile.customerManagedKeys || gateway.config.identity.cognito?.multi_region === 'replicate';
}
