import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../../lib/checks/load';
import { NO_DEMO_CONSUMER } from '../../local/demo-calls';
import { deriveDemoSeed, demoKey } from '../../local/demo-seed';
import { startTestGateway } from './support/harness';
import { runPrintedBlock } from '../support/printed-block';

const ROOT = join(__dirname, '../..');
const CONFIGS = [
  'gateway.config.yaml',
  ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`),
  'test/local/fixtures/from-the-docs.yaml',
];
const ENVIRONMENTS = CONFIGS.flatMap((file) => Object.keys(loadConfigFile(join(ROOT, file)).environments).map((env) => [file, env] as const));

describe('npm start prints commands that work, for every shipped config and environment and a config written from the docs', () => {
  it.each(ENVIRONMENTS)('%s, environment %s: every printed call answers 2xx', async (file, env) => {
    const gw = await startTestGateway({ configFile: file, env, seed: 'derived' });
    try {
      const { credentials, printed: block } = gw;
      const calls = block.split('\n').filter((l) => l.startsWith('curl '));
      const run = await runPrintedBlock(block);
      // On failure the answers up to the failing call show which one it was.
      expect({ code: run.code, stderr: run.stderr, answers: run.code === 0 ? 'ok' : run.stdout }).toEqual({ code: 0, stderr: '', answers: 'ok' });
      // Each call printed one answer line; the block reached every route it lists.
      expect(calls.length).toBe(credentials.demo.steps.reduce((n, s) => n + s.calls.length, 0));
      expect(calls.length).toBeGreaterThan(0);
      expect(run.stdout.trim().split('\n')).toHaveLength(calls.length);
      // Every GET route is called, except mTLS ones (not emulated): none is left for want of a demo consumer.
      expect(credentials.demo.notCovered.filter((n) => n.why === NO_DEMO_CONSUMER)).toEqual([]);
      // So every service with a GET route a client can reach without a certificate answered 2xx
      // on one: its circuit breaker (on by default) starts closed (issue 14).
      const { routes } = loadConfigFile(join(ROOT, file)).environments[env].config;
      const serviceOf = new Map(routes.map((r) => [r.name, r.service]));
      const called = new Set(credentials.demo.steps.flatMap((s) => s.calls.map((c) => serviceOf.get(c.route))));
      const reachable = routes.filter((r) => r.methods.includes('GET') && r.auth.strategies.some((s) => s !== 'mtls'));
      expect([...called].sort()).toEqual([...new Set(reachable.map((r) => r.service))].sort());
    } finally {
      await gw.close();
    }
  }, 60_000);
});

describe('demo consumers derived from the config', () => {
  const config = (file: string) => Object.values(loadConfigFile(join(ROOT, file)).environments)[0].config;

  it('gives every tier of a config with API key routes its own key, plus a revoked one', () => {
    const seed = deriveDemoSeed(config('examples/fintech-startup.yaml'));
    expect(seed.api_keys.map((k) => [k.consumer, k.tier, k.status])).toEqual([
      ['demo-sandbox', 'sandbox', 'active'], ['demo-partner', 'partner', 'active'], ['demo-enterprise', 'enterprise', 'active'],
      ['demo-internal', 'internal', 'active'], ['demo-revoked', 'sandbox', 'revoked'],
    ]);
    expect(seed.api_keys[0].key).toBe(demoKey('sandbox'));
  });

  it('turns Cognito machine and public clients into clients of the local issuer with the config\'s scopes and tiers', () => {
    const seed = deriveDemoSeed(config('examples/fintech-startup.yaml'));
    expect(seed.oauth_clients.filter((c) => c.issuer === 'local').map((c) => [c.client_id, c.grant_types, c.scope, c.tier])).toEqual([
      ['partner-acme', ['client_credentials'], 'payments/read payments/write accounts/read', 'partner'],
      ['partner-globex', ['client_credentials'], 'payments/read payments/write', 'enterprise'],
    ]);
    const shop = deriveDemoSeed(config('examples/ecommerce.yaml'));
    expect(shop.oauth_clients.map((c) => [c.client_id, c.grant_types, c.redirect_uris])).toEqual([
      ['storefront-web', ['authorization_code', 'refresh_token'], ['https://www.shopwave.example/auth/callback']],
    ]);
    expect(shop.users.map((u) => u.id)).toEqual(['demo-user', 'demo-user-2']);
  });

  it('gives an external issuer that routes use a client of its local stand-in, with the groups those routes require', () => {
    const seed = deriveDemoSeed(config('examples/fintech-startup.yaml'));
    expect(seed.oauth_clients.filter((c) => c.issuer !== 'local').map((c) => [c.client_id, c.issuer, c.groups])).toEqual([
      ['demo-corp-idp', 'corp-idp', ['payments-ops']],
    ]);
  });

  it('adds a canary tester when a route selects the canary by header, and a tenant key when a route has wildcard hosts', () => {
    const seed = deriveDemoSeed(config('gateway.config.yaml'));
    expect(seed.oauth_clients.find((c) => c.canary)).toMatchObject({ client_id: 'demo-canary-tester', scope: 'users/read' });
    expect(seed.api_keys.find((k) => k.tenant)).toMatchObject({ consumer: 'acme-integration', tenant: 'acme' });
  });
});
