import type { GatewayConfig } from '../config/schema';
import type { PlanAssumptions } from './assumptions';
import { note, warning, type Finding } from './finding';

/** p99 of each hop in milliseconds, as assumed (docs/capacity.md explains each one). */
export const HOP_P99_MS = {
  cloudFront: 10,
  edgeWaf: 2,
  botControl: { off: 0, common: 1, targeted: 3 },
  edgeToRegion: 20,
  originGuardWaf: 1,
  apiGateway: 20,
  authorizerCached: 1,
  authorizerInvoke: 8,
  authorizerHandler: 10,
  redis: 3,
  dynamoDb: 10,
  integrationNetwork: 5,
} as const;

/** A hop counts towards the p99 when at least this share of requests pass through it. */
export const P99_SHARE = 0.01;
/** Below this share of the target left for the upstream, the plan warns. */
export const MIN_UPSTREAM_SHARE = 0.25;

export interface Hop { readonly hop: string; readonly p99Ms: number; readonly why: string }

export interface LatencyBudget {
  readonly hops: readonly Hop[];
  readonly gatewayMs: number;
  readonly targetMs: number;
  /** What is left of the target for the upstream service. */
  readonly upstreamBudgetMs: number;
  readonly findings: readonly Finding[];
}

export interface LatencyInputs {
  /** Share of requests that invoke the authorizer. */
  readonly uncachedShare: number;
  /** Share of requests that read a consumer record from DynamoDB. */
  readonly keyLookupShare: number;
  /** The gRPC transcoder's hop, when its routes reach the p99 (lib/plan/grpc-transcoder.ts transcoderHop). */
  readonly grpcTranscoder?: Hop;
}

/**
 * Adds the p99 of each hop a request passes (a hop on fewer than 1 % of requests cannot move
 * the p99). Adding p99s is pessimistic: hops rarely hit their p99 on the same request.
 */
export function latencyBudget(config: GatewayConfig, inputs: LatencyInputs, a: PlanAssumptions): LatencyBudget {
  const h = HOP_P99_MS;
  const bot = config.security.waf.bot_control;
  const hops: Hop[] = [
    { hop: 'CloudFront edge', p99Ms: h.cloudFront, why: 'TLS termination, cache lookup, viewer-request function' },
    { hop: 'WAF (edge web ACL)', p99Ms: h.edgeWaf + h.botControl[bot], why: `managed rule groups${bot === 'off' ? '' : `, Bot Control ${bot}`}` },
    { hop: 'edge to regional API', p99Ms: h.edgeToRegion, why: 'viewer and region on the same continent, warm origin connections' },
    { hop: 'WAF (regional origin guard)', p99Ms: h.originGuardWaf, why: 'two header rules' },
    { hop: 'API Gateway REST', p99Ms: h.apiGateway, why: 'routing, validation, usage plan, mapping' },
  ];
  if (inputs.uncachedShare >= P99_SHARE) {
    const redis = config.rate_limiting.strategy === 'redis' ? Math.min(h.redis, config.rate_limiting.redis_timeout_ms) : 0;
    const dynamo = inputs.keyLookupShare >= P99_SHARE ? h.dynamoDb : 0;
    const cold = inputs.uncachedShare * a.coldStartShare >= P99_SHARE ? a.coldStartSeconds * 1000 : 0;
    hops.push({
      hop: 'authorizer (uncached)',
      p99Ms: h.authorizerInvoke + h.authorizerHandler + redis + dynamo + cold,
      why: [
        `${pctText(inputs.uncachedShare)} of requests invoke it: ${h.authorizerInvoke} ms invoke + ${h.authorizerHandler} ms handler`,
        redis ? `${redis} ms Redis (capped by redis_timeout_ms)` : '',
        dynamo ? `${dynamo} ms DynamoDB key lookup (${pctText(inputs.keyLookupShare)} of requests)` : '',
        cold ? `${cold} ms cold start` : '',
      ].filter(Boolean).join(' + '),
    });
  } else {
    hops.push({ hop: 'authorizer (cached decision)', p99Ms: h.authorizerCached, why: `only ${pctText(inputs.uncachedShare)} of requests invoke the Lambda` });
  }
  if (inputs.grpcTranscoder) hops.push(inputs.grpcTranscoder);
  hops.push({ hop: 'integration network', p99Ms: h.integrationNetwork, why: 'VPC link + internal ALB, or HTTPS to a public upstream' });

  const gatewayMs = hops.reduce((sum, x) => sum + x.p99Ms, 0);
  const targetMs = config.targets.p99_latency_ms;
  const upstreamBudgetMs = targetMs - gatewayMs;
  const findings: Finding[] = [];
  // Under limits: exact a cache_ttl changes nothing; limits-advice.ts appends which routes to
  // switch to approximate when that would help.
  if (upstreamBudgetMs <= 0) {
    findings.push(warning('latency-budget', `the gateway's own hops add up to ${gatewayMs} ms at p99, over the ${targetMs} ms target before any upstream time; relax targets.p99_latency_ms`));
  } else if (upstreamBudgetMs < targetMs * MIN_UPSTREAM_SHARE) {
    findings.push(warning('latency-budget',
      `the gateway's hops take ${gatewayMs} ms of the ${targetMs} ms p99 target, leaving ${upstreamBudgetMs} ms for the upstream; `
      + 'relax targets.p99_latency_ms'));
  } else {
    findings.push(note('latency-budget', `the upstream has ${upstreamBudgetMs} ms of the ${targetMs} ms p99 target`));
  }
  return { hops, gatewayMs, targetMs, upstreamBudgetMs, findings };
}

const pctText = (r: number) => `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`;
