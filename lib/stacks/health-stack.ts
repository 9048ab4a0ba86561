import { Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { toHealthProberConfig } from '../../lambdas/health-prober/config';
import { HealthRegionChecks } from '../constructs/health-checks';
import { HealthProber } from '../constructs/health-prober';
import { ORIGIN_VERIFY_HEADER } from '../contract/headers';
import { resourcePrefix } from '../contract/resource-names';
import { observerIn, planRouting, type RoutingPlan } from '../contract/routing-plan';
import type { GatewayStackProps } from './gateway-stack-props';

export interface HealthStackProps extends GatewayStackProps {
  /** Secrets Manager name of the origin-verify value (EdgeStack.originVerifySecretName; a replica outside us-east-1). */
  readonly originVerifySecretName: string;
  /**
   * The key that encrypts that secret in this stack's region: EdgeStack.key?.keyArn for the
   * us-east-1 observer; undefined for a replica (aws/secretsmanager) or without customer-managed keys.
   */
  readonly originVerifySecretKeyArn?: string;
}

/**
 * The health of a multi-region environment, watched from an observer region (decision 0026, D4):
 * us-east-1, plus, when us-east-1 itself serves, the first other region for us-east-1's own
 * health. Holds the prober, its schedule, and per watched region the alarm and the Route 53
 * health check that the region's records carry. Depends on nothing regional: the prober looks
 * the regions' domain names up at run time, so this stack deploys before the regions.
 */
export class HealthStack extends Stack {
  public readonly plan: RoutingPlan;
  public readonly prober: HealthProber;
  public readonly checks: HealthRegionChecks;
  /** Route 53 health check id of every region watched from here (RoutingStack, Identity's domain failover). */
  public readonly healthCheckIds: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: HealthStackProps) {
    super(scope, id, props);
    const { gateway } = props;
    if (Token.isUnresolved(this.region)) throw new Error('the health stack needs an explicit region (an observer region of the routing plan)');
    const prefix = resourcePrefix(gateway);
    this.plan = planRouting(gateway);
    const observer = observerIn(this.plan, this.region);

    this.prober = new HealthProber(this, 'Prober', {
      prefix,
      config: toHealthProberConfig(this.plan, this.region, { secretName: props.originVerifySecretName, header: ORIGIN_VERIFY_HEADER }),
      originVerifyKeyArn: props.originVerifySecretKeyArn,
      logRetentionDays: gateway.profile.logRetentionDays,
      customerManagedKey: gateway.profile.customerManagedKeys,
    });
    this.checks = new HealthRegionChecks(this, 'Checks', {
      regions: this.plan.regionHealth.filter((h) => observer.targets.includes(h.region)),
    });
    this.healthCheckIds = this.checks.healthCheckIds;
  }
}
