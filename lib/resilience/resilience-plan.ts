/**
 * Owns: what the resilience keys of a config mean once defaults are filled in from `targets` and
 * `traffic`: each service's breaker settings, trickle, maintenance, balancing and outlier
 * detection, and each route's timeout, retries and maintenance. The authorizer, the twin, the
 * CDK constructs and the planner all read these figures, never the raw keys.
 */
import type { GatewayConfig, HttpMethod, RouteConfig, ServiceConfig } from '../config/schema';
import type { MaintenanceSettings, RetrySettings } from '../config/resilience-schema';
import type { BalancingAlgorithm, OutlierDetectionConfig, UpstreamInstanceConfig } from './upstream-pool';
import type { CircuitBreakerConfig } from './breaker-config';

/** Methods a retry cannot duplicate the effect of (RFC 9110 section 9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Share of a service's expected calls in one window that must be seen before rates are judged. */
export const MINIMUM_CALLS_SHARE = 0.05;
export const MINIMUM_CALLS_FLOOR = 10;
export const MINIMUM_CALLS_CEILING = 1000;

/** The range of a maintenance's Retry-After, in seconds: the config's and the operators' runtime switch's (zod-free, for the state Lambda). */
export const MAINTENANCE_RETRY_AFTER_SECONDS = { min: 1, max: 86_400 } as const;

/** A 503 the gateway answers without calling the upstream. */
export interface Shed {
  readonly retryAfterSeconds: number;
}

export interface ServiceResilience {
  readonly service: string;
  /** Undefined when `circuit_breaker.enabled` is false. TIME_BASED: `slidingWindowSize` is in seconds. */
  readonly breaker?: CircuitBreakerConfig;
  /** Trial calls per half-open period (the authorizer's trickle, the breaker's permitted calls). */
  readonly trickleCount: number;
  readonly maintenance?: Shed;
  readonly algorithm: BalancingAlgorithm;
  readonly outlierDetection: OutlierDetectionConfig;
}

export interface RouteResilience {
  readonly route: string;
  readonly service: string;
  readonly timeoutMs: number;
  /** Only for the route's idempotent methods; undefined when the route has none. */
  readonly retries?: RetrySettings & { readonly methods: ReadonlySet<HttpMethod> };
  /** The route's own maintenance, else its service's. */
  readonly maintenance?: Shed;
}

/** The route's integration timeout: its own, else its service's read timeout. */
export function routeTimeoutMs(route: Pick<RouteConfig, 'timeout_ms'>, service: Pick<ServiceConfig, 'read_timeout_ms'>): number {
  return route.timeout_ms ?? service.read_timeout_ms;
}

/**
 * Default minimum calls: 5 % of the calls the service expects in one window, its share of the
 * steady rate being an even split among the services, kept within 10 and 1,000 so a quiet
 * service still needs a handful of calls and a busy one reacts within its first window.
 */
export function defaultMinimumCalls(config: Pick<GatewayConfig, 'traffic' | 'services'>, windowSeconds: number): number {
  const share = config.traffic.steady_rps / config.services.length;
  const calls = Math.ceil(share * windowSeconds * MINIMUM_CALLS_SHARE);
  return Math.min(MINIMUM_CALLS_CEILING, Math.max(MINIMUM_CALLS_FLOOR, calls));
}

function shed(settings: MaintenanceSettings | undefined): Shed | undefined {
  return settings && { retryAfterSeconds: settings.retry_after_seconds };
}

