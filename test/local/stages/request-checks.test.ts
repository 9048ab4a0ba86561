import { stageThrottle, wafRules } from '../../../local/api-gateway/stages/request-checks';
import { apiRequest, bodyOf, contextFor } from './fixtures';

describe('wafRules', () => {
  it('answers a blocked request with the rule\'s status and body, logged as waf:<rule>', () => {
    const seen: unknown[] = [];
    const ctx = contextFor(apiRequest({ method: 'POST', rawQuery: 'a=1', rawHeaders: [['Content-Type', 'text/xml']], body: Buffer.from('<x/>') }), {
      wafChecks: (request) => { seen.push(request); return { rule: 'AllowedContentTypes', statusCode: 415, body: '{"message":"Unsupported Media Type"}' }; },
    });
    const res = wafRules(ctx);
    expect(seen).toEqual([{ method: 'POST', contentType: 'text/xml', bodyBytes: 4, rawQuery: 'a=1' }]);
    expect(res).toEqual({ statusCode: 415, headers: { 'content-type': 'application/json' }, body: '{"message":"Unsupported Media Type"}', log: { requestId: ctx.requestId, error: 'waf:AllowedContentTypes' } });
  });

  it('lets a request no rule blocks continue', () => {
    expect(wafRules(contextFor(apiRequest(), { wafChecks: () => undefined }))).toBeUndefined();
  });
});

describe('stageThrottle', () => {
  it('answers THROTTLED with the request id when the stage bucket is empty', () => {
    const ctx = contextFor(apiRequest(), { usagePlans: { admitStage: () => false, admit: () => { throw new Error('not reached'); } } });
    const res = stageThrottle(ctx);
    expect(res).toMatchObject({ statusCode: 429, headers: { 'x-amzn-requestid': ctx.requestId }, log: { requestId: ctx.requestId, error: 'THROTTLED' } });
    expect(bodyOf(res as { body: string })).toMatchObject({ type: 'THROTTLED' });
  });

  it('continues while the stage bucket has a token', () => {
    expect(stageThrottle(contextFor(apiRequest(), { usagePlans: { admitStage: () => true, admit: () => ({ ok: true, tier: 'free' }) } }))).toBeUndefined();
  });
});
