import type { TierConfig } from '../../lib/config/schema';
import { tierPlans, type PlanLimits } from '../../lib/contract/usage-plans';
import type { Clock } from '../../lib/rate-limit/rate-limiter';

/**
 * API Gateway usage plans as the deployed stage applies them: a stage-wide token bucket, then,
 * per API key (the authorizer's `usageIdentifierKey`, `apiKeySourceType: AUTHORIZER`), the plan's
 * token bucket (rate per second refill, burst capacity) and quota (per DAY/WEEK/MONTH, UTC).
 * The plan numbers come from `tierPlans`, the same function the API stack uses: a tier's shared
 * key sits in its metering plan (no limits), a consumer's own key in the tier's consumer plan.
 */
export type UsageVerdict =
  | { readonly ok: true; readonly tier: string }
  /** `usageIdentifierKey` missing or not in any plan: API Gateway answers INVALID_API_KEY (403 type). */
  | { readonly ok: false; readonly type: 'INVALID_API_KEY' | 'THROTTLED' | 'QUOTA_EXCEEDED'; readonly tier?: string };

interface Bucket { tokens: number; at: number }
interface Quota { period: number; used: number }

export interface UsagePlansProps {
  readonly tiers: readonly TierConfig[];
  /** The tiers' shared usage keys (metering plans): key -> tier name. */
  readonly sharedKeys: Readonly<Record<string, string>>;
  /** Consumers' own usage keys (the tier's consumer plan): key -> tier name. */
  readonly consumerKeys?: Readonly<Record<string, string>>;
  /** Stage-wide throttle (`profile.stageThrottle`). */
  readonly stageThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly clock: Clock;
}

export class UsagePlans {
  /** Usage key -> the plan it belongs to and that plan's tier. */
  private readonly keys = new Map<string, { tier: string; plan: PlanLimits }>();
  private readonly plans: Map<string, ReturnType<typeof tierPlans>>;
  private readonly buckets = new Map<string, Bucket>();
  private readonly quotas = new Map<string, Quota>();
  private readonly stage: Bucket;
  private readonly props: UsagePlansProps;

  constructor(props: UsagePlansProps) {
    this.props = props;
    this.plans = new Map(props.tiers.map((t) => [t.name, tierPlans(t)]));
    for (const [key, tier] of Object.entries(props.sharedKeys)) this.addKey(key, tier, 'metering');
    for (const [key, tier] of Object.entries(props.consumerKeys ?? {})) this.addKey(key, tier, 'consumer');
    this.stage = { tokens: props.stageThrottle.burstLimit, at: props.clock() };
  }

  /** Registers a key in one of a tier's plans (unknown tiers are ignored: the key stays invalid). */
  addKey(key: string, tier: string, plan: 'consumer' | 'metering' = 'consumer'): void {
    const plans = this.plans.get(tier);
    if (plans) this.keys.set(key, { tier, plan: plans[plan] });
  }

  /** Every bucket full and every quota unused again, as at startup (tests that share one gateway). */
  reset(): void {
    this.buckets.clear();
    this.quotas.clear();
    this.stage.tokens = this.props.stageThrottle.burstLimit;
    this.stage.at = this.props.clock();
  }

  /** Stage throttle, checked before the authorizer runs (as API Gateway does). */
  admitStage(): boolean {
    const { rateLimit, burstLimit } = this.props.stageThrottle;
    return take(this.stage, rateLimit, burstLimit, this.props.clock());
  }

  /** The plan check for one request with an authorizer-supplied key. */
  admit(usageIdentifierKey: string | undefined | null): UsageVerdict {
    const entry = usageIdentifierKey ? this.keys.get(usageIdentifierKey) : undefined;
    if (!usageIdentifierKey || !entry) return { ok: false, type: 'INVALID_API_KEY' };
    const { tier, plan } = entry;
    const now = this.props.clock();
    if (plan.throttle) {
      let bucket = this.buckets.get(usageIdentifierKey);
      if (!bucket) { bucket = { tokens: plan.throttle.burstLimit, at: now }; this.buckets.set(usageIdentifierKey, bucket); }
      if (!take(bucket, plan.throttle.rateLimit, plan.throttle.burstLimit, now)) return { ok: false, type: 'THROTTLED', tier };
    }
    // Metered whether or not the plan has a quota (the usage report counts every request).
    const period = periodIndex(now, plan.quota?.period ?? 'DAY');
    let quota = this.quotas.get(usageIdentifierKey);
    if (!quota || quota.period !== period) { quota = { period, used: 0 }; this.quotas.set(usageIdentifierKey, quota); }
    if (plan.quota && quota.used >= plan.quota.limit) return { ok: false, type: 'QUOTA_EXCEEDED', tier };
    quota.used += 1;
    return { ok: true, tier };
  }

  /** Requests counted against a key's quota in the current period (the usage report). */
  usage(usageIdentifierKey: string): number {
    return this.quotas.get(usageIdentifierKey)?.used ?? 0;
  }
}

/** Token bucket: refills `rate` tokens per second up to `burst`; a request takes one. */
function take(bucket: Bucket, rate: number, burst: number, now: number): boolean {
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

/** Quota periods start at 00:00 UTC (days), Monday (weeks), the 1st (months). */
function periodIndex(now: number, period: 'DAY' | 'WEEK' | 'MONTH'): number {
  switch (period) {
    case 'DAY': return Math.floor(now / 86_400_000);
    case 'WEEK': return Math.floor((Math.floor(now / 86_400_000) + 3) / 7); // epoch day 0 was a Thursday
    case 'MONTH': { const d = new Date(now); return d.getUTCFullYear() * 12 + d.getUTCMonth(); }
  }
}
