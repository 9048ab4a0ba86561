import type { GatewayConfig } from '../config/schema';
import { ACCOUNT_THROTTLE, API_GATEWAY_LIMITS } from '../config/aws-limits';
import { THROTTLE_HEADROOM, type Profile } from '../config/profile';
import { tierPlanLimits } from '../contract/usage-plans';
import { note, warning, type Finding } from './finding';
import { fmt, pct } from './format-number';


export interface TierLimits {
  readonly tier: string;
  readonly ratePerKey: number;
  readonly burstPerKey: number;
  readonly quota: string;
}

export interface ThrottlePlan {
  readonly peakRps: number;
  readonly accountRate: number;
  readonly accountBurst: number;
  /** peak / account rate. */
  readonly accountUtilisation: number;
  readonly stageRate: number;
  readonly stageBurst: number;
  readonly tiers: readonly TierLimits[];
  readonly usagePlans: number;
  /** One key per tier plus, at most, one per consumer (docs/decisions/0004). */
  readonly apiKeysAtMost: number;
  readonly findings: readonly Finding[];
}

export function throttleLimits(config: GatewayConfig, profile: Profile): ThrottlePlan {
  const peakRps = config.traffic.peak_rps;
  const { rateLimit: accountRate, burstLimit: accountBurst } = ACCOUNT_THROTTLE;
  const tiers = config.tiers.map((t) => {
    const limits = tierPlanLimits(t);
    return {
      tier: t.name,
      ratePerKey: limits.throttle.rateLimit,
      burstPerKey: limits.throttle.burstLimit,
      quota: limits.quota ? `${fmt(limits.quota.limit)} per ${limits.quota.period}` : 'none',
    };
  });
  const findings: Finding[] = [];
  const needed = peakRps * THROTTLE_HEADROOM;
  if (needed > accountRate) {
    const ask = Math.ceil(needed / 1000) * 1000;
    findings.push(warning('account-throttle',
      `peak ${fmt(peakRps)} req/s is ${pct(peakRps / accountRate)} of API Gateway's regional account throttle (${fmt(accountRate)} req/s), `
      + `leaving less than ${Math.round((THROTTLE_HEADROOM - 1) * 100)} % headroom: request the API Gateway quota "Throttle rate" of at least ${fmt(ask)} req/s `
      + `(Service Quotas, the environment's region); the stage throttle is capped at ${fmt(profile.stageThrottle.rateLimit)} until then`));
  }
  if (config.traffic.burstiness === 'bursty' && profile.stageThrottle.burstLimit >= accountBurst) {
    findings.push(note('account-burst', `the stage burst is at the account burst of ${fmt(accountBurst)} requests, which AWS does not raise: spikes beyond it get 429 until the bucket refills at the rate limit`));
  }
  const usagePlans = config.tiers.length;
  const apiKeysAtMost = config.tiers.length + config.traffic.distinct_consumers;
  if (usagePlans > API_GATEWAY_LIMITS.usagePlans) {
    findings.push(warning('usage-plans', `${usagePlans} tiers need ${usagePlans} usage plans; API Gateway allows ${API_GATEWAY_LIMITS.usagePlans} per account and region`));
  }
  if (apiKeysAtMost > API_GATEWAY_LIMITS.apiKeys) {
    findings.push(note('api-keys',
      `at most ${fmt(API_GATEWAY_LIMITS.apiKeys - config.tiers.length)} consumers can have their own usage key (${fmt(API_GATEWAY_LIMITS.apiKeys)} API keys per account and region); `
      + `with ${fmt(config.traffic.distinct_consumers)} distinct consumers the others must share their tier's key (docs/decisions/0004)`));
  }
  return {
    peakRps, accountRate, accountBurst, accountUtilisation: peakRps / accountRate,
    stageRate: profile.stageThrottle.rateLimit, stageBurst: profile.stageThrottle.burstLimit,
    tiers, usagePlans, apiKeysAtMost, findings,
  };
}
