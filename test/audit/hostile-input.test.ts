import { once } from 'node:events';
import { createGzip, gzipSync } from 'node:zlib';
import { MAX_DECOMPRESSED_BYTES } from '../../lambdas/audit-transformer/decode';
import * as mask from '../../lambdas/audit-transformer/mask';
import { MAX_NESTING, TOO_DEEP } from '../../lambdas/audit-transformer/nesting';
import { normalizeLogEvent } from '../../lambdas/audit-transformer/normalize';
import { readSettings } from '../../lambdas/audit-transformer/settings';
import { RESPONSE_BUDGET_BYTES, transformRecords } from '../../lambdas/audit-transformer/transform';
import { accessLogLine, ACCESS_LOG_GROUP, event, firehoseRecord, subscriptionData } from './fixtures';

const SETTINGS = readSettings({ GATEHOUSE_ENVIRONMENT: 'prod' });
const lines = (data: string) => Buffer.from(data, 'base64').toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
const nested = (depth: number, leaf: string) => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

/** A gzip stream of `bytes` zeros, built in 1 MiB steps so the test itself never holds them. */
async function gzipBomb(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < bytes; written += zeros.length) {
    if (!gzip.write(zeros)) await once(gzip, 'drain');
  }
  gzip.end();
  await once(gzip, 'end');
  return Buffer.concat(chunks);
}

describe('hostile input never fails the batch', () => {
  it.each([2_000, 100_000])('processes a structured log line nested %i levels deep, cutting it at the nesting limit', (depth) => {
    const line = nested(depth, '{"password":"hunter2","email":"deep@example.org"}');
    const outcome = transformRecords([firehoseRecord('deep', subscriptionData([event(1, line)])), firehoseRecord('next', subscriptionData([event(2, accessLogLine())]))], SETTINGS);
    expect(outcome.records.map((r) => r.result)).toEqual(['Ok', 'Ok']);
    const text = Buffer.from(outcome.records[0].data!, 'base64').toString();
    expect(text).toContain(TOO_DEEP);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('deep@example.org');
    expect(outcome.failures).toEqual([]);
  });

  it(`keeps ${MAX_NESTING} levels of structure and replaces what is deeper`, () => {
    const value = JSON.parse(nested(MAX_NESTING + 2, '1'));
    const out = JSON.stringify(mask.maskPii(value).value);
    expect(out).toBe(`${'{"a":'.repeat(MAX_NESTING + 1)}"${TOO_DEEP}"${'}'.repeat(MAX_NESTING + 1)}`);
  });

  it.each([
    ['far future', 1e20], ['far past', -1e20], ['infinite (1e400 in JSON)', Infinity],
  ])('stamps an event whose timestamp is out of range (%s) with the arrival time and keeps the raw value', (_what, timestamp) => {
    const record = normalizeLogEvent({ id: 'e1', timestamp, message: 'Redis unavailable, failing open' }, { logGroup: ACCESS_LOG_GROUP, logStream: 's', receivedAt: 1732788001000 });
    expect(record).toMatchObject({ time: '2024-11-28T10:00:01.000Z', source: { invalidTimestamp: String(timestamp) }, log: { message: 'Redis unavailable, failing open' } });
  });

  it('turns a gzip bomb (300 MB of zeros) into one failed-record stub after decompressing at most 10 MiB', async () => {
    const bomb = await gzipBomb(300 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(410_000);
    const started = performance.now();
    const outcome = transformRecords([firehoseRecord('bomb', bomb.toString('base64')), firehoseRecord('good', subscriptionData([event(1, accessLogLine())]))], SETTINGS);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(lines(outcome.records[0].data!)[0].gatehouse_failed_record).toMatchObject({ reason: 'too-large', recordId: 'bomb', bytes: bomb.length });
    expect(outcome.records[1].result).toBe('Ok');
    expect(MAX_DECOMPRESSED_BYTES).toBe(10 * 1024 * 1024);
  });

  it('answers a batch of large failed records within the budget: their data is not sent back', () => {
    // 6 x 900 KB of base64 that is not gzip: sent back raw, the answer was 5.4 MB + and failed.
    const junk = Array.from({ length: 6 }, (_, i) => firehoseRecord(`j${i}`, Buffer.alloc(900_000, i + 1).toString('base64')));
    const outcome = transformRecords(junk, SETTINGS);
    const size = Buffer.byteLength(JSON.stringify({ records: outcome.records }));
    expect(size).toBeLessThan(5_000);
    expect(size).toBeLessThanOrEqual(RESPONSE_BUDGET_BYTES);
    expect(outcome.stats).toMatchObject({ ok: 0, failed: 6 });
  });

  it('answers a record whose own masked output cannot fit any answer with a stub, not a re-ingestion loop', () => {
    const huge = Array.from({ length: 40 }, (_, i) => event(i, accessLogLine({ userAgent: `a${i}${'y'.repeat(200_000)}` })));
    const outcome = transformRecords([firehoseRecord('huge', Buffer.from(gzipSync(Buffer.from(JSON.stringify({
      messageType: 'DATA_MESSAGE', owner: '1', logGroup: ACCESS_LOG_GROUP, logStream: 's', subscriptionFilters: [], logEvents: huge,
    })))).toString('base64'))], SETTINGS);
    expect(lines(outcome.records[0].data!)[0].gatehouse_failed_record.reason).toBe('output-too-large');
    expect(outcome.requeue).toEqual([]);
  });

  it.each([
    ['null values', { a: null, b: [null, 1], password: null, headers: { cookie: [null, 'a=1'] } }, { a: null, b: [null, 1], password: null, headers: { cookie: [null, '[REDACTED:cookie]'] } }],
    ['an empty object', {}, {}],
    ['booleans under credential names', { apiKey: false, token: true }, { apiKey: false, token: true }],
    ['undefined', undefined, undefined],
  ])('masks %s without throwing', (_what, input, expected) => {
    expect(mask.maskPii(input).value).toEqual(expected);
  });

  it('normalises a log line whose fields are objects with a toString key (String() would throw)', () => {
    const line = JSON.stringify({ level: 'INFO', message: { toString: 1 }, service: { toString: 1 }, requestId: { valueOf: 2 }, consumer: 'acme' });
    const outcome = transformRecords([firehoseRecord('r', subscriptionData([event(1, line)]))], SETTINGS);
    expect(lines(outcome.records[0].data!)[0]).toMatchObject({ kind: 'authorizer', requestId: '{"valueOf":2}', log: { message: '{"toString":1}' } });
  });

  it('does not let a __proto__ key in a log line change any prototype', () => {
    const line = '{"level":"INFO","message":"x","__proto__":{"polluted":true,"email":"p@example.org"},"constructor":{"prototype":{"polluted":true}}}';
    const outcome = transformRecords([firehoseRecord('r', subscriptionData([event(1, line)]))], SETTINGS);
    const text = Buffer.from(outcome.records[0].data!, 'base64').toString();
    expect(text).toContain('"__proto__":{"polluted":true,"email":"[REDACTED:email]"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
