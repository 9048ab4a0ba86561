import { backoffMs, callWithRetries, retryable } from '../../local/api-gateway/retries';
import { startFlakyUpstream, type Behaviour, type FlakyUpstream } from './support/flaky-upstream';
import { apiKey, startTestGateway, type TestGateway } from './support/harness';

/**
 * The twin's retries (`routes[].retries`, a twin-only feature: API Gateway REST and the ALB never
 * retry) and per-route timeouts, through real HTTP. Each scenario has its own service of two
 * instances, the first one broken, so every scenario starts its round robin on the broken one.
 */

const RETRIES = { attempts: 2, base_delay_ms: 1, max_delay_ms: 4 };
const SCENARIOS: Record<string, { readonly broken: Behaviour; readonly second?: Behaviour; readonly timeoutMs?: number; readonly retries?: boolean }> = {
  r503: { broken: { kind: 'failing', percent: 100, status: 503 } },
  rdrop: { broken: { kind: 'dropping' } },
  rslow: { broken: { kind: 'slow', delayMs: 1500 }, timeoutMs: 300 },
  r500: { broken: { kind: 'failing', percent: 100, status: 500 } },
  rpost: { broken: { kind: 'failing', percent: 100, status: 503 }, second: { kind: 'failing', percent: 100, status: 503 } },
  rtimeout: { broken: { kind: 'slow', delayMs: 1500 }, second: { kind: 'slow', delayMs: 1500 }, timeoutMs: 200, retries: false },
};

