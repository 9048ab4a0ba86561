/**
 * The gRPC transcoder in the plan (issue 16, docs/decisions/0027): which share of the traffic it
 * serves (the routes to gRPC services in the request mix), how long each invocation holds an
 * execution environment (its own work, measured by `npm run bench:grpc`, plus the upstream call it
 * waits for, billed as duration), its concurrency and reserved concurrency, its hop in the p99
 * budget, and what a native gRPC call costs (those calls are not in `traffic`: no key says how many).
 *
 * It also owns the function's memory, which the CDK construct deploys and the cost prices.
 */
import type { GatewayConfig } from '../config/schema';
import type { Profile } from '../config/profile';
import type { PlanAssumptions } from './assumptions';
import { note, warning, type Finding } from './finding';
import { fmt } from './format-number';
import { HOP_P99_MS, P99_SHARE, type Hop } from './latency-budget';
import type { Endpoint } from './request-mix';

/**
 * Memory of the transcoder (arm64): CPU scales with memory, and JSON <-> protobuf is CPU work on
 * every call; 512 MB is a third of a vCPU. Deployed by lib/constructs/grpc-transcoder.ts.
 */
export const GRPC_TRANSCODER_MEMORY_MB = 512;
/** The smallest reserved concurrency the construct sets (a quiet gateway still absorbs a burst). */
export const MIN_TRANSCODER_CONCURRENCY = 5;

/** What the planner assumes of the transcoder (the bench measures the first two, docs/benchmarks.md). */
export interface GrpcAssumptions {
  /** Mean seconds of the transcoder's own work per call (REST -> protobuf, the call, protobuf -> JSON), at 512 MB. */
  readonly transcodeSeconds: number;
  /** Its p99, milliseconds, at 512 MB. */
  readonly transcodeP99Ms: number;
  /** Mean seconds a gRPC upstream takes to answer: the function waits for it and is billed for it. */
  readonly upstreamSeconds: number;
  /** Extra seconds a cold start adds: bundle load, the protos compiled, the channel's TLS to the ALB. */
  readonly coldStartSeconds: number;
  /** Log bytes per invocation (Lambda's START/END/REPORT lines; an answered call logs at DEBUG only). */
  readonly logBytes: number;
}

export interface GrpcTranscoderPlan {
  /** Routes whose service is a gRPC service. */
  readonly routes: readonly string[];
  /** Their share of all requests (the request mix: an even split, as for every route). */
  readonly share: number;
  readonly steadyRps: number;
  readonly peakRps: number;
  /** Mean seconds an invocation holds an execution environment: own work + upstream + cold-start share. */
  readonly secondsPerInvocation: number;
  readonly concurrency: { readonly steady: number; readonly peak: number; readonly reserved: number };
  /** The mean upstream time at which the peak's calls would fill the reserved concurrency (Little's law). */
  readonly upstreamSecondsAtReserve: number;
  /** Services native gRPC clients may call (`grpc.native.enabled`). */
  readonly nativeServices: readonly string[];
  readonly findings: readonly Finding[];
}

/** Routes whose service has `protocol: grpc`. */
export function grpcRoutes(config: Pick<GatewayConfig, 'services' | 'routes'>): string[] {
  const grpc = new Set(config.services.filter((s) => s.protocol === 'grpc').map((s) => s.name));
  return config.routes.filter((r) => grpc.has(r.service)).map((r) => r.name);
}

/** Seconds an invocation holds an execution environment on average. */
export function transcoderSecondsPerInvocation(a: PlanAssumptions): number {
  return a.grpc.transcodeSeconds + a.grpc.upstreamSeconds + a.coldStartShare * a.grpc.coldStartSeconds;
}

/**
 * The reserved concurrency of the transcoder: every request the stage throttle admits could be a
 * gRPC call (the mix's even split is an assumption, a real API may send most of its traffic to
 * gRPC routes), each holding the function {@link transcoderSecondsPerInvocation}. Read by the CDK
 * construct, so the plan and the deployment agree.
 */
export function transcoderReservedConcurrency(profile: Pick<Profile, 'stageThrottle'>, a: PlanAssumptions): number {
  return Math.max(MIN_TRANSCODER_CONCURRENCY, Math.ceil(profile.stageThrottle.rateLimit * transcoderSecondsPerInvocation(a)));
}

/** The transcoder's plan, or undefined when no route goes to a gRPC service. */
export function grpcTranscoderPlan(config: GatewayConfig, profile: Pick<Profile, 'stageThrottle'>, mix: readonly Endpoint[], a: PlanAssumptions): GrpcTranscoderPlan | undefined {
  const routes = grpcRoutes(config);
  if (routes.length === 0) return undefined;
  const names = new Set(routes);
  const share = mix.filter((e) => names.has(e.route)).reduce((sum, e) => sum + e.share, 0);
  const steadyRps = config.traffic.steady_rps * share;
  const peakRps = config.traffic.peak_rps * share;
  const seconds = transcoderSecondsPerInvocation(a);
  const reserved = transcoderReservedConcurrency(profile, a);
  const concurrency = { steady: steadyRps * seconds, peak: peakRps * seconds, reserved };
  const upstreamSecondsAtReserve = peakRps > 0 ? reserved / peakRps - a.grpc.transcodeSeconds : Infinity;
  const nativeServices = config.services.filter((s) => s.protocol === 'grpc' && s.private && s.grpc?.native.enabled).map((s) => s.name);
  const findings: Finding[] = [];
  if (concurrency.peak > reserved) {
    findings.push(warning('grpc-transcoder-concurrency', `the gRPC transcoder needs ${Math.ceil(concurrency.peak)} concurrent executions at peak but reserves ${reserved}: calls above it are throttled (API Gateway answers 500)`));
  } else {
    findings.push(note('grpc-transcoder-concurrency',
      `the gRPC transcoder reserves ${reserved} concurrent executions; at ${fmt(peakRps, 1)} gRPC req/s (peak) an upstream slower than ${fmt(upstreamSecondsAtReserve * 1000)} ms on average fills them and further calls are throttled`));
  }
  return { routes, share, steadyRps, peakRps, secondsPerInvocation: seconds, concurrency, upstreamSecondsAtReserve, nativeServices, findings };
}

/**
 * The transcoder's hop in the p99 budget when its routes carry at least {@link P99_SHARE} of the
 * requests: the Lambda invoke (as the authorizer's) and its own work's p99, plus a cold start when
 * cold starts reach the p99.
 */
export function transcoderHop(plan: GrpcTranscoderPlan | undefined, a: PlanAssumptions): Hop | undefined {
  if (!plan || plan.share < P99_SHARE) return undefined;
  const cold = plan.share * a.coldStartShare >= P99_SHARE ? Math.round(a.grpc.coldStartSeconds * 1000) : 0;
  return {
    hop: 'gRPC transcoder (Lambda)',
    p99Ms: HOP_P99_MS.authorizerInvoke + Math.ceil(a.grpc.transcodeP99Ms) + cold,
    why: `${(plan.share * 100).toFixed(plan.share < 0.1 ? 1 : 0)} % of requests (routes ${plan.routes.join(', ')}): ${HOP_P99_MS.authorizerInvoke} ms invoke + ${a.grpc.transcodeP99Ms} ms transcoding p99 (bench:grpc)${cold ? ` + ${cold} ms cold start` : ''}`,
  };
}
