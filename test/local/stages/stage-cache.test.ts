import type { CachedResponse } from '../../../local/api-gateway/stage-cache';
import { CACHE_CONTROL_IGNORED_WARNING } from '../../../local/api-gateway/stage-cache';
import { stageCacheLookup } from '../../../local/api-gateway/stages/stage-cache';
import type { CompiledGateway } from '../../../local/api-gateway/stages/context';
import { apiMethod, apiRequest, matchedContext } from './fixtures';

const cached = apiMethod({ cache: { ttl: 60, keyQuery: ['currency'], keyHeaders: [] } });
const KEY = JSON.stringify(['GET', '/v1/users/{id}', [['id', '42']], ['CHF'], []]);
const hit: CachedResponse = { statusCode: 200, headers: { 'content-type': 'application/json', etag: '"1"' }, body: Buffer.from('{"id":42}') };

function contextWith(headers: [string, string][], entries: Record<string, CachedResponse> = {}, method = cached) {
  const stageCache: CompiledGateway['stageCache'] = { get: (key) => entries[key], set: () => undefined };
  const ctx = matchedContext(apiRequest({ rawQuery: 'currency=CHF', rawHeaders: headers }), { stageCache }, method);
  ctx.query = { currency: 'CHF' };
  return ctx;
}

describe('stageCacheLookup', () => {
  it('answers a hit with the stored response and the request id, logged as a hit', () => {
    const ctx = contextWith([], { [KEY]: hit });
    expect(stageCacheLookup(ctx)).toEqual({
      statusCode: 200, headers: { 'content-type': 'application/json', etag: '"1"', 'x-amzn-requestid': ctx.requestId }, body: hit.body,
      log: { requestId: ctx.requestId, route: 'users', stageCache: 'hit' },
    });
  });

  it('logs a miss and keeps the key for storing the response', () => {
    const ctx = contextWith([]);
    expect(stageCacheLookup(ctx)).toBeUndefined();
    expect(ctx.stageKey).toBe(KEY);
    expect(ctx.log.stageCache).toBe('miss');
  });

  it('bypasses the cache for a conditional request', () => {
    const ctx = contextWith([['If-None-Match', '"1"']], { [KEY]: hit });
    expect(stageCacheLookup(ctx)).toBeUndefined();
    expect(ctx.stageKey).toBeUndefined();
    expect(ctx.log.stageCache).toBe('bypass');
  });

  it('ignores Cache-Control: max-age=0 and serves the hit with a warning', () => {
    const ctx = contextWith([['Cache-Control', 'max-age=0']], { [KEY]: hit });
    expect(stageCacheLookup(ctx)).toMatchObject({ headers: { warning: CACHE_CONTROL_IGNORED_WARNING } });
    expect(ctx.warning).toBe(CACHE_CONTROL_IGNORED_WARNING);
  });

  it('leaves a method without a stage cache alone', () => {
    const ctx = contextWith([['Cache-Control', 'no-cache']], {}, apiMethod());
    expect(stageCacheLookup(ctx)).toBeUndefined();
    expect(ctx.log.stageCache).toBeUndefined();
    expect(ctx.warning).toBeUndefined();
  });
});