describe('retries and timeouts of a route in the twin', () => {
  const up: Record<string, [FlakyUpstream, FlakyUpstream]> = {};
  let gw: TestGateway;
  let key: string;
  const call = async (path: string, method = 'GET') => {
    const res = await fetch(`${gw.url}${path}`, { method, headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    return { status: res.status, body: await res.json() as { instance?: string; code?: string } };
  };
  const hits = (scenario: string) => up[scenario].map((u) => u.hits.total);
  const lastLog = async () => (await gw.logs()).pop();

  beforeAll(async () => {
    const services = [];
    const routes = [];
    for (const [name, s] of Object.entries(SCENARIOS)) {
      up[name] = [await startFlakyUpstream(`${name}-1`), await startFlakyUpstream(`${name}-2`)];
      up[name][0].behave(s.broken);
      if (s.second) up[name][1].behave(s.second);
      services.push({
        name, private: { port: 8080, protocol: 'HTTPS' }, local_instances: up[name].map((u) => ({ url: u.url })),
        outlier_detection: { consecutive_failures: 1000 }, // keep the broken instance in the pool
      });
      routes.push({
        name, paths: [`/${name}`], methods: ['GET', 'POST', 'PATCH'], service: name, auth: { strategies: ['api_key'] },
        ...(s.retries === false ? {} : { retries: RETRIES }), ...(s.timeoutMs ? { timeout_ms: s.timeoutMs } : {}),
      });
    }
    gw = await startTestGateway({ overrides: { services, routes } });
    key = apiKey(gw.credentials, 'demo-enterprise');
    await gw.logs();
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all(Object.values(up).flat().map((u) => u.close()));
  });

  it('retries a GET answered 503 on the next instance: the client gets its 200', async () => {
    expect(await call('/r503')).toEqual({ status: 200, body: { instance: 'r503-2' } });
    expect(hits('r503')).toEqual([1, 1]);
    expect(await lastLog()).toMatchObject({ status: 200, route: 'r503', upstreamTries: 2 });
  });

  it('retries a GET whose connection was closed without an answer', async () => {
    expect(await call('/rdrop')).toEqual({ status: 200, body: { instance: 'rdrop-2' } });
    expect(hits('rdrop')).toEqual([1, 1]);
  });

  it('retries a GET that outlasted the route\'s 300 ms timeout: each try has the whole timeout', async () => {
    const started = Date.now();
    expect(await call('/rslow')).toEqual({ status: 200, body: { instance: 'rslow-2' } });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(1500);
    expect(hits('rslow')).toEqual([1, 1]);
  });

  it('does not retry a 500: the instance ran the request and failed', async () => {
    expect(await call('/r500')).toMatchObject({ status: 500, body: { instance: 'r500-1' } });
    expect(hits('r500')).toEqual([1, 0]);
    expect(await lastLog()).toMatchObject({ status: 500, upstreamTries: 1 });
  });

  it('never retries a POST or a PATCH: the client gets the first try\'s 503', async () => {
    expect((await call('/rpost', 'POST')).status).toBe(503);
    expect(hits('rpost')).toEqual([1, 0]);
    expect((await call('/rpost', 'PATCH')).status).toBe(503);
    expect(hits('rpost')).toEqual([1, 1]);
    expect((await lastLog())?.upstreamTries).toBeUndefined();
  });

  it('gives up after attempts (2) retries and answers the last try', async () => {
    up.rpost.forEach((u) => u.behave({ kind: 'failing', percent: 100, status: 503 }));
    expect(await call('/rpost')).toMatchObject({ status: 503, body: { instance: 'rpost-1' } });
    expect(hits('rpost')).toEqual([2, 1]); // rpost-1, rpost-2, rpost-1
    expect(await lastLog()).toMatchObject({ status: 503, upstreamTries: 3 });
  });

  it('answers 504 upstream_timeout when the upstream is slower than the route\'s timeout_ms (200 ms), not the service\'s 10 s', async () => {
    const started = Date.now();
    const res = await call('/rtimeout');
    const took = Date.now() - started;
    expect(res).toEqual({ status: 504, body: { message: 'Upstream timed out', code: 'upstream_timeout', requestId: expect.any(String) } });
    expect(took).toBeGreaterThanOrEqual(200);
    expect(took).toBeLessThan(1200);
    expect(await lastLog()).toMatchObject({ status: 504, error: 'INTEGRATION_TIMEOUT' });
  });
});

describe('the retry rules', () => {
  const failure = (cause: string) => ({ ok: false, type: 'INTEGRATION_FAILURE', cause, latencyMs: 1 } as const);
  const answer = (statusCode: number) => ({ ok: true, statusCode, headers: {}, body: Buffer.alloc(0), latencyMs: 1 } as const);

  it('retries a connection failure, a timeout and 502, 503, 504; not 500, 501, a 4xx, nor an answer over 10 MB', () => {
    expect([failure('ECONNREFUSED'), failure('UND_ERR_SOCKET'), { ...failure('TimeoutError'), type: 'INTEGRATION_TIMEOUT' } as const].map(retryable)).toEqual([true, true, true]);
    expect([502, 503, 504].map((s) => retryable(answer(s)))).toEqual([true, true, true]);
    expect([200, 404, 429, 500, 501].map((s) => retryable(answer(s)))).toEqual([false, false, false, false, false]);
    expect(retryable(failure('response larger than 10 MB'))).toBe(false);
  });

  it('stops retrying once the service\'s breaker has left CLOSED (retries would only add to its load)', async () => {
    const plan = { attempts: 3, base_delay_ms: 1, max_delay_ms: 1, methods: new Set(['GET'] as const) };
    const run = async (closedAfter: number) => {
      let calls = 0;
      const upstream = { call: async () => { calls += 1; return answer(503); }, breakerClosed: () => calls < closedAfter };
      const log: { upstreamTries?: number } = {};
      await callWithRetries(upstream, {} as never, plan, log, { sleep: async () => undefined });
      return [calls, log.upstreamTries];
    };
    expect(await run(Infinity)).toEqual([4, 4]); // closed throughout: 1 + 3 attempts
    expect(await run(2)).toEqual([2, 2]); // opened by the second failure: no third try
  });

  it('waits a full-jitter backoff: uniform in [0, min(max_delay_ms, base_delay_ms x 2^(n-1))] before retry n', () => {
    const settings = { base_delay_ms: 25, max_delay_ms: 250 };
    const caps = [1, 2, 3, 4, 5].map((n) => backoffMs(n, settings, () => 0.999_999));
    expect(caps).toEqual([25, 50, 100, 200, 250]);
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, settings, () => 0))).toEqual([0, 0, 0, 0, 0]);
    expect(backoffMs(3, settings, () => 0.5)).toBe(50); // floor(0.5 x 101)
  });
});
