import type { RoutingConfig } from '../lib/config/region-schema';

/**
 * The health judgement of one region, as the edge router (./edge-router.ts) makes it from its
 * probes of the region's health route: the twin's stand-in for the alarm-based Route 53 check of
 * decision 0026 D4 (`HealthProbeFailures` Sum >= `failed_probes` in a period -> ALARM -> out of
 * rotation; a period below it -> OK -> back in).
 *
 * One difference, on purpose: the twin judges a sliding period (the last `probes_per_period`
 * probes) at every probe, where CloudWatch judges whole minutes and Route 53 follows the alarm
 * with a lag (D4 assumes 60 s). So the twin takes a region out `failed_probes` probe intervals
 * after its first failed probe, where AWS takes up to a period plus the lag; both put it back
 * once a period holds fewer than `failed_probes` failures. Pure: the caller probes and keeps time.
 */

export type HealthCheckConfig = RoutingConfig['health_check'];

/** What the router's timers run on: the config's seconds times the router's time scale. */
export interface ProbeTiming {
  /** Between two probes of one region: period / probes_per_period. */
  readonly intervalMs: number;
  /** A probe without an answer by then has failed. */
  readonly timeoutMs: number;
  readonly periodMs: number;
}

/**
 * The probe timing of `check` at `timeScale` (1: as deployed; 0.01: a 60 s period lasts 600 ms).
 * The scale changes how long things take, never how many probes judge or fail a region.
 */
export function probeTiming(check: HealthCheckConfig, timeScale: number): ProbeTiming {
  const periodMs = check.period_seconds * 1000 * timeScale;
  return { periodMs, intervalMs: periodMs / check.probes_per_period, timeoutMs: check.timeout_ms * timeScale };
}

/** A probe's result: ok, or why it failed (`connection refused`, `timeout after 20 ms`, `status 503`). */
export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly why: string };

/** A change of rotation a probe caused, to tell the developer. */
export interface RotationChange {
  readonly inRotation: boolean;
  /** Failed probes among the last period's. */
  readonly failed: number;
  readonly of: number;
  /** The latest failure's reason (leaving rotation). */
  readonly why?: string;
}

export class RegionHealth {
  private readonly window: ProbeResult[] = [];
  private rotation = true;

  constructor(private readonly check: Pick<HealthCheckConfig, 'probes_per_period' | 'failed_probes'>) {}

  /** In rotation: fewer than `failed_probes` of the last period's probes failed. A region no probe has judged yet is in (a new Route 53 check is healthy). */
  get inRotation(): boolean {
    return this.rotation;
  }

  /** Failed probes among the last period's, how many probes that period holds so far, and the latest failure's reason. */
  get failures(): { readonly failed: number; readonly of: number; readonly why?: string } {
    const failed = this.window.filter((r) => !r.ok);
    const latest = failed.at(-1);
    return { failed: failed.length, of: this.window.length, why: latest && !latest.ok ? latest.why : undefined };
  }

  /** Records one probe's result; returns the change of rotation it caused, if any. */
  record(result: ProbeResult): RotationChange | undefined {
    this.window.push(result);
    if (this.window.length > this.check.probes_per_period) this.window.shift();
    const { failed, of, why } = this.failures;
    const inRotation = failed < this.check.failed_probes;
    if (inRotation === this.rotation) return undefined;
    this.rotation = inRotation;
    return { inRotation, failed, of, why: inRotation ? undefined : why };
  }
}
