import { startFlakyUpstream, type FlakyUpstream } from './support/flaky-upstream';
import { apiKey, startTestGateway, type TestGateway } from './support/harness';

/**
 * The twin's "ALB" in front of several instances of a service (`local_instances`): the service's
 * load-balancing algorithm and passive outlier detection, seen through real HTTP against real
 * instances. One gateway serves three services, one per algorithm; manual clock for the ejections.
 */

const T0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;
const private_ = (algorithm: string) => ({ port: 8080, protocol: 'HTTPS', load_balancing: algorithm });
const route = (name: string, service: string) => ({ name, paths: [`/${name}`], methods: ['GET'], service, auth: { strategies: ['api_key'] } });

async function until(done: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

describe('several instances of a service behind the twin\'s load balancer', () => {
  const up: Record<string, FlakyUpstream> = {};
  let gw: TestGateway;
  let key: string;
  const get = async (path: string) => {
    const res = await fetch(`${gw.url}${path}`, { headers: { 'x-api-key': key } });
    return { status: res.status, instance: (await res.json() as { instance?: string }).instance };
  };
  const served = async (path: string, n: number) => { const out: string[] = []; for (let i = 0; i < n; i++) { const r = await get(path); out.push(`${r.instance}:${r.status}`); } return out; };

  beforeAll(async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) up[name] = await startFlakyUpstream(name);
    const instances = (...names: string[]) => names.map((n) => ({ url: up[n].url }));
    gw = await startTestGateway({
      manualClockStart: T0,
      overrides: {
        services: [
          {
            name: 'rr-service', private: private_('round_robin'), local_instances: instances('a', 'b', 'c'),
            // One of three may be out (34 %); three 5xx in a row eject for 30 s, then 60 s, ...
            outlier_detection: { consecutive_failures: 3, base_ejection_seconds: 30, max_ejection_seconds: 300, max_ejection_percent: 34 },
          },
          { name: 'lor-service', private: private_('least_outstanding_requests'), local_instances: instances('d', 'e', 'f') },
          { name: 'wr-service', private: private_('weighted_random'), local_instances: [{ url: up.g.url, weight: 1 }, { url: up.h.url, weight: 3 }] },
        ],
        routes: [route('rr', 'rr-service'), route('lor', 'lor-service'), route('wr', 'wr-service')],
      },
    });
    key = apiKey(gw.credentials, 'demo-enterprise');
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all(Object.values(up).map((u) => u.close()));
  });

  it('round_robin: takes the instances in turn, exactly', async () => {
    expect(await served('/rr', 6)).toEqual(['a:200', 'b:200', 'c:200', 'a:200', 'b:200', 'c:200']);
  });

  it('keeps serving when one instance fails: 3 failures in a row eject it, for 30 s', async () => {
    up.a.behave({ kind: 'failing', percent: 100, status: 500 });
    // The 3rd failure in a row ejects a; from then on b and c answer every request.
    expect(await served('/rr', 9)).toEqual(['a:500', 'b:200', 'c:200', 'a:500', 'b:200', 'c:200', 'a:500', 'b:200', 'c:200']);
    expect(await served('/rr', 4)).toEqual(['b:200', 'c:200', 'b:200', 'c:200']);
    await gw.advance(29_999);
    expect(await served('/rr', 2)).toEqual(['b:200', 'c:200']);
    expect(up.a.hits.total).toBe(3);
  });

  it('readmits the instance when its 30 s are over, and ejects it for twice as long the second time', async () => {
    up.a.behave({ kind: 'healthy' });
    await gw.advance(1);
    expect(await served('/rr', 3)).toEqual(['a:200', 'b:200', 'c:200']);
    up.a.behave({ kind: 'failing', percent: 100, status: 503 });
    expect(await served('/rr', 9)).toEqual(['a:503', 'b:200', 'c:200', 'a:503', 'b:200', 'c:200', 'a:503', 'b:200', 'c:200']);
    up.a.behave({ kind: 'healthy' });
    await gw.advance(59_999);
    expect(await served('/rr', 2)).toEqual(['b:200', 'c:200']);
    await gw.advance(1);
    expect(await served('/rr', 3)).toEqual(['a:200', 'b:200', 'c:200']);
  });

  it('ejects a crashed instance (connection closed without an answer) the same way: the client gets 502 three times, then never again', async () => {
    await gw.advance(300_000); // past any ejection
    up.b.behave({ kind: 'dropping' });
    const answers = await served('/rr', 12);
    expect(answers.filter((a) => a.startsWith('undefined:502'))).toHaveLength(3);
    expect(answers.slice(-3).every((a) => a.endsWith(':200'))).toBe(true);
    expect(up.b.hits.total).toBe(3);
    up.b.behave({ kind: 'healthy' });
  });

  it('least_outstanding_requests: sends the next requests to the instances without one in flight', async () => {
    up.d.behave({ kind: 'holding' });
    const held = get('/lor'); // to d, the first in turn when all are idle
    await until(() => up.d.hits.total === 1);
    // d has 1 request in flight, e and f none: round robin would now send the 3rd request to d.
    expect(await served('/lor', 4)).toEqual(['e:200', 'f:200', 'e:200', 'f:200']);
    up.d.release();
    expect(await held).toEqual({ status: 200, instance: 'd' });
    expect([up.d.hits.total, up.e.hits.total, up.f.hits.total]).toEqual([1, 2, 2]);
  });

  it('weighted_random: shares the requests by weight (1 : 3) over 400 requests, within 5 standard deviations', async () => {
    for (let i = 0; i < 400; i++) expect((await get('/wr')).status).toBe(200);
    // g expects 100 of 400 (p = 0.25): sd = sqrt(400 x 0.25 x 0.75) = 8.66.
    expect(up.g.hits.total + up.h.hits.total).toBe(400);
    expect(Math.abs(up.g.hits.total - 100)).toBeLessThan(5 * 8.66);
  });
});
