import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetDomainNameCommand } from '@aws-sdk/client-api-gateway';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { buildSync } from 'esbuild';
import { regionalDomainName, secretString } from '../../lambdas/health-prober/aws-sources';
import { HEALTH_PROBER_BUNDLE_BUDGET_BYTES, HEALTH_PROBER_BUNDLING, HEALTH_PROBER_ENTRY } from '../../lambdas/health-prober/bundling';
import { HEALTH_PROBER_ENV, parseHealthProberConfig, toHealthProberConfig, type HealthProberConfig } from '../../lambdas/health-prober/config';
import { recordRound } from '../../lambdas/health-prober/observability';
import { probe, type ProbeRequest } from '../../lambdas/health-prober/probe';
import { refreshingValue } from '../../lambdas/health-prober/refreshing';
import { createProbeRound, type ProbeRoundOutcome } from '../../lambdas/health-prober/round';
import { planRouting } from '../../lib/contract/routing-plan';
import { fintechTwoRegions } from './fixtures';
import { FakeRegionalEndpoint, healthyAnswer, selfSignedCertificate } from './https-server';
import { jsonLinesWhile } from '../support/json-lines';

const HOST = 'origin.api.payflow.example';
const SECRET = 'verify-0123456789abcdef';
const tls = selfSignedCertificate(HOST);

