import type { IntegrationRequest, IntegrationResult } from '../../local/api-gateway/integration';
import { ServiceUpstream } from '../../local/api-gateway/service-upstream';
import type { BreakerRecordSink } from '../../local/breaker-records';
import type { BreakerRecord } from '../../lib/resilience/breaker-record';
import type { CircuitBreakerConfig } from '../../lib/resilience/breaker-config';

/**
 * The seam between the twin's breaker and the authorizer's record, with plain-object fakes: the
 * order of write and answer is what makes the next request see a transition.
 */

const T0 = 1_800_000_000_000;
const BREAKER: CircuitBreakerConfig = {
  failureRateThreshold: 50, slowCallRateThreshold: 100, slowCallDurationThresholdMs: 1000, slidingWindowType: 'TIME_BASED', slidingWindowSize: 60,
  minimumNumberOfCalls: 2, waitDurationInOpenStateMs: 10_000, permittedNumberOfCallsInHalfOpenState: 1, maxWaitDurationInHalfOpenStateMs: 0,
};
const answer = (statusCode: number): IntegrationResult => ({ ok: true, statusCode, headers: {}, body: Buffer.alloc(0), latencyMs: 0 });
const exchange = { path: '/orders/1', rawQuery: 'x=1', method: 'GET', headers: {}, timeoutMs: 500 };

function upstream(records: Partial<BreakerRecordSink>, statuses: number[], notices: string[] = []) {
  const calls: IntegrationRequest[] = [];
  let now = T0;
  const u = new ServiceUpstream({
    resilience: { service: 'orders', breaker: BREAKER, algorithm: 'round_robin', outlierDetection: { consecutiveFailures: 100, baseEjectionTimeMs: 30_000, maxEjectionTimeMs: 300_000, maxEjectionPercent: 10 } },
    instances: [{ url: 'http://127.0.0.1:9001/base/' }, { url: 'http://127.0.0.1:9002' }],
    integration: { call: (req) => { calls.push(req); return Promise.resolve(answer(statuses.shift() ?? 200)); } },
    clock: () => now,
    records: { resetStale: async () => [], close: async () => undefined, write: async () => undefined, ...records },
    notice: (line) => notices.push(line),
  });
  return { u, calls, advance: (ms: number) => { now += ms; } };
}

describe('ServiceUpstream', () => {
  it('sends each call to the next instance, under its base path', async () => {
    const { u, calls } = upstream({}, []);
    await u.call(exchange);
    await u.call(exchange);
    expect(calls.map((c) => `${c.origin}${c.path}`)).toEqual(['http://127.0.0.1:9001/base/orders/1?x=1', 'http://127.0.0.1:9002/orders/1?x=1']);
  });

  it('answers the call that opened the breaker only after its OPEN record is written', async () => {
    const order: string[] = [];
    let finishWrite!: () => void;
    const written: BreakerRecord[] = [];
    const { u } = upstream({ write: (_s, r) => { written.push(r); order.push('write started'); return new Promise<void>((resolve) => { finishWrite = () => { order.push('write done'); resolve(); }; }); } }, [500, 500]);
    await u.call(exchange);
    const opening = u.call(exchange).then(() => order.push('answered'));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['write started']);
    finishWrite();
    await opening;
    expect(order).toEqual(['write started', 'write done', 'answered']);
    expect(written).toEqual([{ state: 'OPEN', openedAtMs: T0, waitMs: 10_000, halfOpenPeriod: -1, halfOpenCalls: 0 }]);
  });

  it('still calls the instance while OPEN (the authorizer decides), without judging the call', async () => {
    const written: string[] = [];
    const { u, calls } = upstream({ write: async (_s, r) => { written.push(r.state); } }, [500, 500, 200, 200]);
    await u.call(exchange);
    await u.call(exchange);
    expect((await u.call(exchange)).ok).toBe(true); // a cached Allow, say: served, not counted
    expect(calls).toHaveLength(3);
    expect(u.breaker!.state(T0)).toBe('OPEN');
    expect(written).toEqual(['OPEN']);
  });

  it('tells a record it could not write and answers anyway', async () => {
    const notices: string[] = [];
    const { u } = upstream({ write: () => Promise.reject(new Error('Redis is not connected (reconnecting)')) }, [503, 503], notices);
    await u.call(exchange);
    expect(await u.call(exchange)).toMatchObject({ ok: true, statusCode: 503 });
    expect(notices).toEqual([
      'service orders: circuit breaker CLOSED -> OPEN (thresholds_exceeded: 100 % failed, 0 % slow of 2 calls)',
      'service orders: circuit breaker record OPEN not written: Redis is not connected (reconnecting)',
    ]);
  });

  it('writes nothing when it half-opens, and CLOSED when the trial call succeeds', async () => {
    const written: string[] = [];
    const { u, advance } = upstream({ write: async (_s, r) => { written.push(r.state); } }, [500, 500, 200]);
    await u.call(exchange);
    await u.call(exchange);
    advance(10_000);
    await u.call(exchange);
    expect(written).toEqual(['OPEN', 'CLOSED']);
  });
});
