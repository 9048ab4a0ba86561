import { systemClock, type Clock, type RateLimitDecision, type RateLimiter, type RateLimitRequest } from './rate-limiter';
import { assertValidRequest, decide, estimate, windowIndex, type WindowCounts } from './sliding-window';

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
    const slots = request.windows.map((w) => `${request.key}\u0000${w.sizeMs}`);
    const before: WindowCounts[] = request.windows.map((w, i) => this.read(slots[i], windowIndex(now, w.sizeMs)));
    const allowed = request.windows.every((w, i) => estimate(before[i], now, w.sizeMs) + cost <= w.limit);
    if (allowed) {
      request.windows.forEach((w, i) => {
        this.counters.set(slots[i], { index: windowIndex(now, w.sizeMs), current: before[i].current + cost, previous: before[i].previous });
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

  private sweep(now: number): void {
    for (const [slot, c] of this.counters) {
      const sizeMs = Number(slot.slice(slot.lastIndexOf('\u0000') + 1));
      if (c.index < windowIndex(now, sizeMs) - 1) this.counters.delete(slot);
    }
  }
}
