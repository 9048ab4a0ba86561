/**
 * The resilience keys of services and routes: circuit breaker, outlier detection, maintenance,
 * per-route timeout and retries (docs/resilience.md). Apart from schema.ts because they form one
 * topic; the defaults that depend on other keys (`targets`, `traffic`) are computed by
 * lib/resilience/resilience-plan.ts, so the schema leaves those keys optional.
 */
import { MAINTENANCE_RETRY_AFTER_SECONDS } from '../resilience/resilience-plan';
import { z } from 'zod';

/**
 * The longest integration timeout API Gateway REST allows without a quota increase. Regional and
 * private APIs can raise it to 300 s by a Service Quotas request (June 2024), which may lower the
 * account throttle; CloudFront in front then cuts at its origin response timeout (default 30 s).
 */
export const MAX_INTEGRATION_TIMEOUT_MS = 29_000;
export const MIN_INTEGRATION_TIMEOUT_MS = 50;
/** CloudWatch's period for ALB and API Gateway metrics: a breaker window is a whole number of them. */
export const METRIC_PERIOD_SECONDS = 60;

export const CircuitBreaker = z.strictObject({
  enabled: z.boolean().default(true).describe('false: no breaker for this service (no alarm, no state records, never shed).'),
  failure_rate_threshold: z.number().gt(0).max(100).default(50)
    .describe('Percentage of failed calls (5xx, connection failure, timeout) in the window at or above which the breaker opens.'),
  slow_call_rate_threshold: z.number().gt(0).max(100).default(100)
    .describe('Percentage of slow calls in the window at or above which the breaker opens (100: only when every call is slow).'),
  slow_call_duration_ms: z.number().int().min(1).max(MAX_INTEGRATION_TIMEOUT_MS).optional()
    .describe('A call slower than this is slow. Default: targets.p99_latency_ms, at most the route timeout.'),
  window_seconds: z.number().int().min(METRIC_PERIOD_SECONDS).max(3600)
    .refine((s) => s % METRIC_PERIOD_SECONDS === 0, `a whole number of minutes (${METRIC_PERIOD_SECONDS}, 120, ...): on AWS the window is the CloudWatch alarm's period`)
    .default(METRIC_PERIOD_SECONDS).describe('Sliding time window the rates are measured over, in seconds (a multiple of 60).'),
  minimum_calls: z.number().int().min(1).max(1_000_000).optional()
    .describe('Rates are not judged until the window holds this many calls. Default: 5 % of the service\'s share of traffic.steady_rps over the window, 10 to 1,000.'),
  wait_seconds: z.number().int().min(1).max(3600).default(60)
    .describe('How long an open breaker refuses before letting trial calls through (half-open). The shortest wait of the config is the 503\'s Retry-After (decision 0023).'),
  half_open_calls: z.number().int().min(1).max(1000).default(10)
    .describe('Trial calls let through per wait period while half-open.'),
}).describe('Circuit breaker of the service (Resilience4j semantics): opens when the failure or slow-call rate crosses its threshold, answers 503 with Retry-After while open.');

export const OutlierDetection = z.strictObject({
  consecutive_failures: z.number().int().min(1).max(1000).default(5).describe('Consecutive failures (5xx, connection failure, timeout) that eject an instance.'),
  base_ejection_seconds: z.number().int().min(1).max(3600).default(30).describe('First ejection time; each further ejection of the same instance lasts this times the ejections so far.'),
  max_ejection_seconds: z.number().int().min(1).max(86400).default(300).describe('Longest ejection.'),
  max_ejection_percent: z.number().int().min(0).max(100).default(10).describe('Largest share of instances ejected at once (one instance can always be ejected).'),
}).describe('Passive health of the local twin\'s instances (Envoy outlier detection). On AWS the ALB\'s active health check and, with weighted_random, anomaly mitigation do this.');

export const Maintenance = z.strictObject({
  retry_after_seconds: z.number().int().min(MAINTENANCE_RETRY_AFTER_SECONDS.min).max(MAINTENANCE_RETRY_AFTER_SECONDS.max).default(300)
    .describe('How long clients should wait. The 503 carries one Retry-After for the whole API: the shortest of every breaker\'s wait_seconds and every maintenance\'s retry_after_seconds (decision 0023).'),
}).describe('Maintenance mode: every request is answered 503 (the gateway\'s fixed body, decision 0023) by the authorizer, the upstream is not called. At runtime, without a redeploy, the breaker\'s forced-open state does the same (docs/resilience.md).');

export const LocalInstance = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL, e.g. http://localhost:3001' }).describe('Base URL of one instance.'),
  weight: z.number().int().min(1).max(1000).default(1).describe('Share of requests under weighted_random.'),
});

export const Retries = z.strictObject({
  attempts: z.number().int().min(1).max(3).describe('Retries after the first call, for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) that failed with a connection failure, 502, 503 or 504.'),
  base_delay_ms: z.number().int().min(1).max(5000).default(25).describe('Backoff before retry n is random in [0, min(max_delay_ms, base_delay_ms x 2^(n-1))] (full jitter).'),
  max_delay_ms: z.number().int().min(1).max(30000).default(250).describe('Cap of the backoff.'),
}).describe('Retries of the local twin. API Gateway REST and the ALB never retry an integration, so on AWS this route is not retried (docs/resilience.md); clients retry with the Retry-After they get.');

export type CircuitBreakerSettings = z.infer<typeof CircuitBreaker>;
export type OutlierDetectionSettings = z.infer<typeof OutlierDetection>;
export type MaintenanceSettings = z.infer<typeof Maintenance>;
export type RetrySettings = z.infer<typeof Retries>;
