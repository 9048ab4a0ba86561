import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { apiKeyId } from '../../lambdas/authorizer/consumer-store';
import { AUTHORIZER_ENV } from '../../lib/contract/authorizer-env';
import { requestEvent } from './events';
import { testConfig } from './fixtures';

/**
 * @middy/core 6 is ESM-only and the repo's jest runs CommonJS, so the handler is tested the way it
 * ships: bundled by esbuild (as NodejsFunction does), then loaded.
 */
describe('handler (middy + Powertools wiring, bundled)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-authorizer-'));
  const outfile = join(dir, 'handler.js');
  beforeAll(() => {
    buildSync({ entryPoints: [join(__dirname, '../../lambdas/authorizer/handler.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, outfile, logLevel: 'silent' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exports a handler that answers Unauthorized and writes one decision log line without the key', async () => {
    process.env[AUTHORIZER_ENV.config] = JSON.stringify(testConfig('https://idp.example.com'));
    process.env.POWERTOOLS_TRACE_ENABLED = 'false';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    delete process.env[AUTHORIZER_ENV.redisUrl];
    delete process.env[AUTHORIZER_ENV.consumersTable];
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { lines.push(String(chunk)); return true; });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(outfile) as typeof import('../../lambdas/authorizer/handler');
    const context = { awsRequestId: 'lambda-req-1', functionName: 'authorizer', functionVersion: '1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:authorizer', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 3000 } as never;
    await expect(handler(requestEvent({ headers: { 'x-api-key': 'gh_live_never_logged' }, requestId: 'apigw-req-9' }), context)).rejects.toThrow(new Error('Unauthorized'));
    spy.mockRestore();
    const log = lines.join('');
    expect(log).toContain('"correlation_id":"apigw-req-9"');
    expect(log).toContain('"reason":"api_key_unknown"');
    expect(log).not.toContain('gh_live_never_logged');
    expect(log).not.toContain(apiKeyId('gh_live_never_logged').slice(4));
  });

  /** A fresh copy of the bundle (its own Logger) loaded with `sampleRate`; the log lines of `events`. */
  const linesWith = async (sampleRate: string, copy: string, events: Parameters<typeof requestEvent>[0][]) => {
    process.env[AUTHORIZER_ENV.config] = JSON.stringify(testConfig('https://idp.example.com'));
    process.env.POWERTOOLS_TRACE_ENABLED = 'false';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    process.env.POWERTOOLS_LOGGER_SAMPLE_RATE = sampleRate;
    const file = join(dir, copy);
    copyFileSync(outfile, file);
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { lines.push(String(chunk)); return true; });
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(file) as typeof import('../../lambdas/authorizer/handler');
      const context = { awsRequestId: 'lambda-req', functionName: 'authorizer', functionVersion: '1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:authorizer', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 3000 } as never;
      for (const e of events) await handler(requestEvent(e), context).catch(() => undefined);
    } finally {
      spy.mockRestore();
      delete process.env.POWERTOOLS_LOGGER_SAMPLE_RATE;
    }
    return lines.join('').split('\n').filter((l) => l.includes('authorizer decision')).map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it('logs allowed requests at DEBUG only (sampled invocations), refusals at INFO', async () => {
    const events = [{ path: '/status', requestId: 'allow-1' }, { headers: { 'x-api-key': 'gh_live_unknown' }, requestId: 'deny-1' }];
    const unsampled = await linesWith('0', 'handler-unsampled.js', events);
    expect(unsampled.map((l) => [l.level, l.correlation_id, l.effect])).toEqual([['INFO', 'deny-1', 'unauthorized']]);
    const sampled = await linesWith('1', 'handler-sampled.js', events);
    expect(sampled.map((l) => [l.level, l.correlation_id, l.effect])).toEqual([['DEBUG', 'allow-1', 'allow'], ['INFO', 'deny-1', 'unauthorized']]);
  });
});
