import type { Clock } from '../../lib/rate-limit/rate-limiter';
import { breakerRecordOfTransition } from '../../lib/resilience/breaker-record-of-transition';
import { CircuitBreaker, type BreakerTransition } from '../../lib/resilience/circuit-breaker';
import type { ServiceResilience } from '../../lib/resilience/resilience-plan';
import { UpstreamPool, type UpstreamInstanceConfig } from '../../lib/resilience/upstream-pool';
import type { BreakerRecordSink } from '../breaker-records';
import { upstreamTarget, type Integration, type IntegrationResult } from './integration';

/**
 * The "ALB" side of one service in the twin: its instances (`local_instances`, else its one URL)
 * behind an UpstreamPool with the service's algorithm and outlier detection, and the service's
 * CircuitBreaker watching every call. The breaker never refuses a call here: the authorizer sheds
 * from the record the breaker's transitions write (as deployed, where the state Lambda writes it
 * from an alarm), so a request the authorizer admitted always reaches an instance.
 */

/** One request as the integration sends it, before an instance is chosen. */
export interface UpstreamExchange {
  /** Path below the instance's base path (route target: strip_path and the service's `path` applied). */
  readonly path: string;
  readonly rawQuery: string;
  readonly method: string;
  readonly headers: Record<string, string | string[]>;
  readonly body?: Buffer;
  /** The route's timeout (headers and body), per call. */
  readonly timeoutMs: number;
  /** gRPC services only: the headers the gateway sets, sent as metadata (the transcoder's split). */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface ServiceUpstreamProps {
  readonly resilience: Pick<ServiceResilience, 'service' | 'breaker' | 'algorithm' | 'outlierDetection'>;
  readonly instances: readonly UpstreamInstanceConfig[];
  readonly integration: Pick<Integration, 'call'>;
  /** Dates results, ejections and transitions: the gateway clock, which the limiter reads too. */
  readonly clock: Clock;
  /** Where a transition's record goes; without one the breaker only changes its own state. */
  readonly records?: BreakerRecordSink;
  /** Told of transitions, ejections and a record that could not be written. */
  readonly notice?: (line: string) => void;
  /** For weighted_random. @default Math.random */
  readonly random?: () => number;
  /**
   * Real elapsed time of a call, for the slow-call rule: like the timeout's timer it runs on real
   * time, whatever the gateway clock does (a test's manual clock stands still during a call).
   * @default performance.now
   */
  readonly stopwatch?: () => number;
}

/** Failed for the pool and the breaker: no answer (refused, reset, timed out, oversized) or a 5xx. */
export function callFailed(result: IntegrationResult): boolean {
  return !result.ok || result.statusCode >= 500;
}

interface InstanceBase { readonly origin: string; readonly basePath: string }

export class ServiceUpstream {
  readonly service: string;
  readonly pool: UpstreamPool;
  /** Undefined when the service's `circuit_breaker.enabled` is false. */
  readonly breaker?: CircuitBreaker;
  private readonly bases: readonly InstanceBase[];
  private readonly integration: Pick<Integration, 'call'>;
  private readonly clock: Clock;
  private readonly stopwatch: () => number;
  private readonly records?: BreakerRecordSink;
  private readonly notice?: (line: string) => void;
  /** Record writes in transition order; a call that ends while one is pending waits for it. */
  private writes: Promise<void> = Promise.resolve();
  private pendingWrites = 0;

  constructor(props: ServiceUpstreamProps) {
    const { service, breaker, algorithm, outlierDetection } = props.resilience;
    this.service = service;
    this.integration = props.integration;
    this.clock = props.clock;
    this.stopwatch = props.stopwatch ?? (() => performance.now());
    this.records = props.records;
    this.notice = props.notice;
    this.pool = new UpstreamPool({
      instances: props.instances, algorithm, outlierDetection, random: props.random,
      onEjection: (e) => this.notice?.(e.ejected
        ? `service ${service}: instance ${e.url} ejected for ${((e.untilMs ?? e.atMs) - e.atMs) / 1000} s after ${outlierDetection.consecutiveFailures} failures in a row`
        : `service ${service}: instance ${e.url} readmitted`),
    });
    this.bases = this.pool.instances.map((i) => instanceBase(i.url));
    this.breaker = breaker && new CircuitBreaker({ config: breaker, onTransition: (t) => this.onTransition(t) });
  }

