/**
 * The custom CloudWatch metrics of the gateway: one truth for their names and dimensions,
 * imported by the authorizer (emits), the audit transformer (emits), and the observability
 * stacks (dashboard widgets and alarms read them).
 *
 * Every metric lives in `METRICS_NAMESPACE` (lib/contract/authorizer-env.ts) and carries
 * Powertools' default `service` dimension (POWERTOOLS_SERVICE_NAME of the emitting function)
 * plus, where listed, one more dimension. A metric emitted with another dimension set is a
 * different metric to CloudWatch: the alarms would silently never see it.
 *
 * The values are PascalCase like AWS's own metrics, and equal to what
 * lambdas/authorizer/observability.ts emits today (it should import `METRIC` from here).
 */
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
} as const;

/** Dimension names of the metrics above (Powertools adds `service` itself). */
export const METRIC_DIMENSION = {
  service: 'service',
  reason: 'reason',
  tier: 'tier',
  type: 'type',
} as const;

/** Powertools service name (the `service` dimension) of the audit transformer. */
export const AUDIT_TRANSFORMER_SERVICE = 'gatehouse-audit-transformer';

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
