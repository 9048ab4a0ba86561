import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfig } from '../../lib/checks/load';
import { runChecks, verifyChecks } from '../../lib/verify/checks';
import { httpSend } from '../../lib/verify/http-send';
import { startTestGateway } from '../local/support/harness';
import { EXAMPLES, ROOT } from '../support/synth';
import { gatehouse } from './support';

/**
 * `gatehouse verify` (issue 18, first slice) against the twin: every shipped config and
 * environment passes every applicable check; a twin that breaks a promise of its config fails
 * the check that covers it.
 */

describe.each(EXAMPLES)('gatehouse verify on the twin of %s', (file) => {
  const environments = Object.keys(loadConfigFile(join(ROOT, file)).environments);
  it.each(environments)('passes every applicable check in environment %s, exit 0', (env) => {
    const run = gatehouse(['verify', '--config', file, '--env', env, '--json']);
    const report = JSON.parse(run.stdout) as { results: Array<{ status: string; title: string; reason: string }> };
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(report.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(2);
    expect(run.status).toBe(0);
  }, 60_000);
});

describe('gatehouse verify against a twin that breaks its config\'s promises', () => {
  const CONFIG = 'examples/ecommerce.yaml';
  const promised = parseConfig(readFileSync(join(ROOT, CONFIG), 'utf8'), CONFIG).environments.prod;

  /** The twin of the config with `overrides` (the broken promise), checked against the config as written. */
  async function verifyBroken(overrides: Record<string, unknown>) {
    const gw = await startTestGateway({ configFile: CONFIG, env: 'prod', seed: 'derived', overrides });
    try {
      const key = gw.credentials.apiKeys.find((k) => k.status === 'active' && k.allowedCidrs.length === 0 && !k.tenant)?.key;
      const tier = gw.credentials.apiKeys.find((k) => k.key === key)?.tier;
      return await runChecks(verifyChecks(promised), httpSend(gw.url), { apiKey: key, tier });
    } finally {
      await gw.close();
    }
  }

  it('fails "refuses a call without credentials" on a route whose auth was turned off', async () => {
    const results = await verifyBroken({ routes: [{ name: 'product-feed', auth: { strategies: ['none'] } }] });
    expect(results.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(expect.arrayContaining(['auth.required GET /v1/feeds/products']));
    expect(results.find((r) => r.id === 'auth.required GET /v1/feeds/products')?.reason).toMatch(/^answered 200, not 401$/);
  }, 60_000);

  it('fails the payload limit when the gateway accepts larger bodies than the config says', async () => {
    const results = await verifyBroken({ security: { max_body_bytes: 1_048_576 } });
    expect(results.find((r) => r.id === 'edge.payload-limit')).toMatchObject({ status: 'fail' });
  }, 60_000);

  it('fails the minute limit when the gateway admits one request more than the tier says', async () => {
    const results = await verifyBroken({ tiers: promised.config.tiers.map((t) => ({ name: t.name, minute: t.minute + 1 })) });
    expect(results.find((r) => r.id === 'limits.minute')).toMatchObject({ status: 'fail', reason: expect.stringMatching(/^admitted \d+ requests, one more than the \d+ left of \d+\/min$/) });
  }, 90_000);

  it('fails the minute limit when the refusal does not say the configured message', async () => {
    const results = await verifyBroken({ rate_limiting: { error_message: 'Too many requests' } });
    expect(results.find((r) => r.id === 'limits.minute')?.reason).toMatch(/^the refusal says "Too many requests", the config says "Rate limit exceeded/);
  }, 90_000);

  it('exits 1 and writes JUnit XML with the failures for CI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-verify-'));
    const junit = join(dir, 'verify.xml');
    const run = gatehouse(['verify', '--config', CONFIG, '--env', 'prod', '--url', 'http://127.0.0.1:9', '--junit', junit]);
    expect(run.status).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="gatehouse verify prod" tests="\d+" failures="\d+" skipped="\d+">/);
    expect(xml).toContain('<failure message="the request failed');
  }, 60_000);
});