  /** Whether the service's breaker lets retries go on: not open, half-open or forced open (or no breaker). */
  breakerClosed(): boolean {
    const state = this.breaker?.state(this.clock());
    return state !== 'OPEN' && state !== 'HALF_OPEN' && state !== 'FORCED_OPEN';
  }

  /**
   * One call to the instance the pool picks next, its result reported to the pool and (when the
   * breaker permitted it) to the breaker. Resolves after any record write it caused, so the
   * authorizer's next decision already sees it.
   */
  async call(exchange: UpstreamExchange): Promise<IntegrationResult> {
    const now = this.clock();
    const instance = this.pool.pick(now);
    const base = this.bases[instance.index];
    // Moves OPEN to HALF_OPEN once the wait is over and counts trial calls. A refusal is ignored:
    // the authorizer admitted this request (a cached Allow skips the limiter, as on AWS), and only
    // calls the breaker permitted are its to judge, as in Resilience4j.
    const permitted = this.breaker?.tryAcquire(now).permitted === true;
    this.pool.onStart(instance);
    const started = this.stopwatch();
    let result: IntegrationResult;
    try {
      result = await this.integration.call({
        origin: base.origin,
        path: upstreamTarget(base.basePath, exchange.path, exchange.rawQuery),
        method: exchange.method,
        headers: exchange.headers,
        body: exchange.body,
        timeoutMs: exchange.timeoutMs,
        metadata: exchange.metadata,
      }, this.clock);
    } catch (err) {
      // The integration answers every failure as a result; should it ever reject, the request
      // in flight and a trial permit are given back rather than leaked.
      this.pool.onResult(this.clock(), instance, { failed: false });
      if (permitted) this.breaker!.releasePermission(this.clock());
      throw err;
    }
    const durationMs = this.stopwatch() - started;
    const failed = callFailed(result);
    const ended = this.clock();
    this.pool.onResult(ended, instance, { failed });
    if (permitted) this.breaker!.onResult(ended, { durationMs, failed });
    if (this.pendingWrites > 0) await this.writes;
    return result;
  }

  private onTransition(t: BreakerTransition): void {
    this.notice?.(`service ${this.service}: circuit breaker ${t.from} -> ${t.to}${describeVerdict(t)}`);
    const record = breakerRecordOfTransition(t, { openWaitMs: this.breaker?.config.waitDurationInOpenStateMs ?? 0 });
    const records = this.records;
    if (!record || !records) return;
    this.pendingWrites += 1;
    this.writes = this.writes
      .then(() => records.write(this.service, record))
      // Not written: the authorizer goes on deciding from the previous record (as deployed when
      // the state Lambda fails); the breaker's next transition writes again.
      .catch((err: Error) => this.notice?.(`service ${this.service}: circuit breaker record ${record.state} not written: ${err.message}`))
      .finally(() => { this.pendingWrites -= 1; });
  }
}

/** `http://host:port/base/` -> origin and base path (`/base`; none for `/`), as the "ALB" target of one instance. */
export function instanceBase(url: string): InstanceBase {
  const u = new URL(url.replace(/\/+$/, ''));
  return { origin: u.origin, basePath: u.pathname === '/' ? '' : u.pathname };
}

function describeVerdict(t: BreakerTransition): string {
  const v = t.verdict;
  if (!v || !v.evaluated) return ` (${t.reason})`;
  return ` (${t.reason}: ${round(v.failureRate)} % failed, ${round(v.slowCallRate)} % slow of ${v.calls} calls)`;
}

const round = (n: number) => Math.round(n * 10) / 10;
