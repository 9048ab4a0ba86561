import { readSettings } from '../../lambdas/audit-transformer/settings';
import { transformRecords } from '../../lambdas/audit-transformer/transform';
import { accessLogLine, event, firehoseRecord, subscriptionData } from './fixtures';

// A masking failure cannot be provoked with data any more (that is the point of the other
// suites), so one is injected: any event whose record mentions `explode-here` throws.
jest.mock('../../lambdas/audit-transformer/mask', () => {
  const actual = jest.requireActual('../../lambdas/audit-transformer/mask');
  return {
    ...actual,
    maskPii: (value: unknown, options: unknown) => {
      if (JSON.stringify(value).includes('explode-here')) throw new RangeError('Maximum call stack size exceeded');
      return actual.maskPii(value, options);
    },
  };
});

const lines = (data: string) => Buffer.from(data, 'base64').toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l));

describe('one event that cannot be processed', () => {
  it('becomes a gatehouse_failed_event line; the other events of its record are kept', () => {
    const outcome = transformRecords([firehoseRecord('r', subscriptionData([
      event(1, accessLogLine({ path: '/v1/explode-here', errorMessage: 'mail jane@example.org' })),
      event(2, accessLogLine({ status: '503' })),
    ]))], readSettings({}));
    const [failed, kept] = lines(outcome.records[0].data!);
    expect(failed).toEqual({
      gatehouse_failed_event: {
        reason: 'unprocessable-event', description: 'one log event could not be normalised or masked', recordId: 'r',
        bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), receivedAt: '2024-11-28T10:00:01.000Z', eventIndex: 0,
      },
    });
    expect(kept).toMatchObject({ kind: 'access', http: { status: 503 } });
    expect(Buffer.from(outcome.records[0].data!, 'base64').toString()).not.toContain('jane@example.org');
    expect(outcome.stats).toMatchObject({ ok: 1, failed: 0, auditRecords: 1, failedEvents: 1 });
  });
});
