import { apiKey, startTestGateway, type TestGateway } from './support/harness';

const ERROR_MESSAGE = 'Rate limit exceeded. Upgrade at https://api.example.com/plans';
/** An hour boundary in the near future: minute and hour windows start together. */
const T0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;

describe('rate limits seen from outside (manual clock)', () => {
  let gw: TestGateway;
  let free: string;
  const get = () => fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': free } });

  beforeAll(async () => {
    // limits: exact (the default): the authorizer (and its limiter) runs on every request.
    gw = await startTestGateway({ manualClockStart: T0 });
    free = apiKey(gw.credentials, 'demo-free');
  });
  afterAll(async () => { await gw.close(); });

  it('admits exactly the free tier per-minute limit (60), then refuses with the configured message', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      statuses.push((await get()).status);
      await gw.advance(995); // 60 requests stay inside one minute
    }
    expect(statuses).toEqual(Array(60).fill(200));
    const refused = await get();
    const body = await refused.json();
    // lib/contract/responses.ts: over the limit, the authorizer returns a usage key no plan holds and
    // API Gateway's INVALID_API_KEY response carries the configured 429, message and headers.
    expect({ status: refused.status, body }).toEqual({
      status: 429, body: { message: ERROR_MESSAGE, code: 'rate_limited', requestId: refused.headers.get('x-amzn-requestid') },
    });
    expect(refused.headers.get('cache-control')).toBe('no-store');
    // 60 requests 995 ms apart began at T0; the minute window frees a slot 60 s after T0.
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect({
      limitMinute: refused.headers.get('x-ratelimit-limit-minute'), remainingMinute: refused.headers.get('x-ratelimit-remaining-minute'),
      limitHour: refused.headers.get('x-ratelimit-limit-hour'), remainingHour: refused.headers.get('x-ratelimit-remaining-hour'),
      limit: refused.headers.get('ratelimit-limit'), remaining: refused.headers.get('ratelimit-remaining'), reset: refused.headers.get('ratelimit-reset'),
    }).toEqual({ limitMinute: '60', remainingMinute: '0', limitHour: '1000', remainingHour: '940', limit: '60', remaining: '0', reset: String(retryAfter) });
    const [line] = (await gw.logs()).slice(-1);
    expect(line).toMatchObject({ status: 429, limiter: 'limited' });
  });

  it('admits again when the sliding window has room', async () => {
    await gw.advance(1000); // next minute, but the previous one still weighs 59.3/60 of its 60
    expect((await get()).status).toBe(429);
    await gw.advance(30_000); // now it weighs ceil(60 x 30.3/60) = 31
    expect((await get()).status).toBe(200);
  });

  it('admits a burst of the whole minute at once: the usage plans never refuse what the tier allows', async () => {
    await gw.advance(120_000); // a fresh minute, the previous one empty
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([...Array(60).fill(200), 429]);
    const lines = await gw.logs();
    expect(lines.at(-1)).toMatchObject({ status: 429, limiter: 'limited' });
    expect(lines.filter((l) => String(l.limiter).startsWith('usage-plan'))).toEqual([]);
  });
});
