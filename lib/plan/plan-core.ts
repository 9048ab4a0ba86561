import type { GatewayEnvironment } from '../config/environments';
import { isMultiRegion } from '../config/regions';
import { compileRouteTable } from '../contract/route-table';
import type { PlanAssumptions } from './assumptions';
import { authorizerInvocations, type AuthorizerInvocations } from './authorizer-invocations';
import { availabilityPlan, type AvailabilityPlan } from './availability';
import { authorizerConcurrency, type ConcurrencyPlan } from './concurrency';
import { breakerLoad } from './breaker-load';
import { monthlyCost, type CostInputs, type MonthlyCost } from './cost';
import { grpcTranscoderPlan, transcoderHop, type GrpcTranscoderPlan } from './grpc-transcoder';
import { keyLookupsPerSecond } from './key-lookups';
import { latencyBudget, type LatencyBudget } from './latency-budget';
import { pricesFor, type PricedRegion } from './prices';
import { redisLoad, type RedisLoad } from './redis-load';
import { multiRegionCost } from './region-cost';
import { regionShares } from './region-shares';
import { requestMix } from './request-mix';
import { throttleLimits, type ThrottlePlan } from './throttle-limits';

/** Everything the planner works out for one environment, before the exact vs approximate comparison (which re-plans with it). */
export interface CorePlan {
  readonly traffic: { readonly steadyRps: number; readonly peakRps: number; readonly burstiness: string; readonly distinctConsumers: number };
  readonly priceRegion: PricedRegion;
  readonly pricesBorrowed: boolean;
  readonly authorizer: { readonly steady: AuthorizerInvocations; readonly peak: AuthorizerInvocations };
  readonly concurrency: ConcurrencyPlan;
  readonly keyLookups: { readonly steadyPerSecond: number; readonly peakPerSecond: number };
  readonly throttle: ThrottlePlan;
  readonly redis: RedisLoad;
  readonly latency: LatencyBudget;
  readonly availability: AvailabilityPlan;
  readonly cost: MonthlyCost;
  /** The gRPC transcoder; undefined when no route goes to a gRPC service. */
  readonly grpc?: GrpcTranscoderPlan;
}

export function planCore(gateway: Pick<GatewayEnvironment, 'config' | 'env' | 'profile'>, a: PlanAssumptions): CorePlan {
  const { config, env, profile } = gateway;
  const { steady_rps: steadyRps, peak_rps: peakRps, distinct_consumers: consumers } = config.traffic;
  const methods = compileRouteTable(config);
  const mix = requestMix(config, methods);
  const steady = authorizerInvocations(mix, steadyRps, consumers);
  const peak = authorizerInvocations(mix, peakRps, consumers);
  const concurrency = authorizerConcurrency(steady.invocationsPerSecond, peak.invocationsPerSecond, profile.authorizerConcurrency, a);
  const cacheSeconds = config.identity.api_keys.cache_seconds;
  const keyLookups = {
    steadyPerSecond: keyLookupsPerSecond(steady, concurrency.steady, consumers, cacheSeconds),
    peakPerSecond: keyLookupsPerSecond(peak, concurrency.peak, consumers, cacheSeconds),
  };
  const redis = redisLoad(config, steady.invocationsPerSecond, peak.invocationsPerSecond, a);
  const grpc = grpcTranscoderPlan(config, profile, mix, a);
  const latency = latencyBudget(config, {
    uncachedShare: peak.uncachedShare,
    keyLookupShare: peakRps > 0 ? keyLookups.peakPerSecond / peakRps : 0,
    grpcTranscoder: transcoderHop(grpc, a),
  }, a);
  const { priceRegion, prices, borrowed } = pricesFor(env.region);
  const breakers = breakerLoad(config, a);
  const costInputs: CostInputs = {
    config, env, profile, prices, steadyRps,
    steadyInvocations: steady.invocationsPerSecond,
    secondsPerInvocation: concurrency.secondsPerInvocation,
    keyLookupsPerSecond: keyLookups.steadyPerSecond,
    redis: { ...redis, storedGb: redis.storedGb + breakers.recordStoredGb },
    methods: methods.length,
    breakers,
    ...(grpc ? { grpc: { share: grpc.share, secondsPerInvocation: grpc.secondsPerInvocation, nativeServices: grpc.nativeServices.length } } : {}),
  };
  const cost = isMultiRegion(env) && env.routing
    ? multiRegionCost(costInputs, regionShares(env), env.routing, a)
    : monthlyCost(costInputs, a);
  return {
    traffic: { steadyRps, peakRps, burstiness: config.traffic.burstiness, distinctConsumers: consumers },
    priceRegion, pricesBorrowed: borrowed,
    authorizer: { steady, peak }, concurrency, keyLookups,
    throttle: throttleLimits(config, profile), redis, latency,
    availability: availabilityPlan(config, env, a), cost,
    ...(grpc ? { grpc } : {}),
  };
}
