import type { BreakerAlarmPlan } from '../../lib/resilience/breaker-alarm-plan';

/** Environment variables of the breaker-state function (set by its construct, read by the handler). */
export const BREAKER_STATE_ENV = {
  /** JSON of {@link BreakerStateConfig}; baked into the bundle at build time by esbuild `define`. */
  config: 'GATEHOUSE_BREAKER_STATE_CONFIG',
  /** `rediss://host:port` of the rate-limit cache, where the authorizer reads the records. */
  redisUrl: 'REDIS_URL',
} as const;

/** What the state function knows of one service's breaker. */
export interface BreakerServiceConfig {
  /** The alarm whose "CloudWatch Alarm State Change" events carry the breaker's state. */
  readonly alarm: string;
  /** The metric alarms DescribeAlarms reads to learn that state (the alarm itself or its composite's parts). */
  readonly metricAlarms: readonly string[];
  /** wait_seconds in ms (an OPEN record's wait, and the default Retry-After of maintenance). */
  readonly waitMs: number;
}

/** The state function's static config, JSON-serializable: every service with a breaker alarm, by name. */
export interface BreakerStateConfig {
  readonly services: Readonly<Record<string, BreakerServiceConfig>>;
}

/** The config the CDK construct bakes in, from the same plans the alarms are built from. */
export function toBreakerStateConfig(plans: readonly BreakerAlarmPlan[]): BreakerStateConfig {
  return {
    services: Object.fromEntries(plans.map((p) => [p.service, { alarm: p.alarmName, metricAlarms: [...p.metricAlarmNames], waitMs: p.waitMs }])),
  };
}

/**
 * The config baked into the bundle. esbuild `define` replaces exactly this member expression, so it
 * stays written out literally (as the authorizer's `bakedConfigJson`); unbundled it is the real
 * environment variable.
 */
export function bakedBreakerStateConfigJson(): string | undefined {
  return process.env.GATEHOUSE_BREAKER_STATE_CONFIG;
}

/** esbuild `define` of the baked config (read by {@link bakedBreakerStateConfigJson}). */
export function breakerStateDefine(config: BreakerStateConfig): Record<string, string> {
  return { [`process.env.${BREAKER_STATE_ENV.config}`]: JSON.stringify(JSON.stringify(config)) };
}

/** The service whose breaker `alarmName` carries, if any. */
export function serviceOfAlarm(config: BreakerStateConfig, alarmName: string): string | undefined {
  return Object.entries(config.services).find(([, s]) => s.alarm === alarmName)?.[0];
}
