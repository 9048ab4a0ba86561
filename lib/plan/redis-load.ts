import type { GatewayConfig } from '../config/schema';
import type { PlanAssumptions } from './assumptions';

export interface RedisLoad {
  readonly enabled: boolean;
  readonly opsPerSecondSteady: number;
  readonly opsPerSecondPeak: number;
  readonly ecpuPerSecondPeak: number;
  readonly ecpusPerMonth: number;
  /** Counters in Valkey: identities x windows (minute, hour) x 2 fixed windows x buckets. */
  readonly counters: number;
  readonly storedGb: number;
}

/**
 * The Redis limiter runs one EVALSHA per authorizer invocation (cached decisions never reach
 * it). With `rate_limiting.strategy: local` there is no Redis traffic at all.
 */
export function redisLoad(config: GatewayConfig, steadyInvocations: number, peakInvocations: number, a: PlanAssumptions): RedisLoad {
  const enabled = config.rate_limiting.strategy === 'redis';
  const buckets = 1 + new Set(config.routes.map((r) => r.rate_limit_group).filter(Boolean)).size;
  const anonymous = config.routes.some((r) => r.auth.strategies.includes('none'));
  // Anonymous routes count per client IP; assume as many active IPs as consumers.
  const identities = config.traffic.distinct_consumers * (anonymous ? 2 : 1);
  const counters = enabled ? identities * 2 * 2 * buckets : 0;
  const steady = enabled ? steadyInvocations : 0;
  const peak = enabled ? peakInvocations : 0;
  return {
    enabled,
    opsPerSecondSteady: steady,
    opsPerSecondPeak: peak,
    ecpuPerSecondPeak: peak * a.ecpuPerEvalsha,
    ecpusPerMonth: steady * a.ecpuPerEvalsha * a.hoursPerMonth * 3600,
    counters,
    storedGb: (counters * a.bytesPerCounter) / 1e9,
  };
}
