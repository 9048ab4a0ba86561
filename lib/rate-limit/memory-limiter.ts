import { systemClock, type Clock, type RateLimitDecision, type RateLimiter, type RateLimitRequest } from './rate-limiter';
import { assertValidRequest, decide, estimateAt, windowPosition, type WindowCounts } from './sliding-window';

export interface InMemoryRateLimiterProps {
  /** @default Date.now */
  readonly clock?: Clock;
  /** Above this many counters, expired ones are swept. @default 100_000 */
  readonly maxEntries?: number;
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

  constructor(props: InMemoryRateLimiterProps = {}) {
    this.clock = props.clock ?? systemClock;
    this.maxEntries = props.maxEntries ?? 100_000;
  }

  async check(request: RateLimitRequest): Promise<RateLimitDecision> {
    const cost = assertValidRequest(request);
    const now = this.clock();
    const slots = request.windows.map((w) => `${request.key}\u0000${w.calendar ?? w.sizeMs}`);
    const positions = request.windows.map((w) => windowPosition(w, now));
    const before: WindowCounts[] = request.windows.map((_, i) => this.read(slots[i], positions[i].index));
    const allowed = request.windows.every((w, i) => estimateAt(before[i], positions[i]) + cost <= w.limit);
    if (allowed) {
      request.windows.forEach((_, i) => {
        this.counters.set(slots[i], { index: positions[i].index, current: before[i].current + cost, previous: before[i].previous });
      });
      if (this.counters.size > this.maxEntries) this.sweep(now);
    }
    return decide(request, before, allowed, now);
  }

  async close(): Promise<void> {
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
