import type { ProbeSettings, RoutingPlan } from '../../lib/contract/routing-plan';
import { observerIn } from '../../lib/contract/routing-plan';

/** Environment variables of the health prober (set by its construct, read by the handler). */
export const HEALTH_PROBER_ENV = {
  /** JSON of {@link HealthProberConfig}. */
  config: 'GATEHOUSE_HEALTH_PROBER_CONFIG',
} as const;

/**
 * What one observer region's prober knows: a few hundred bytes, so a plain environment variable
 * (unlike the authorizer's and breaker-state's baked configs): the bundle stays one file for
 * every environment and an operator reads the settings in the console.
 */
export interface HealthProberConfig {
  /** Regions probed from here, in `regions` order. */
  readonly targets: readonly string[];
  readonly probe: ProbeSettings;
  readonly originVerify: {
    /** Secrets Manager name of the header's value, read in the prober's own region. */
    readonly secretName: string;
    readonly header: string;
  };
}

/** The config of the prober in `observerRegion`. */
export function toHealthProberConfig(plan: RoutingPlan, observerRegion: string, originVerify: HealthProberConfig['originVerify']): HealthProberConfig {
  return { targets: [...observerIn(plan, observerRegion).targets], probe: plan.probe, originVerify };
}

/** Parses {@link HEALTH_PROBER_ENV}.config; throws naming what is missing (a deploy bug, not a probe failure). */
export function parseHealthProberConfig(json: string | undefined): HealthProberConfig {
  if (!json) throw new Error(`${HEALTH_PROBER_ENV.config} is not set (the health-prober construct sets it)`);
  const config = JSON.parse(json) as Partial<HealthProberConfig>;
  const problems = [
    ...(Array.isArray(config.targets) && config.targets.length > 0 ? [] : ['targets']),
    ...(config.probe && typeof config.probe.host === 'string' && config.probe.probesPerPeriod > 0 && config.probe.timeoutMs > 0 ? [] : ['probe']),
    ...(config.originVerify?.secretName && config.originVerify.header ? [] : ['originVerify']),
  ];
  if (problems.length > 0) throw new Error(`${HEALTH_PROBER_ENV.config} lacks ${problems.join(', ')}`);
  return config as HealthProberConfig;
}
