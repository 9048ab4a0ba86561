import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import type { GatewayEnvironment } from '../config/load';
import { tierPlanLimits } from '../gateway/usage-plans';
import { tierUsageKey } from '../gateway/usage-keys';

export interface ApiUsagePlansProps {
  readonly gateway: GatewayEnvironment;
  readonly api: apigw.IRestApi;
  readonly stage: apigw.Stage;
}

/**
 * One usage plan per tier, covering the stage, with one API key whose value is the tier's usage
 * key. With `apiKeySourceType: AUTHORIZER` clients never send this key: the authorizer returns
 * it as `usageIdentifierKey` for every consumer of the tier.
 */
export class ApiUsagePlans extends Construct {
  /** Tier name -> its plan. */
  public readonly plans: ReadonlyMap<string, apigw.UsagePlan>;

  constructor(scope: Construct, id: string, props: ApiUsagePlansProps) {
    super(scope, id);
    const { gateway } = props;
    const prefix = `${gateway.config.name}-${gateway.name}`;
    const plans = new Map<string, apigw.UsagePlan>();
    for (const tier of gateway.config.tiers) {
      const limits = tierPlanLimits(tier);
      const plan = new apigw.UsagePlan(this, `Plan-${tier.name}`, {
        name: `${prefix}-${tier.name}`,
        description: `Tier ${tier.name}: ${tier.minute}/min, ${tier.hour}/h (exact limits in the authorizer)`,
        throttle: limits.throttle,
        quota: { limit: limits.quota.limit, period: apigw.Period[limits.quota.period] },
        apiStages: [{ api: props.api, stage: props.stage }],
      });
      const key = new apigw.ApiKey(this, `Key-${tier.name}`, {
        apiKeyName: `${prefix}-tier-${tier.name}`,
        description: `Usage identifier of tier ${tier.name}, returned by the authorizer (not a client credential)`,
        value: tierUsageKey(gateway, tier.name),
        enabled: true,
      });
      plan.addApiKey(key);
      plans.set(tier.name, plan);
    }
    this.plans = plans;
  }
}
