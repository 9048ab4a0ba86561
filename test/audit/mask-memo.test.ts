import { maskPii } from '../../lambdas/audit-transformer/mask';

// maskPii remembers what it masked (per option set, per field, per text) and skips values it
// can prove unmaskable. None of that may show: these pin that a remembered answer is the answer.

describe('maskPii with its memos warm', () => {
  it('counts a remembered value each time it is seen, in the same field and in another', () => {
    const agent = 'curl/8.5 Authorization: Bearer abcdefghijklmnop';
    const answers = [maskPii({ userAgent: agent }), maskPii({ userAgent: agent }), maskPii({ note: agent })];
    expect(answers.map((a) => a.counts)).toEqual([{ authorization: 1 }, { authorization: 1 }, { authorization: 1 }]);
    expect(answers.map((a) => Object.values(a.value)[0])).toEqual(Array(3).fill('curl/8.5 Authorization: [REDACTED:authorization]'));
  });

  it('answers for the option set it was asked with: personal data masked, kept, masked again', () => {
    const line = { note: 'mail kim@example.io today' };
    expect([maskPii(line).value, maskPii(line, { pii: false }).value, maskPii(line).value]).toEqual([
      { note: 'mail [REDACTED:email] today' }, line, { note: 'mail [REDACTED:email] today' },
    ]);
  });

  it('masks a field whose value changed since the last line, and keeps one that is unmaskable', () => {
    const paths = ['/v1/users/42/orders', '/v1/users/4111111111111111/orders', '/v1/users/43/orders', '/v1/users/4111111111111111/orders'];
    expect(paths.map((path) => maskPii({ http: { path } }).value.http.path)).toEqual([
      '/v1/users/42/orders', '/v1/users/[REDACTED:card]/orders', '/v1/users/43/orders', '/v1/users/[REDACTED:card]/orders',
    ]);
  });

  it('remembers a text with a `{` that starts no JSON object, and still masks JSON inside text by structure', () => {
    expect([maskPii({ p: '/v1/{proxy+} kim@example.io' }), maskPii({ p: '/v1/{proxy+} kim@example.io' })].map((a) => a.counts)).toEqual([{ email: 1 }, { email: 1 }]);
    expect(maskPii({ m: 'rejected {"password":"hunter2"}' }).value).toEqual({ m: 'rejected {"password":"[REDACTED:secret]"}' });
  });

  it('masks a 12-digit card logged as a JSON number, and leaves the numbers below 12 digits', () => {
    expect(maskPii({ n: 501800000009, latency: 87, big: 99999999999 }).value).toEqual({ n: '[REDACTED:card]', latency: 87, big: 99999999999 });
  });
});