/** The resilience of one service, defaults filled in. */
export function serviceResilience(config: Pick<GatewayConfig, 'traffic' | 'services' | 'targets' | 'routes'>, service: ServiceConfig): ServiceResilience {
  const cb = service.circuit_breaker;
  const longestTimeout = Math.max(service.read_timeout_ms, ...config.routes.filter((r) => r.service === service.name).map((r) => routeTimeoutMs(r, service)));
  const breaker: CircuitBreakerConfig | undefined = cb.enabled ? {
    failureRateThreshold: cb.failure_rate_threshold,
    slowCallRateThreshold: cb.slow_call_rate_threshold,
    // A call that outlasts the timeout fails rather than being slow, so the default stays below it.
    slowCallDurationThresholdMs: cb.slow_call_duration_ms ?? Math.min(config.targets.p99_latency_ms, longestTimeout),
    slidingWindowType: 'TIME_BASED',
    slidingWindowSize: cb.window_seconds,
    minimumNumberOfCalls: cb.minimum_calls ?? defaultMinimumCalls(config, cb.window_seconds),
    waitDurationInOpenStateMs: cb.wait_seconds * 1000,
    permittedNumberOfCallsInHalfOpenState: cb.half_open_calls,
    maxWaitDurationInHalfOpenStateMs: 0,
  } : undefined;
  const od = service.outlier_detection;
  return {
    service: service.name,
    breaker,
    trickleCount: cb.half_open_calls,
    maintenance: shed(service.maintenance),
    algorithm: service.private?.load_balancing ?? 'round_robin',
    outlierDetection: {
      consecutiveFailures: od.consecutive_failures,
      baseEjectionTimeMs: od.base_ejection_seconds * 1000,
      maxEjectionTimeMs: od.max_ejection_seconds * 1000,
      maxEjectionPercent: od.max_ejection_percent,
    },
  };
}

/** The resilience of one route (its service must exist: the loader checked). */
export function routeResilience(config: Pick<GatewayConfig, 'services'>, route: RouteConfig): RouteResilience {
  const service = config.services.find((s) => s.name === route.service);
  if (!service) throw new RangeError(`route ${route.name}: no service ${route.service}`);
  const methods = new Set(route.methods.filter((m) => IDEMPOTENT_METHODS.has(m)));
  return {
    route: route.name,
    service: service.name,
    timeoutMs: routeTimeoutMs(route, service),
    retries: route.retries && methods.size > 0 ? { ...route.retries, methods } : undefined,
    maintenance: shed(route.maintenance) ?? shed(service.maintenance),
  };
}

/** Every service's and route's resilience, by name. */
export function resiliencePlan(config: GatewayConfig): { services: ReadonlyMap<string, ServiceResilience>; routes: ReadonlyMap<string, RouteResilience> } {
  return {
    services: new Map(config.services.map((s) => [s.name, serviceResilience(config, s)])),
    routes: new Map(config.routes.map((r) => [r.name, routeResilience(config, r)])),
  };
}

/** The instances the twin balances for a service: local_instances, else its one base URL. */
export function localInstances(service: Pick<ServiceConfig, 'local_instances'>, fallbackUrl: string): readonly UpstreamInstanceConfig[] {
  return service.local_instances ?? [{ url: fallbackUrl, weight: 1 }];
}

/** What the shed Retry-After depends on. */
export interface ShedWaitConfig {
  readonly services: readonly Pick<ServiceConfig, 'circuit_breaker' | 'maintenance'>[];
  readonly routes: readonly Partial<Pick<RouteConfig, 'maintenance'>>[];
}

/** Retry-After of a shed request when the config has no breaker and no maintenance (a real configuration error). */
export const SHED_RETRY_AFTER_FALLBACK_SECONDS = 1;

/**
 * The one Retry-After every shed request gets on AWS (decision 0023: its response carries no
 * authorizer context): the shortest wait any enabled breaker or any maintenance of the config
 * gives, so no client is told to wait longer than the soonest service could serve again.
 */
export function shedRetryAfterSeconds(config: ShedWaitConfig): number {
  const waits = [
    ...config.services.flatMap((s) => (s.circuit_breaker.enabled ? [s.circuit_breaker.wait_seconds] : [])),
    ...config.services.flatMap((s) => (s.maintenance ? [s.maintenance.retry_after_seconds] : [])),
    ...config.routes.flatMap((r) => (r.maintenance ? [r.maintenance.retry_after_seconds] : [])),
  ];
  return waits.length > 0 ? Math.min(...waits) : SHED_RETRY_AFTER_FALLBACK_SECONDS;
}
