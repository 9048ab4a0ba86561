import type { HealthProberConfig } from './config';
import type { Probe, ProbeResult } from './probe';
import type { RefreshingValue } from './refreshing';

/** What one run of the prober found for one region. */
export type RegionOutcome =
  /** Probed: `failures` of `results.length` probes failed (published, 0 included). */
  | { readonly region: string; readonly status: 'probed'; readonly failures: number; readonly results: readonly ProbeResult[] }
  /**
   * Not probed: the prober lacked what it needs (the region's domain name, the secret). Nothing
   * is published, so the alarm gets no data and the check keeps its last status: the prober's
   * own trouble never moves traffic.
   */
  | { readonly region: string; readonly status: 'skipped'; readonly reason: string };

export interface ProbeRoundOutcome {
  /** When the run started; its probes are timed from here. */
  readonly startedAtMs: number;
  /**
   * The timestamp of the run's metrics: the schedule's time of the run (EventBridge Scheduler's
   * `<aws.scheduler.scheduled-time>`), else its start. Runs scheduled exactly 60 s apart fall in
   * consecutive minutes whatever their delivery delay, so each period holds exactly one run's
   * count (stamped with the start, a late run could share a minute with the next one and double
   * its Sum).
   */
  readonly timestampMs: number;
  readonly regions: readonly RegionOutcome[];
}

/** A scheduled time is used when it is at most this far from the run's start (else the start is). */
export const MAX_SCHEDULE_SKEW_MS = 5 * 60_000;

export interface ProbeRoundDeps {
  readonly config: HealthProberConfig;
  /** Each target's regional domain name (where to connect). */
  readonly domainNames: ReadonlyMap<string, RefreshingValue<string>>;
  readonly originVerify: RefreshingValue<string>;
  readonly probe: Probe;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Trusted CAs for the probes (tests only). */
  readonly ca?: string | Buffer;
  /** Port of the probes (tests only). @default 443 */
  readonly port?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms); });

/**
 * One run: every target region in parallel, `probesPerPeriod` probes each, started
 * `intervalMs` apart from the run's start (a slow probe does not push the next one later, so a
 * run of 6 probes of at most 5 s ends within 55 s, before the next run). A probe that fails is
 * not retried: failing probes are the signal, `failed_probes` of them within a period the verdict.
 */
export function createProbeRound(deps: ProbeRoundDeps): (scheduledAtMs?: number) => Promise<ProbeRoundOutcome> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const { probe: settings, targets } = deps.config;

  return async (scheduledAtMs) => {
    const startedAtMs = now();
    const timestampMs = scheduledAtMs !== undefined && Number.isFinite(scheduledAtMs) && Math.abs(startedAtMs - scheduledAtMs) <= MAX_SCHEDULE_SKEW_MS
      ? scheduledAtMs : startedAtMs;
    let secret: string;
    try {
      secret = await deps.originVerify.get();
    } catch (err) {
      const reason = `origin-verify secret unavailable: ${(err as Error).message}`;
      return { startedAtMs, timestampMs, regions: targets.map((region) => ({ region, status: 'skipped' as const, reason })) };
    }

    const probeRegion = async (region: string): Promise<RegionOutcome> => {
      const lookup = deps.domainNames.get(region);
      let address: string;
      try {
        if (!lookup) throw new Error('no lookup configured');
        address = await lookup.get();
      } catch (err) {
        return { region, status: 'skipped', reason: `regional domain name unavailable: ${(err as Error).message}` };
      }
      const results: ProbeResult[] = [];
      for (let i = 0; i < settings.probesPerPeriod; i++) {
        const wait = startedAtMs + i * settings.intervalMs - now();
        if (wait > 0) await sleep(wait);
        results.push(await deps.probe({
          region,
          address,
          port: deps.port,
          host: settings.host,
          path: settings.path,
          headers: { [deps.config.originVerify.header]: secret },
          timeoutMs: settings.timeoutMs,
          ca: deps.ca,
        }));
      }
      return { region, status: 'probed', failures: results.filter((r) => !r.healthy).length, results };
    };

    return { startedAtMs, timestampMs, regions: await Promise.all(targets.map(probeRegion)) };
  };
}
