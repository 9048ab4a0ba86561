/**
 * The twin's load balancer for a service with several upstream instances: ALB's algorithms
 * (round_robin, least_outstanding_requests, weighted_random) and Envoy's passive outlier
 * detection by consecutive failures. Pure and clock-injected: the proxy asks `pick(now)`, reports
 * `onStart` and `onResult`, and tests step through time without a server.
 *
 * Envoy's rules, from its outlier detection docs: consecutive 5xx (or connection failures) eject
 * a host for base_ejection_time x the times it has been ejected, capped at max_ejection_time; a
 * host is ejected when none is, or when the ejected share including it stays within
 * max_ejection_percent (so at least one host can always be ejected). Deviation: Envoy returns hosts
 * at its next interval sweep (10 s); here a host is back the moment its ejection ends, which keeps
 * the pool timer-free and the readmission time exact.
 */

export type BalancingAlgorithm = 'round_robin' | 'least_outstanding_requests' | 'weighted_random';

export interface UpstreamInstanceConfig {
  readonly url: string;
  /** weighted_random only. @default 1 */
  readonly weight?: number;
}

export interface OutlierDetectionConfig {
  /** Envoy's consecutive_5xx. @default 5 */
  readonly consecutiveFailures: number;
  /** Envoy's base_ejection_time. @default 30_000 */
  readonly baseEjectionTimeMs: number;
  /** Envoy's max_ejection_time. @default 300_000 */
  readonly maxEjectionTimeMs: number;
  /** Envoy's max_ejection_percent. @default 10 */
  readonly maxEjectionPercent: number;
}

export const DEFAULT_OUTLIER_DETECTION: OutlierDetectionConfig = { consecutiveFailures: 5, baseEjectionTimeMs: 30_000, maxEjectionTimeMs: 300_000, maxEjectionPercent: 10 };

/** One instance as the proxy sees it; hand it back to `onStart` and `onResult`. */
export interface UpstreamInstance {
  readonly index: number;
  readonly url: string;
  readonly weight: number;
}

export interface UpstreamPoolProps {
  readonly instances: readonly UpstreamInstanceConfig[];
  readonly algorithm: BalancingAlgorithm;
  readonly outlierDetection?: Partial<OutlierDetectionConfig>;
  /** Uniform in [0, 1), for weighted_random. @default Math.random */
  readonly random?: () => number;
  /** Called when an instance is ejected (until `untilMs`) or readmitted, for the twin's log. */
  readonly onEjection?: (event: { readonly url: string; readonly ejected: boolean; readonly atMs: number; readonly untilMs?: number }) => void;
}

interface Health { outstanding: number; consecutiveFailures: number; timesEjected: number; ejectedUntil?: number }

export class UpstreamPool {
  readonly instances: readonly UpstreamInstance[];
  readonly outlierDetection: OutlierDetectionConfig;
  private readonly health: Health[];
  private readonly algorithm: BalancingAlgorithm;
  private readonly random: () => number;
  private readonly onEjection?: UpstreamPoolProps['onEjection'];
  private cursor = 0;

  constructor(props: UpstreamPoolProps) {
    if (props.instances.length === 0) throw new RangeError('an upstream pool needs at least one instance');
    this.instances = props.instances.map((c, index) => {
      const weight = c.weight ?? 1;
      if (!(Number.isFinite(weight) && weight > 0)) throw new RangeError(`instance ${c.url}: weight must be a positive number, got ${weight}`);
      return { index, url: c.url, weight };
    });
    this.health = this.instances.map(() => ({ outstanding: 0, consecutiveFailures: 0, timesEjected: 0 }));
    this.algorithm = props.algorithm;
    this.outlierDetection = { ...DEFAULT_OUTLIER_DETECTION, ...props.outlierDetection };
    this.random = props.random ?? Math.random;
    this.onEjection = props.onEjection;
  }

  /** The instance for the next request. Never none: with every instance ejected it picks among all (Envoy's panic mode). */
  pick(nowMs: number): UpstreamInstance {
    this.readmit(nowMs);
    const live = this.instances.filter((i) => this.health[i.index].ejectedUntil === undefined);
    const candidates = live.length > 0 ? live : this.instances;
    switch (this.algorithm) {
      case 'round_robin': return this.nextInTurn(candidates, () => true);
      case 'least_outstanding_requests': {
        const least = Math.min(...candidates.map((i) => this.health[i.index].outstanding));
        // Ties go round robin, so an idle pool does not send everything to the first instance.
        return this.nextInTurn(candidates, (i) => this.health[i.index].outstanding === least);
      }
      case 'weighted_random': {
        let r = this.random() * candidates.reduce((sum, i) => sum + i.weight, 0);
        for (const i of candidates) { r -= i.weight; if (r < 0) return i; }
        return candidates[candidates.length - 1];
      }
    }
  }

  /** A request was sent to `instance` (least_outstanding_requests counts it until its result). */
  onStart(instance: UpstreamInstance): void {
    this.health[instance.index].outstanding += 1;
  }

  /** The request ended: `failed` for a 5xx answer or a connection failure (timeout, refused, reset). */
  onResult(nowMs: number, instance: UpstreamInstance, result: { readonly failed: boolean }): void {
    this.readmit(nowMs);
    const h = this.health[instance.index];
    h.outstanding = Math.max(0, h.outstanding - 1);
    if (!result.failed) { h.consecutiveFailures = 0; return; }
    h.consecutiveFailures += 1;
    if (h.ejectedUntil !== undefined || h.consecutiveFailures < this.outlierDetection.consecutiveFailures) return;
    const ejected = this.health.filter((x) => x.ejectedUntil !== undefined).length;
    if (ejected > 0 && (100 * (ejected + 1)) / this.instances.length > this.outlierDetection.maxEjectionPercent) return;
    h.timesEjected += 1;
    h.ejectedUntil = nowMs + Math.min(this.outlierDetection.baseEjectionTimeMs * h.timesEjected, this.outlierDetection.maxEjectionTimeMs);
    this.onEjection?.({ url: instance.url, ejected: true, atMs: nowMs, untilMs: h.ejectedUntil });
  }

  /** Whether `instance` is ejected at `nowMs`. */
  isEjected(nowMs: number, instance: UpstreamInstance): boolean {
    this.readmit(nowMs);
    return this.health[instance.index].ejectedUntil !== undefined;
  }

  private nextInTurn(candidates: readonly UpstreamInstance[], eligible: (i: UpstreamInstance) => boolean): UpstreamInstance {
    for (let step = 0; step < this.instances.length; step++) {
      const i = this.instances[(this.cursor + step) % this.instances.length];
      if (candidates.includes(i) && eligible(i)) {
        this.cursor = (i.index + 1) % this.instances.length;
        return i;
      }
    }
    return candidates[0];
  }

  private readmit(nowMs: number): void {
    this.health.forEach((h, index) => {
      if (h.ejectedUntil === undefined || nowMs < h.ejectedUntil) return;
      const atMs = h.ejectedUntil;
      h.ejectedUntil = undefined;
      h.consecutiveFailures = 0;
      this.onEjection?.({ url: this.instances[index].url, ejected: false, atMs });
    });
  }
}
