import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { COUNTER_FLUSH_MS, CounterBatch } from '../../lambdas/authorizer/metric-batch';

/** EMF records written to stdout while `run` runs. */
function emfWrittenBy(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { lines.push(String(chunk)); return true; });
  try { run(); } finally { spy.mockRestore(); }
  return lines.join('').split('\n').filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('hot-path counters: one EMF record per environment and second, not per invocation', () => {
  const start = Date.UTC(2026, 11, 2, 12, 0, 0);
  let clock = start;
  let metrics: Metrics;
  let batch: CounterBatch;
  beforeEach(() => {
    clock = start;
    metrics = new Metrics({ namespace: 'Test', serviceName: 'authorizer' });
    batch = new CounterBatch(metrics, () => clock);
  });

  it('sums the counts of a second into one record stamped with the first count', () => {
    const during = emfWrittenBy(() => {
      for (let i = 0; i < 50; i++) { clock = start + i * 10; batch.count('Allowed'); batch.flush(); }
    });
    expect(during).toEqual([]);
    const after = emfWrittenBy(() => { clock = start + COUNTER_FLUSH_MS; batch.count('Allowed'); batch.count('KeyCacheHit'); batch.flush(); });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ Allowed: 51, KeyCacheHit: 1, _aws: { Timestamp: start } });
  });

  it('writes at once, with the pending counts, when an invocation stored an urgent metric', () => {
    batch.count('Allowed');
    const written = emfWrittenBy(() => { metrics.addMetric('LimiterFallback', MetricUnit.Count, 1); batch.flush(); });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ Allowed: 1, LimiterFallback: 1 });
  });

  it('writes nothing when nothing was counted', () => {
    const written = emfWrittenBy(() => { clock += 10 * COUNTER_FLUSH_MS; batch.flush(); });
    expect(written).toEqual([]);
  });

  it('starts a new batch after a write: the next count is not written before its own second', () => {
    batch.count('Allowed');
    clock += COUNTER_FLUSH_MS;
    emfWrittenBy(() => batch.flush());
    const next = emfWrittenBy(() => { clock += 1; batch.count('Allowed'); batch.flush(); });
    expect(next).toEqual([]);
  });
});