describe('probe: one GET of the health route over TLS', () => {
  const endpoint = new FakeRegionalEndpoint(tls);
  let port: number;
  beforeAll(async () => { port = await endpoint.start(); });
  afterAll(() => endpoint.stop());
  beforeEach(() => { endpoint.seen.length = 0; endpoint.answer = healthyAnswer('eu-west-1'); });

  const request = (over: Partial<ProbeRequest> = {}): ProbeRequest => ({
    region: 'eu-west-1', address: '127.0.0.1', port, host: HOST, path: '/_gatehouse/health',
    headers: { 'X-Origin-Verify': SECRET }, timeoutMs: 1000, ca: tls.cert, ...over,
  });

  it('connects to the regional address with SNI and Host = domains.api and sends the origin-verify header', async () => {
    await expect(probe(request())).resolves.toMatchObject({ healthy: true, status: 200 });
    expect(endpoint.seen).toEqual([expect.objectContaining({ method: 'GET', url: '/_gatehouse/health', host: HOST, servername: HOST })]);
    expect(endpoint.seen[0].headers['x-origin-verify']).toBe(SECRET);
  });

  it('verifies the certificate against domains.api (not the address it connects to)', async () => {
    expect(await probe(request({ ca: undefined }))).toMatchObject({ healthy: false, reason: expect.stringMatching(/self-signed certificate/) });
    expect(await probe(request({ host: 'other.payflow.example' }))).toMatchObject({ healthy: false, reason: expect.stringMatching(/Hostname\/IP does not match certificate's altnames/) });
    expect(endpoint.seen).toHaveLength(0);
  });

  it('fails an answer that is not 200', async () => {
    endpoint.answer = (_req, res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Forbidden","code":"forbidden"}');
    expect(await probe(request())).toMatchObject({ healthy: false, status: 403, reason: 'status 403' });
  });

  it('fails a 200 from another region behind the same name, or one that is not the health body', async () => {
    endpoint.answer = healthyAnswer('eu-west-2');
    expect(await probe(request())).toMatchObject({ healthy: false, status: 200, reason: 'answered by eu-west-2, not eu-west-1' });
    endpoint.answer = (_req, res) => res.writeHead(200).end('<html>ok</html>');
    expect(await probe(request())).toMatchObject({ healthy: false, status: 200, reason: 'not the health answer' });
    endpoint.answer = (_req, res) => res.writeHead(200).end('x'.repeat(10_000));
    expect(await probe(request())).toMatchObject({ healthy: false, reason: 'answer longer than 4096 bytes' });
  });

  it('gives up after timeout_ms, whatever part is slow', async () => {
    endpoint.answer = () => { /* never answers */ };
    const result = await probe(request({ timeoutMs: 300 }));
    expect(result).toMatchObject({ healthy: false, reason: 'no answer within 300 ms' });
    expect(result.ms).toBeGreaterThanOrEqual(290);
    expect(result.ms).toBeLessThan(1000);
  });

  it('fails a refused connection with its error', async () => {
    const closed = new FakeRegionalEndpoint(tls);
    const closedPort = await closed.start();
    await closed.stop();
    expect(await probe(request({ port: closedPort }))).toMatchObject({ healthy: false, reason: expect.stringMatching(/ECONNREFUSED/) });
  });
});

describe('probe round: probes_per_period probes per region, intervalMs apart', () => {
  const endpoint = new FakeRegionalEndpoint(tls);
  let port: number;
  beforeAll(async () => { port = await endpoint.start(); });
  afterAll(() => endpoint.stop());
  beforeEach(() => { endpoint.seen.length = 0; });

  const config: HealthProberConfig = {
    targets: ['eu-west-2', 'eu-west-1'],
    probe: { path: '/_gatehouse/health', host: HOST, probesPerPeriod: 3, intervalMs: 150, timeoutMs: 100, periodSeconds: 60 },
    originVerify: { secretName: 'payflow/prod/origin-verify', header: 'X-Origin-Verify' },
  };
  const fixed = <T>(value: T) => ({ get: async () => value });
  const failing = (message: string) => ({ get: async (): Promise<string> => { throw new Error(message); } });

  it('probes every region in parallel, each probe started intervalMs after the previous, and counts the failures', async () => {
    // eu-west-2 answers; eu-west-1 does not answer its 2nd probe in time.
    let euWest1 = 0;
    endpoint.answer = (req, res) => {
      const region = req.headers['x-test-region'] as string;
      if (region === 'eu-west-1' && ++euWest1 === 2) return;
      healthyAnswer(region)(req, res);
    };
    // Both regions reach the same server; a header tells them apart (the real ones differ by address).
    const round = createProbeRound({
      config,
      domainNames: new Map(config.targets.map((r) => [r, fixed('127.0.0.1')])),
      originVerify: fixed(SECRET),
      probe: (req) => probe({ ...req, headers: { ...req.headers, 'x-test-region': req.region } }),
      port,
      ca: tls.cert,
    });
    const outcome = await round();
    expect(outcome.regions.map((r) => r.status === 'probed' && [r.region, r.failures, r.results.length])).toEqual([['eu-west-2', 0, 3], ['eu-west-1', 1, 3]]);
    const euWest2At = endpoint.seen.filter((s) => s.headers['x-test-region'] === 'eu-west-2').map((s) => s.at - outcome.startedAtMs);
    expect(euWest2At).toHaveLength(3);
    euWest2At.forEach((at, i) => { expect(at).toBeGreaterThanOrEqual(i * 150 - 5); expect(at).toBeLessThan(i * 150 + 100); });
    expect(endpoint.seen.every((s) => s.headers['x-origin-verify'] === SECRET && s.host === HOST && s.servername === HOST)).toBe(true);
  });

  it('stamps its metrics with the scheduled time, unless that is more than 5 minutes off the run\'s start', async () => {
    endpoint.answer = healthyAnswer('eu-west-2');
    let t = Date.parse('2026-12-04T10:17:00.700Z');
    const round = createProbeRound({
      config: { ...config, targets: ['eu-west-2'], probe: { ...config.probe, probesPerPeriod: 1 } },
      domainNames: new Map([['eu-west-2', fixed('127.0.0.1')]]), originVerify: fixed(SECRET), probe, port, ca: tls.cert,
      now: () => t, sleep: async (ms) => { t += ms; },
    });
    expect((await round(Date.parse('2026-12-04T10:17:00Z'))).timestampMs).toBe(Date.parse('2026-12-04T10:17:00Z'));
    expect((await round()).timestampMs).toBe(t);
    expect((await round(Date.parse('2026-12-04T10:00:00Z'))).timestampMs).toBe(t);
  });

  it('skips a region whose domain name it cannot look up, and every region without the secret', async () => {
    endpoint.answer = healthyAnswer('eu-west-2');
    const noName = await createProbeRound({
      config, port, ca: tls.cert, probe,
      domainNames: new Map([['eu-west-2', fixed('127.0.0.1')], ['eu-west-1', failing('GetDomainName: throttled')]]),
      originVerify: fixed(SECRET),
    })();
    expect(noName.regions.map((r) => [r.region, r.status])).toEqual([['eu-west-2', 'probed'], ['eu-west-1', 'skipped']]);
    expect(noName.regions[1]).toMatchObject({ reason: 'regional domain name unavailable: GetDomainName: throttled' });

    const noSecret = await createProbeRound({
      config, port, ca: tls.cert, probe,
      domainNames: new Map(config.targets.map((r) => [r, fixed('127.0.0.1')])),
      originVerify: failing('AccessDeniedException'),
    })();
    expect(noSecret.regions).toEqual(config.targets.map((region) => ({ region, status: 'skipped', reason: 'origin-verify secret unavailable: AccessDeniedException' })));
  });
});

describe('HealthProbeFailures as EMF', () => {
  const scheduled = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  const outcome: ProbeRoundOutcome = {
    startedAtMs: scheduled + 800,
    timestampMs: scheduled,
    regions: [
      { region: 'eu-west-2', status: 'probed', failures: 0, results: [{ healthy: true, status: 200, ms: 12 }, { healthy: true, status: 200, ms: 14 }] },
      { region: 'eu-west-1', status: 'probed', failures: 2, results: [{ healthy: false, reason: 'no answer within 2000 ms', ms: 2000 }, { healthy: false, status: 503, reason: 'status 503', ms: 40 }] },
      { region: 'eu-central-1', status: 'skipped', reason: 'regional domain name unavailable: throttled' },
    ],
  };

  it('publishes one data point per probed region, 0 included, stamped with the run\'s scheduled time, and none for a skipped region', async () => {
    const lines = await jsonLinesWhile(() => recordRound(outcome));
    const emf = lines.filter((l) => l._aws?.CloudWatchMetrics);
    expect(emf.map((e) => [e.TargetRegion, e.HealthProbeFailures])).toEqual([['eu-west-2', 0], ['eu-west-1', 2]]);
    for (const e of emf) {
      expect(e._aws.Timestamp).toBe(scheduled);
      expect(e._aws.CloudWatchMetrics).toEqual([{ Namespace: 'Gatehouse', Dimensions: [['service', 'TargetRegion']], Metrics: [{ Name: 'HealthProbeFailures', Unit: 'Count' }] }]);
      expect(e.service).toBe('gatehouse-health-prober');
    }
  });

  it('logs each failed probe with its reason and a skipped region as an error', async () => {
    const lines = await jsonLinesWhile(() => recordRound(outcome));
    expect(lines.filter((l) => l.message === 'health probe failed').map((l) => [l.targetRegion, l.probe, l.reason])).toEqual([['eu-west-1', 0, 'no answer within 2000 ms'], ['eu-west-1', 1, 'status 503']]);
    expect(lines.find((l) => l.message === 'region not probed; its health check keeps its last status')).toMatchObject({ level: 'ERROR', targetRegion: 'eu-central-1', reason: 'regional domain name unavailable: throttled' });
  });
});

describe('prober config and AWS lookups', () => {
  it('gives each observer its own targets and the plan\'s probe settings', () => {
    const config = toHealthProberConfig(planRouting(fintechTwoRegions()), 'us-east-1', { secretName: 'payflow/prod/origin-verify', header: 'X-Origin-Verify' });
    expect(config.targets).toEqual(['eu-west-2', 'eu-west-1']);
    expect(parseHealthProberConfig(JSON.stringify(config))).toEqual(config);
    expect(() => parseHealthProberConfig(undefined)).toThrow(`${HEALTH_PROBER_ENV.config} is not set (the health-prober construct sets it)`);
    expect(() => parseHealthProberConfig('{"targets":[]}')).toThrow(`${HEALTH_PROBER_ENV.config} lacks targets, probe, originVerify`);
  });

  it('reads the regional domain name of domains.api and the secret\'s string', async () => {
    const sent: object[] = [];
    const client = (answer: unknown) => ({ send: async (command: object) => { sent.push(command); return answer; } });
    await expect(regionalDomainName(client({ regionalDomainName: 'd-abc123.execute-api.eu-west-1.amazonaws.com' }), HOST, 'eu-west-1')()).resolves.toBe('d-abc123.execute-api.eu-west-1.amazonaws.com');
    expect(sent[0]).toBeInstanceOf(GetDomainNameCommand);
    expect((sent[0] as GetDomainNameCommand).input).toEqual({ domainName: HOST });
    await expect(regionalDomainName(client({ distributionDomainName: 'd1.cloudfront.net' }), HOST, 'eu-west-1')()).rejects.toThrow(`${HOST} in eu-west-1 has no regional domain name (not a REGIONAL custom domain?)`);
    await expect(secretString(client({ SecretString: SECRET }), 'payflow/prod/origin-verify')()).resolves.toBe(SECRET);
    expect((sent[2] as GetSecretValueCommand).input).toEqual({ SecretId: 'payflow/prod/origin-verify' });
  });
});

describe('refreshingValue', () => {
  it('serves the value for maxAgeMs, then re-reads it; a failed re-read serves the old value; a first failure rejects', async () => {
    let t = 0;
    let n = 0;
    let fail = false;
    const stale: unknown[] = [];
    const value = refreshingValue(async () => { if (fail) throw new Error(`read ${++n} failed`); return `v${++n}`; }, { maxAgeMs: 100, now: () => t, onStale: (e) => stale.push((e as Error).message) });
    expect(await value.get()).toBe('v1');
    t = 99;
    expect(await value.get()).toBe('v1');
    t = 100;
    expect(await value.get()).toBe('v2');
    t = 250;
    fail = true;
    expect(await value.get()).toBe('v2');
    expect(stale).toEqual(['read 3 failed']);
    const never = refreshingValue(async () => { throw new Error('AccessDenied'); }, { maxAgeMs: 100 });
    await expect(never.get()).rejects.toThrow('AccessDenied');
  });

  it('reads once for callers that ask at the same time', async () => {
    let reads = 0;
    const value = refreshingValue(async () => `v${++reads}`, { maxAgeMs: 1000 });
    expect(await Promise.all([value.get(), value.get(), value.get()])).toEqual(['v1', 'v1', 'v1']);
    expect(reads).toBe(1);
  });
});

/**
 * @middy/core 6 is ESM-only and jest runs CommonJS: the handler is tested as it ships, bundled
 * by esbuild (as test/resilience/breaker-state-lambda.test.ts does).
 */
describe('handler (middy + Powertools wiring, bundled) and its deploy bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-health-prober-'));
  const outfile = join(dir, 'handler.js');
  const context = { awsRequestId: 'lambda-req-1', functionName: 'payflow-prod-health-prober', functionVersion: '1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:210000000003:function:payflow-prod-health-prober', memoryLimitInMB: '256', getRemainingTimeInMillis: () => 57_000 } as never;
  let bundle: typeof import('../../lambdas/health-prober/handler');
  beforeAll(() => {
    delete process.env[HEALTH_PROBER_ENV.config];
    buildSync({ entryPoints: [HEALTH_PROBER_ENTRY], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'silent' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    bundle = require(outfile) as typeof import('../../lambdas/health-prober/handler');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes the run\'s metrics and returns its outcome', async () => {
    const asked: Array<number | undefined> = [];
    const outcome: ProbeRoundOutcome = { startedAtMs: Date.now(), timestampMs: Date.now(), regions: [{ region: 'eu-west-2', status: 'probed', failures: 1, results: [{ healthy: false, reason: 'status 502', status: 502, ms: 30 }] }] };
    const handler = bundle.createHandler(async () => async (scheduledAtMs) => { asked.push(scheduledAtMs); return outcome; });
    let result: unknown;
    const lines = await jsonLinesWhile(async () => { result = await handler({ scheduledTime: '2026-12-04T10:17:00Z' }, context); });
    expect(result).toEqual(outcome);
    // The schedule's time reaches the round; an event without one leaves the run's start.
    await jsonLinesWhile(() => handler({}, context));
    expect(asked).toEqual([Date.parse('2026-12-04T10:17:00Z'), undefined]);
    expect(lines.find((l) => l._aws)).toMatchObject({ HealthProbeFailures: 1, TargetRegion: 'eu-west-2', service: 'gatehouse-health-prober' });
    expect(lines.find((l) => l.message === 'health probe failed')).toMatchObject({ function_request_id: 'lambda-req-1', reason: 'status 502' });
  });

  it('the deployed handler will not start without its config', async () => {
    await expect(bundle.handler({} as never, context)).rejects.toThrow(`${HEALTH_PROBER_ENV.config} is not set (the health-prober construct sets it)`);
  });

  it('ships as ESM within its size budget, the AWS SDK left to the Lambda runtime', () => {
    const b = HEALTH_PROBER_BUNDLING;
    const { outputFiles, metafile } = buildSync({
      entryPoints: [HEALTH_PROBER_ENTRY], bundle: true, platform: 'node', format: b.format, target: b.target, minify: b.minify,
      mainFields: [...b.mainFields], banner: { js: b.banner }, external: [...b.externalModules], write: false, outfile: 'index.mjs', metafile: true,
    });
    const code = outputFiles[0].text;
    expect(code).toMatch(/from\s*"@aws-sdk\/client-api-gateway"/);
    expect(code).toMatch(/from\s*"@aws-sdk\/client-secrets-manager"/);
    expect(Object.keys(metafile.inputs).filter((f) => /aws-cdk-lib|aws-xray-sdk|@aws-lambda-powertools\/tracer|node_modules\/@aws-sdk/.test(f))).toEqual([]);
    expect(outputFiles[0].contents.byteLength).toBeLessThanOrEqual(HEALTH_PROBER_BUNDLE_BUDGET_BYTES);
  });
});
