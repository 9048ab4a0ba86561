import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import type { GatewayEnvironment } from '../config/load';
import type { TierConfig } from '../config/schema';
import { tierUsageKey } from '../gateway/usage-keys';

/** Usage plan numbers of one tier. */
export interface TierPlanLimits {
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly quota: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH' };
}

/**
 * A tier's usage plan. The authorizer enforces the exact sliding minute/hour windows; the plan is
 * API Gateway's backstop and meters OAuth and API-key consumers alike. It must never be stricter
 * than the tier, so the per-second rate rounds up (minimum 1), and the burst allows a tenth of
 * the minute's budget at once (at least twice the rate) unless the tier sets `burst`.
 */
export function tierPlanLimits(tier: TierConfig): TierPlanLimits {
  const rateLimit = Math.max(1, Math.ceil(tier.minute / 60));
  const burstLimit = tier.burst ?? Math.max(2 * rateLimit, Math.ceil(tier.minute / 10));
  const quota = tier.quota ?? { limit: tier.hour * 24, period: 'DAY' as const };
  return { throttle: { rateLimit, burstLimit }, quota };
}

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
