import { AUTHORIZER_DURATION_SECONDS } from '../config/profile';
import type { GrpcAssumptions } from './grpc-transcoder';

/**
 * What the planner must assume because the config does not say it. Every number here is shown
 * in the plan output and documented in docs/capacity.md; callers may override any of them.
 */
export interface PlanAssumptions {
  /** Hours in a billing month (AWS uses 730). */
  readonly hoursPerMonth: number;
  /** Mean warm authorizer duration in seconds (the profile's sizing figure, one truth). */
  readonly authorizerWarmSeconds: number;
  /** Share of authorizer invocations that are cold starts at steady traffic. */
  readonly coldStartShare: number;
  /** Extra seconds a cold start adds (VPC ENI is pre-attached; ESM init, JWKS, Redis TLS). */
  readonly coldStartSeconds: number;
  /** Lambda concurrency an account has by default per region. */
  readonly accountConcurrency: number;
  /** Concurrency Lambda keeps unreserved in every account (reservations cannot take it). */
  readonly unreservedConcurrencyFloor: number;
  /** Average response size at the edge, bytes, headers included. */
  readonly responseBytes: number;
  /** Average request size sent from the edge to the origin, bytes. */
  readonly requestBytes: number;
  /** ECPUs one rate-limit EVALSHA consumes (a Lua script running ~8 simple commands). */
  readonly ecpuPerEvalsha: number;
  /** Bytes one rate-limit counter takes in Valkey (key, value, expiry, overhead). */
  readonly bytesPerCounter: number;
  /** DynamoDB read request units per API key lookup (eventually consistent, item < 4 KB). */
  readonly rruPerKeyLookup: number;
  /** API Gateway execution log bytes per request at loggingLevel INFO. */
  readonly executionLogBytes: number;
  /** Authorizer log bytes per invocation (platform START/END/REPORT + one decision line). */
  readonly authorizerLogBytes: number;
  /** WAF log record bytes per request per web ACL. */
  readonly wafLogBytes: number;
  /** Compressed/raw ratio for archived logs and the S3 audit trail (gzip on JSON). */
  readonly compressionRatio: number;
  /** X-Ray default sampling rule: traces per second reserved, then this share of the rest. */
  readonly xrayReservoirPerSecond: number;
  readonly xraySampleRate: number;
  /** Customer-managed KMS keys the stacks create when compliance applies. */
  readonly customerManagedKeys: number;
  /** KMS requests per month per key (data-key caching keeps this low). */
  readonly kmsRequestsPerKey: number;
  /** Custom metrics the authorizer emits and alarms the observability stack creates. */
  readonly customMetrics: number;
  readonly alarms: number;
  /** API Gateway detailed metrics per method (Count, 4XX, 5XX, Latency, IntegrationLatency, CacheHit, CacheMiss). */
  readonly metricsPerMethod: number;
  /** Breaker state changes per service and month (alarm changes and maintenance switches): a guess, each costs 16,384 Redis writes. */
  readonly breakerChangesPerServiceMonth: number;
  /** ECPUs of one SET of a breaker record copy (a small value: ElastiCache bills 1 ECPU per simple command up to 1 KB). */
  readonly ecpuPerRecordWrite: number;
  /** Bytes one breaker record copy holds in Redis (key, value, overhead). */
  readonly bytesPerRecordCopy: number;
  /** The multi-region model (decision 0026 D10); unused by a one-region environment. */
  readonly regions: RegionAssumptions;
  /** The gRPC transcoder (issue 16); unused without gRPC services. */
  readonly grpc: GrpcAssumptions;
}

/**
 * What the N-region availability and cost model assumes (decision 0026 D10). Each is printed
 * with a multi-region plan, because each can move the availability figure across the target.
 */
export interface RegionAssumptions {
  /** k: full outages of one region per month (its SLA downtime u x P is spread over them). */
  readonly incidentsPerRegionMonth: number;
  /**
   * Seconds from the health alarm's period ending to Route 53 treating the check as unhealthy:
   * how fast Route 53 follows a CloudWatch alarm is not documented (fact F9, unverified).
   */
  readonly alarmEvaluationLagSeconds: number;
  /** Seconds between two probes of one region (the prober spreads them over the period, D4). */
  readonly probeSpacingSeconds: number;
  /** Memory of the health prober Lambda (arm64), MB. */
  readonly proberMemoryMb: number;
  /**
   * DNS resolvers that ask Route 53 for domains.api once per TTL: CloudFront resolves the origin
   * name at its edge locations (F7). A guess of the edge location count; only the DNS query line uses it.
   */
  readonly originResolvers: number;
}

export const DEFAULT_ASSUMPTIONS: PlanAssumptions = {
  hoursPerMonth: 730,
  authorizerWarmSeconds: AUTHORIZER_DURATION_SECONDS,
  coldStartShare: 0.002,
  coldStartSeconds: 0.6,
  accountConcurrency: 1000,
  unreservedConcurrencyFloor: 100,
  responseBytes: 2048,
  requestBytes: 1024,
  ecpuPerEvalsha: 8,
  bytesPerCounter: 100,
  rruPerKeyLookup: 0.5,
  executionLogBytes: 1500,
  authorizerLogBytes: 1024,
  wafLogBytes: 1500,
  compressionRatio: 0.15,
  xrayReservoirPerSecond: 1,
  xraySampleRate: 0.05,
  customerManagedKeys: 5,
  kmsRequestsPerKey: 100_000,
  customMetrics: 20,
  alarms: 15,
  metricsPerMethod: 7,
  breakerChangesPerServiceMonth: 20,
  ecpuPerRecordWrite: 1,
  bytesPerRecordCopy: 90,
  regions: {
    incidentsPerRegionMonth: 1,
    alarmEvaluationLagSeconds: 60,
    probeSpacingSeconds: 10,
    proberMemoryMb: 128,
    originResolvers: 600,
  },
  // Own work from `npm run bench:grpc` (docs/benchmarks.md, gRPC: the transcoded call less the direct
  // one, on 2 vCPU; Lambda at 512 MB has a third of a vCPU, so x3); the upstream time is a guess.
  grpc: {
    transcodeSeconds: 0.0015,
    transcodeP99Ms: 5,
    upstreamSeconds: 0.03,
    coldStartSeconds: 0.5,
    logBytes: 400,
  },
};

/** Seconds in the billing month. */
export const secondsPerMonth = (a: PlanAssumptions) => a.hoursPerMonth * 3600;
