/**
 * Owns: the custom CloudWatch metrics of the gateway: their namespace, the service names of the
 * functions that emit them, their names and dimensions. Imported by the authorizer, the audit
 * transformer and the breaker-state function (emit), the constructs that deploy them
 * (POWERTOOLS_* environment) and the observability stacks (dashboard widgets and alarms read them).
 *
 * Every metric lives in `METRICS_NAMESPACE` and carries Powertools' default `service` dimension
 * (POWERTOOLS_SERVICE_NAME of the emitting function: `AUTHORIZER_SERVICE`,
 * `AUDIT_TRANSFORMER_SERVICE` or `BREAKER_STATE_SERVICE`) plus, where listed, the other
 * dimensions. A metric emitted with another dimension set is a different metric to CloudWatch: the
 * alarms would silently never see it.
 *
 * The values are PascalCase like AWS's own metrics.
 */

/** CloudWatch namespace of every Gatehouse metric (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'Gatehouse';

/** Powertools service name (the `service` dimension, logger and tracer name) of the authorizer. */
export const AUTHORIZER_SERVICE = 'gatehouse-authorizer';

export const METRIC = {
  /** A request the authorizer allowed. Count. Dimensions: service. */
  allowed: 'Allowed',
  /** A request the authorizer denied (403). Count. Dimensions: service, reason. */
  denied: 'Denied',
  /** A request without valid credentials (401). Count. Dimensions: service, reason. */
  unauthorized: 'Unauthorized',
  /** A request refused by the rate limiter. Count. Dimensions: service, tier. */
  rateLimited: 'RateLimited',
  /**
   * A decision taken while the shared limiter (Redis) was unavailable, so `rate_limiting.
   * fault_tolerant` decided instead (fail open or closed). Count. Dimensions: service.
   */
  limiterFallback: 'LimiterFallback',
  /** An API key (consumer) lookup answered from the authorizer's in-memory cache. Count. Dimensions: service. */
  keyCacheHit: 'ConsumerCacheHit',
  /** An API key (consumer) lookup that went to DynamoDB. Count. Dimensions: service. */
  keyCacheMiss: 'ConsumerCacheMiss',
  /** A value masked by the audit transformer. Count. Dimensions: service, type (a `MaskType`). */
  maskedFields: 'MaskedFields',
  /**
   * Records (or log events) the audit transformer could not process, written as a stub without
   * their content (docs/compliance.md). Firehose's own success metrics cannot see them: they are
   * answered Ok. Count. Dimensions: service.
   */
  auditFailedRecords: 'AuditFailedRecords',
  /**
   * A circuit breaker's record changed (the breaker-state function wrote its copies). Count.
   * Dimensions: service, upstream (the gateway service), state (the new record state).
   */
  breakerTransition: 'BreakerTransition',
  /**
   * A request the authorizer shed (503: its service's breaker open, or maintenance). Count.
   * Dimensions: service, resource and method (API Gateway's Resource and Method of the request),
   * so a breaker alarm can subtract them from that method's 5XXError. The reason is in the log line.
   */
  shed: 'Shed',
} as const;

/** Dimension names of the metrics above (Powertools adds `service` itself). */
export const METRIC_DIMENSION = {
  service: 'service',
  reason: 'reason',
  tier: 'tier',
  type: 'type',
  /** The gateway service (`services[].name`) a breaker belongs to; `service` is the emitting function. */
  upstream: 'upstream',
  /** A breaker record state: CLOSED, OPEN, FORCED_OPEN. */
  state: 'state',
  /** API Gateway's resource path of a request (`/v1/users/{proxy+}`), as its Resource dimension. */
  resource: 'resource',
  /** The request's HTTP method, as API Gateway's Method dimension. */
  method: 'method',
} as const;

/** Powertools service name (the `service` dimension) of the audit transformer. */
export const AUDIT_TRANSFORMER_SERVICE = 'gatehouse-audit-transformer';

/** Powertools service name (the `service` dimension) of the circuit breakers' state function. */
export const BREAKER_STATE_SERVICE = 'gatehouse-breaker-state';

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
