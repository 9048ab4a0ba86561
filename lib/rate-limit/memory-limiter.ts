import { systemClock, type Clock, type RateLimiter } from './rate-limiter';
import { assertValidRequest, decide, estimateAt, windowPosition, type WindowCounts } from './sliding-window';
import { assertValidBreakerCheck, shedDecision, withVerdict, type BreakerLimitDecision, type BreakerLimitRequest } from '../resilience/breaker-decision';
import { breakerAdmits, type BreakerRecord } from '../resilience/breaker-record';

/** Where the twin keeps breaker records by service (a `Map` is one). */
export interface BreakerRecordStore {
  get(service: string): BreakerRecord | undefined;
  set(service: string, record: BreakerRecord): unknown;
}

export interface InMemoryRateLimiterProps {
  /** @default Date.now */
  readonly clock?: Clock;
  /** Above this many counters, expired ones are swept. @default 100_000 */
  readonly maxEntries?: number;
  /**
   * The records a check with `breaker` reads, as the authorizer reads Redis's. One record per
   * service: unlike Redis's copy per cluster slot, the trickle here is counted once for all consumers.
   * @default a new Map
   */
  readonly breakerRecords?: BreakerRecordStore;
}

interface Counter { index: number; current: number; previous: number }

/**
 * Same algorithm and figures as {@link RedisRateLimiter}, within one process (dev, tests, the
 * local gateway without Redis). Each authorizer instance would count separately: not for production.
 */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, Counter>();
  private readonly clock: Clock;
  private readonly maxEntries: number;
  readonly breakerRecords: BreakerRecordStore;

  constructor(props: InMemoryRateLimiterProps = {}) {
    this.clock = props.clock ?? systemClock;
    this.maxEntries = props.maxEntries ?? 100_000;
    this.breakerRecords = props.breakerRecords ?? new Map<string, BreakerRecord>();
  }

  /** As RedisRateLimiter.check, breaker included: a request the breaker sheds is counted nowhere. */
  async check(request: BreakerLimitRequest): Promise<BreakerLimitDecision> {
    const cost = assertValidRequest(request);
    if (request.breaker) assertValidBreakerCheck(request.breaker);
    const now = this.clock();
    const slots = request.windows.map((w) => `${request.key}\u0000${w.calendar ?? w.sizeMs}`);
    const positions = request.windows.map((w) => windowPosition(w, now));
    const before: WindowCounts[] = request.windows.map((_, i) => this.read(slots[i], positions[i].index));
    const breaker = request.breaker && breakerAdmits(this.breakerRecords.get(request.breaker.service), now, request.breaker.trickleCount);
    if (breaker && !breaker.verdict.admitted) return shedDecision(request, before, breaker.verdict, now);
    const allowed = request.windows.every((w, i) => estimateAt(before[i], positions[i]) + cost <= w.limit);
    if (allowed && breaker?.consumed && request.breaker) this.breakerRecords.set(request.breaker.service, breaker.consumed);
    if (allowed) {
      request.windows.forEach((_, i) => {
        this.counters.set(slots[i], { index: positions[i].index, current: before[i].current + cost, previous: before[i].previous });
      });
      if (this.counters.size > this.maxEntries) this.sweep(now);
    }
    const decision = decide(request, before, allowed, now);
    return breaker ? withVerdict(decision, breaker.verdict) : decision;
  }

  async close(): Promise<void> {
    this.counters.clear();
  }

  /** Forgets every counter (tests that share one limiter); breaker records stay. */
  reset(): void {
    this.counters.clear();
  }

  /** Number of live counters (for tests and the local gateway's stats). */
  get size(): number {
    return this.counters.size;
  }

  private read(slot: string, index: number): WindowCounts {
    const c = this.counters.get(slot);
    if (!c) return { current: 0, previous: 0 };
    if (c.index === index) return { current: c.current, previous: c.previous };
    if (c.index === index - 1) return { current: 0, previous: c.current };
    return { current: 0, previous: 0 };
  }

  /** Drops counters too old to count: neither the current nor the previous window of their kind. */
  private sweep(now: number): void {
    for (const [slot, c] of this.counters) {
      const kind = slot.slice(slot.lastIndexOf('\u0000') + 1);
      const window = kind === 'DAY' || kind === 'WEEK' || kind === 'MONTH' ? { sizeMs: 0, calendar: kind } as const : { sizeMs: Number(kind) };
      if (c.index < windowPosition(window, now).index - 1) this.counters.delete(slot);
    }
  }
}
