import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { HealthAnyRegionCheck } from '../constructs/health-checks';
import { RoutingRecords, type RegionalDomainNames } from '../constructs/routing-records';
import { planRouting, type RoutingPlan } from '../contract/routing-plan';
import type { GatewayStackProps } from './gateway-stack-props';

export type { RegionalDomainNames } from '../constructs/routing-records';

export interface RoutingStackProps extends GatewayStackProps {
  /**
   * Per region, the regional domain name of each custom domain: `domainNameAliasDomainName` of
   * the region's ApiDomains (CloudFormation `RegionalDomainName`), a token that CDK turns into a
   * weak cross-region reference (Fn::GetStackOutput, cdk.json `defaultCrossStackReferences: weak`),
   * so this stack follows every Api stack. See {@link regionalDomainNamesOf}.
   */
  readonly regionalDomainNames: Readonly<Record<string, RegionalDomainNames>>;
  /** Route 53 health check id of every region (the HealthStacks' healthCheckIds, merged). */
  readonly healthCheckIds: Readonly<Record<string, string>>;
}

/**
 * The DNS of a multi-region environment (decision 0026, D3): per region a CNAME of domains.api,
 * domains.mtls and domains.tenants in the existing hosted zone `routing.hosted_zone`, each with
 * its region's health check, and the calculated "some region healthy" check. CloudFront's origin
 * stays domains.api: each edge location resolves it to a healthy region.
 */
export class RoutingStack extends Stack {
  public readonly plan: RoutingPlan;
  public readonly records: RoutingRecords;
  public readonly anyRegion: HealthAnyRegionCheck;
  /** The calculated check's id (D9: its HealthCheckStatus feeds the page, HealthRotationAlarms). */
  public readonly anyRegionHealthCheckId: string;

  constructor(scope: Construct, id: string, props: RoutingStackProps) {
    super(scope, id, props);
    this.plan = planRouting(props.gateway);
    this.records = new RoutingRecords(this, 'Records', {
      plan: this.plan,
      regionalDomainNames: props.regionalDomainNames,
      healthCheckIds: props.healthCheckIds,
    });
    this.anyRegion = new HealthAnyRegionCheck(this, 'AnyRegion', { plan: this.plan.anyRegion, healthCheckIds: props.healthCheckIds });
    this.anyRegionHealthCheckId = this.anyRegion.healthCheckId;
  }
}

/** A region's ApiDomains as RoutingStack wants them: the regional domain name of each domain it created. */
export function regionalDomainNamesOf(domains: {
  readonly api?: { readonly domainNameAliasDomainName: string };
  readonly mtls?: { readonly domainNameAliasDomainName: string };
  readonly tenants?: { readonly domainNameAliasDomainName: string };
}): RegionalDomainNames {
  return {
    ...(domains.api ? { api: domains.api.domainNameAliasDomainName } : {}),
    ...(domains.mtls ? { mtls: domains.mtls.domainNameAliasDomainName } : {}),
    ...(domains.tenants ? { tenants: domains.tenants.domainNameAliasDomainName } : {}),
  };
}
