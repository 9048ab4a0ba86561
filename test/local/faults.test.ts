import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, TestRedisServer } from '../rate-limit/redis-server';
import { apiKey, startTestGateway, type TestGateway } from './support/harness';

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 6000): Promise<T> {
  const end = Date.now() + ms;
  let value = await probe();
  while (!ok(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

describe.each([true, false])('Redis killed mid-run and restarted (fault_tolerant: %s)', (faultTolerant) => {
  let redis: TestRedisServer;
  let gw: TestGateway;
  let key: string;
  const get = () => fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': key } });

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    gw = await startTestGateway({
      redisUrl: redis.url,
      overrides: { rate_limiting: { fault_tolerant: faultTolerant, redis_timeout_ms: 100 } },
    });
    key = apiKey(gw.credentials, 'demo-enterprise');
  });
  afterAll(async () => {
    await gw.close();
    await redis.kill();
  });

  it(faultTolerant ? 'keeps admitting, uncounted, while Redis is down' : 'refuses while Redis is down', async () => {
    expect((await get()).status).toBe(200);
    await gw.logs();
    await redis.kill();
    const down = await get();
    if (faultTolerant) {
      expect(down.status).toBe(200);
      expect((await gw.logs()).pop()).toMatchObject({ status: 200, limiter: 'degraded' });
    } else {
      // Fail closed: 503 with Retry-After (AUTHORIZER_FAILURE, never cached), counted as unavailable.
      expect({ status: down.status, retryAfter: down.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '1' });
      expect(await down.json()).toMatchObject({ message: 'Temporarily unavailable, retry shortly', code: 'temporarily_unavailable' });
      expect((await gw.logs()).pop()).toMatchObject({ status: 503, limiter: 'unavailable', error: 'AUTHORIZER_FAILURE' });
    }
    await redis.restart();
    // ioredis reconnects in the background (capped backoff); counting resumes by itself.
    const back = await until(async () => { const r = await get(); return { status: r.status, limiter: (await gw.logs()).pop()?.limiter }; }, (v) => v.limiter === 'allowed');
    expect(back).toEqual({ status: 200, limiter: 'allowed' });
  });
});

describe('upstream faults', () => {
  let slow: Server;
  let gw: TestGateway;
  beforeAll(async () => {
    slow = createServer((_req, res) => { setTimeout(() => res.end('late'), 1500).unref(); });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const downPort = await freePort();
    gw = await startTestGateway({
      overrides: {
        services: [
          { name: 'user-service-v1', local_url: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`, read_timeout_ms: 300 },
          { name: 'tenant-router-service', local_url: `http://127.0.0.1:${downPort}` },
        ],
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  });

  it('answers 504 with the gateway body when the upstream is slower than read_timeout_ms', async () => {
    const started = Date.now();
    const res = await fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': apiKey(gw.credentials, 'demo-pro') } });
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({ message: 'Upstream timed out', code: 'upstream_timeout', requestId: res.headers.get('x-amzn-requestid') });
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('answers 502 with the gateway body when the upstream is unreachable', async () => {
    const { request } = await import('undici');
    const res = await request(`${gw.url}/orders/1`, { headers: { host: 'acme.api.example.com', 'x-api-key': apiKey(gw.credentials, 'acme-integration') } });
    expect(res.statusCode).toBe(502);
    expect(await res.body.json()).toMatchObject({ message: 'Upstream unavailable', code: 'upstream_unavailable' });
  });
});
