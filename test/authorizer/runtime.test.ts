import type { Outcome } from '../../lambdas/authorizer/authorizer';
import { authorizerFromEnv } from '../../lambdas/authorizer/runtime';
import { AUTHORIZER_ENV } from '../../lib/contract/authorizer-env';
import { SlowProxy, TestRedisServer } from '../rate-limit/redis-server';
import { requestEvent } from './events';
import { testConfig } from './fixtures';

/** The Lambda's init path (authorizerFromEnv) against a real redis-server behind a slow first connection. */
describe('authorizer init with Redis (cold start)', () => {
  let server: TestRedisServer;
  let proxy: SlowProxy;
  beforeAll(async () => {
    server = await TestRedisServer.start();
    proxy = await SlowProxy.start(server.port, 200); // a 200 ms TLS handshake, 10x redis_timeout_ms
  });
  afterAll(async () => { await proxy.close(); await server.kill(); });

  it('answers the first request counted, not degraded, when the connection takes longer than redis_timeout_ms', async () => {
    const config = testConfig('https://idp.example.com');
    expect(config.rateLimiting).toMatchObject({ strategy: 'redis', redis_timeout_ms: 50, fault_tolerant: true });
    const outcomes: Outcome[] = [];
    const fallbacks: unknown[] = [];
    const started = Date.now();
    const { authorize, limiter } = await authorizerFromEnv(
      { [AUTHORIZER_ENV.redisUrl]: proxy.url },
      { onOutcome: (o) => outcomes.push(o), onLimiterFallback: (e) => fallbacks.push(e) },
      JSON.stringify(config),
    );
    try {
      expect(Date.now() - started).toBeGreaterThanOrEqual(180); // init waited for the connection (bounded at 1 s)
      const result = await authorize(requestEvent({ path: '/status', sourceIp: '203.0.113.50' }));
      expect(result.context).toMatchObject({ route: 'status', rateLimitRemainingMinute: config.tiers[0].minute - 1 });
      expect(outcomes).toEqual([expect.objectContaining({ effect: 'allow', limiterDegraded: false })]);
      expect(fallbacks).toEqual([]);
    } finally {
      await limiter.close();
    }
  });
});
