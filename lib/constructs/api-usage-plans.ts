import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import type { GatewayEnvironment } from '../config/environments';
import { tierPlans } from '../contract/usage-plans';
import { tierUsageKey } from '../contract/usage-keys';
import { resourcePrefix } from '../contract/resource-names';

export interface ApiUsagePlansProps {
  readonly gateway: GatewayEnvironment;
  readonly api: apigw.IRestApi;
  readonly stage: apigw.Stage;
}

/**
 * Two usage plans per tier (lib/contract/usage-plans.ts, decision 0016), covering the stage:
 * - `<prefix>-<tier>`: for consumers with their own usage key (the consumers tool adds their API
 *   Gateway keys to it); a per-consumer throttle and quota never stricter than the tier;
 * - `<prefix>-<tier>-metering`: holds the tier's shared key, the `usageIdentifierKey` of every
 *   consumer without its own; no throttle or quota (one consumer must not exhaust another's).
 * With `apiKeySourceType: AUTHORIZER` clients never send these keys: the authorizer returns them.
 */
export class ApiUsagePlans extends Construct {
  /** Tier name -> the plan of its consumers with their own usage key. */
  public readonly plans: ReadonlyMap<string, apigw.UsagePlan>;
  /** Tier name -> the metering plan of its shared key. */
  public readonly meteringPlans: ReadonlyMap<string, apigw.UsagePlan>;

  constructor(scope: Construct, id: string, props: ApiUsagePlansProps) {
    super(scope, id);
    const { gateway } = props;
    const prefix = resourcePrefix(gateway);
    const plans = new Map<string, apigw.UsagePlan>();
    const metering = new Map<string, apigw.UsagePlan>();
    const apiStages = [{ api: props.api, stage: props.stage }];
    for (const tier of gateway.config.tiers) {
      const { consumer } = tierPlans(tier);
      plans.set(tier.name, new apigw.UsagePlan(this, `Plan-${tier.name}`, {
        name: `${prefix}-${tier.name}`,
        description: `Tier ${tier.name}, consumers with their own usage key: never stricter than ${tier.minute}/min, ${tier.hour}/h (exact limits in the authorizer)`,
        throttle: consumer.throttle,
        quota: { limit: consumer.quota.limit, period: apigw.Period[consumer.quota.period] },
        apiStages,
      }));
      const shared = new apigw.UsagePlan(this, `Metering-${tier.name}`, {
        name: `${prefix}-${tier.name}-metering`,
        description: `Tier ${tier.name}, shared usage key: metering only (exact per-consumer limits in the authorizer)`,
        apiStages,
      });
      const key = new apigw.ApiKey(this, `Key-${tier.name}`, {
        apiKeyName: `${prefix}-tier-${tier.name}`,
        description: `Usage identifier of tier ${tier.name}, returned by the authorizer (not a client credential)`,
        value: tierUsageKey(gateway, tier.name),
        enabled: true,
      });
      shared.addApiKey(key);
      metering.set(tier.name, shared);
    }
    this.plans = plans;
    this.meteringPlans = metering;
  }
}
