import type { UsageVerdict } from '../../../local/api-gateway/usage-plans';
import { usagePlan } from '../../../local/api-gateway/stages/usage-plan';
import { allow, apiMethod, apiRequest, bodyOf, matchedContext } from './fixtures';

const keyRequired = apiMethod({ authorizer: { ttl: 0, identitySources: [], apiKeyRequired: true } as never });

function withVerdict(verdict: UsageVerdict, context: Record<string, string> = { consumer: 'acme' }, method = keyRequired) {
  const keys: unknown[] = [];
  const ctx = matchedContext(apiRequest(), { usagePlans: { admitStage: () => true, admit: (key) => { keys.push(key); return verdict; } } }, method);
  ctx.result = allow(context, 'usage-key-1');
  ctx.authorizer = context;
  return { ctx, keys };
}

describe('usagePlan', () => {
  it('admits the authorizer\'s usageIdentifierKey within its plan', () => {
    const { ctx, keys } = withVerdict({ ok: true, tier: 'pro' });
    expect(usagePlan(ctx)).toBeUndefined();
    expect(keys).toEqual(['usage-key-1']);
  });

  it('skips methods without apiKeyRequired', () => {
    const { ctx, keys } = withVerdict({ ok: false, type: 'THROTTLED' }, {}, apiMethod());
    expect(usagePlan(ctx)).toBeUndefined();
    expect(keys).toEqual([]);
  });

  it('answers INVALID_API_KEY rendered with the authorizer context, logged usage-plan:INVALID_API_KEY', () => {
    const res = usagePlan(withVerdict({ ok: false, type: 'INVALID_API_KEY' }).ctx);
    expect(res).toMatchObject({ statusCode: 403, log: { limiter: 'usage-plan:INVALID_API_KEY', error: 'INVALID_API_KEY' } });
    expect(bodyOf(res as { body: string })).toEqual({ type: 'INVALID_API_KEY', authorizer: { consumer: 'acme' } });
  });

  it('answers THROTTLED and QUOTA_EXCEEDED without the context', () => {
    for (const type of ['THROTTLED', 'QUOTA_EXCEEDED'] as const) {
      const res = usagePlan(withVerdict({ ok: false, type, tier: 'free' }).ctx);
      expect(res).toMatchObject({ statusCode: 429, log: { limiter: `usage-plan:${type}`, error: type } });
      expect(bodyOf(res as { body: string })).toEqual({ type });
    }
  });

  it('logs a refusal the authorizer\'s limiter explains as limited', () => {
    const res = usagePlan(withVerdict({ ok: false, type: 'QUOTA_EXCEEDED' }, { reason: 'quota_exceeded' }).ctx);
    expect(res).toMatchObject({ log: { limiter: 'limited', error: 'QUOTA_EXCEEDED' } });
  });
});
