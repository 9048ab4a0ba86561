import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import Redis from 'ioredis';
import type { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { AlarmNotFoundError, breakerStateOf, CloudWatchAlarmStates, type AlarmStateReader } from '../../lambdas/breaker-state/alarm-states';
import { BREAKER_STATE_ENV, type BreakerStateConfig } from '../../lambdas/breaker-state/config';
import { parseEventTime } from '../../lambdas/breaker-state/events';
import { createBreakerStateChange, maintenanceOffKey, type BreakerStateOutcome } from '../../lambdas/breaker-state/state-change';
import type { AlarmState } from '../../lib/resilience/breaker-alarm';
import { allBreakerRecordKeys, breakerRecordKey, fromRedisValue, toRedisValue } from '../../lib/resilience/breaker-record';
import { CLUSTER_SLOTS } from '../../lib/resilience/slot-anchors';
import { jsonLinesWhile } from '../support/json-lines';

/**
 * The breaker-state function's core against the shared Redis (127.0.0.1:6379), with the event
 * JSON EventBridge delivers. Each test writes under its own key prefix and deletes its keys.
 */
const PREFIX = 'gatehouse-dev';
const CONFIG: BreakerStateConfig = {
  services: {
    payments: { alarm: `${PREFIX}-breaker-payments`, metricAlarms: [`${PREFIX}-breaker-payments`], waitMs: 30_000 },
    catalog: { alarm: `${PREFIX}-breaker-catalog`, metricAlarms: [`${PREFIX}-breaker-catalog.part1`, `${PREFIX}-breaker-catalog.part2`], waitMs: 60_000 },
  },
};
const T_OPEN = Date.parse('2026-12-01T10:00:00.250Z');
const T_OK = Date.parse('2026-12-01T10:07:00.000Z');
const NOW = Date.parse('2026-12-01T12:00:00.000Z');

/** A "CloudWatch Alarm State Change" event of a metric-math alarm, as EventBridge delivers it. */
function alarmEvent(alarmName: string, value: AlarmState, timestamp: string, previous: AlarmState = 'OK') {
  return {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '111111111111',
    time: timestamp.replace(/\.\d+\+0000$/, 'Z'),
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:111111111111:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value, reason: 'Threshold Crossed: 1 out of the last 1 datapoints [1.0 (01/12/26 09:59:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).', reasonData: '{"version":"1.0","queryDate":"2026-12-01T10:00:00.250+0000","evaluatedDatapoints":[{"timestamp":"2026-12-01T09:59:00.000+0000","value":1.0}]}', timestamp },
      previousState: { value: previous, reason: 'Threshold Crossed', timestamp: '2026-11-30T08:00:00.000+0000' },
      configuration: {
        description: 'Circuit breaker of payments',
        metrics: [
          { id: 'expr_1', expression: 'IF((requests >= 10) OR (...), (...))', label: 'breaker', returnData: true },
          { id: 'requests', metricStat: { metric: { namespace: 'AWS/ApplicationELB', name: 'RequestCount', dimensions: { TargetGroup: 'targetgroup/x/1', LoadBalancer: 'app/y/2' } }, period: 60, stat: 'Sum' }, returnData: false },
        ],
      },
    },
  };
}

/** The same event for a composite alarm (its configuration has the rule instead of metrics). */
function compositeEvent(alarmName: string, value: AlarmState, timestamp: string) {
  const event = alarmEvent(alarmName, value, timestamp);
  return { ...event, detail: { ...event.detail, configuration: { alarmRule: `ALARM("${alarmName}.part1") OR ALARM("${alarmName}.part2")`, actionsSuppressorWaitPeriod: 0 } } };
}

/** An operator's event, as `aws events put-events` puts it on the default bus. */
function maintenanceEvent(detail: Record<string, unknown>, time = '2026-12-01T11:00:00Z') {
  return { version: '0', id: 'a1b2c3d4-0000-4000-8000-000000000001', 'detail-type': 'Gatehouse breaker maintenance', source: 'gatehouse.breaker', account: '111111111111', time, region: 'eu-west-1', resources: [], detail };
}

/** CloudWatch as a plain object: the alarms' current states, and the names each call asked for. */
function alarmStates(states: Record<string, AlarmState>): AlarmStateReader & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    states: async (names) => { asked.push([...names]); return new Map(names.map((n) => [n, states[n]])); },
  };
}

let redis: Redis;
let run = 0;
let prefix: string;
beforeAll(async () => { redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true }); await redis.connect(); });
beforeEach(() => { run += 1; prefix = `test:bsl:${process.pid}:${run}:`; });
afterEach(async () => {
  for (const service of Object.keys(CONFIG.services)) {
    const keys = allBreakerRecordKeys(service, prefix);
    for (let i = 0; i < keys.length; i += 4096) await redis.del(...keys.slice(i, i + 4096));
    await redis.del(maintenanceOffKey(service, prefix));
  }
});
afterAll(async () => { await redis.quit(); });

const core = (alarms: AlarmStateReader = alarmStates({})) => createBreakerStateChange({ config: CONFIG, redis, alarms, keyPrefix: prefix, clock: () => NOW });
const copy = async (service: string, slot: number) => fromRedisValue(await redis.get(breakerRecordKey(service, slot, prefix)));
const copiesWritten = async (service: string) => {
  const keys = allBreakerRecordKeys(service, prefix);
  let n = 0;
  for (let i = 0; i < keys.length; i += 4096) n += await redis.exists(...keys.slice(i, i + 4096));
  return n;
};

describe('breaker-state core: alarm state changes', () => {
  it('opens the breaker on ALARM: every slot\'s copy says OPEN since the state timestamp, with the service\'s wait', async () => {
    // Act
    const outcome = await core()(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000'));
    // Assess
    expect(outcome).toEqual({ status: 'written', service: 'payments', signal: 'alarm', from: 'NONE', copies: CLUSTER_SLOTS, record: { state: 'OPEN', openedAtMs: T_OPEN, waitMs: 30_000, halfOpenPeriod: -1, halfOpenCalls: 0 } });
    expect(await copiesWritten('payments')).toBe(CLUSTER_SLOTS);
    for (const slot of [0, 1, 8191, 16383]) expect(await copy('payments', slot)).toEqual({ state: 'OPEN', openedAtMs: T_OPEN, waitMs: 30_000, halfOpenPeriod: -1, halfOpenCalls: 0 });
  });

  it('keeps an open breaker\'s opening (and the trickle counted per slot) on a repeated ALARM, writing nothing', async () => {
    // Prepare
    const apply = core();
    await apply(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000'));
    // The limiter's script spends trial calls in the copy of its slot.
    await redis.set(breakerRecordKey('payments', 42, prefix), toRedisValue({ state: 'OPEN', openedAtMs: T_OPEN, waitMs: 30_000, halfOpenPeriod: 3, halfOpenCalls: 2 }));
    // Act
    const outcome = await apply(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:05:00.000+0000', 'INSUFFICIENT_DATA'));
    // Assess
    expect(outcome).toEqual({ status: 'unchanged', service: 'payments', signal: 'alarm', state: 'OPEN' });
    expect(await copy('payments', 42)).toEqual({ state: 'OPEN', openedAtMs: T_OPEN, waitMs: 30_000, halfOpenPeriod: 3, halfOpenCalls: 2 });
  });

  it('closes on OK and resets every copy; INSUFFICIENT_DATA while open changes nothing (shed traffic is silence)', async () => {
    const apply = core();
    await apply(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000'));
    expect(await apply(alarmEvent(`${PREFIX}-breaker-payments`, 'INSUFFICIENT_DATA', '2026-12-01T10:03:00.000+0000', 'ALARM')))
      .toEqual({ status: 'unchanged', service: 'payments', signal: 'alarm', state: 'OPEN' });
    expect(await apply(alarmEvent(`${PREFIX}-breaker-payments`, 'OK', '2026-12-01T10:07:00.000+0000', 'ALARM')))
      .toMatchObject({ status: 'written', from: 'OPEN', record: { state: 'CLOSED', openedAtMs: 0, waitMs: 0 } });
    expect(await copy('payments', 16383)).toEqual({ state: 'CLOSED', openedAtMs: 0, waitMs: 0, halfOpenPeriod: -1, halfOpenCalls: 0 });
    expect(T_OK).toBeGreaterThan(T_OPEN);
  });

  it('writes nothing for the first OK of a new alarm (no record reads as CLOSED already)', async () => {
    expect(await core()(alarmEvent(`${PREFIX}-breaker-payments`, 'OK', '2026-12-01T09:00:00.000+0000', 'INSUFFICIENT_DATA')))
      .toEqual({ status: 'unchanged', service: 'payments', signal: 'alarm', state: 'NONE' });
    expect(await copiesWritten('payments')).toBe(0);
  });

  it('takes the service of a composite breaker alarm from its name', async () => {
    expect(await core()(compositeEvent(`${PREFIX}-breaker-catalog`, 'ALARM', '2026-12-01T10:00:00.250+0000')))
      .toMatchObject({ status: 'written', service: 'catalog', record: { state: 'OPEN', waitMs: 60_000 } });
  });

  it('dates the change by EventBridge\'s time when the state has no timestamp', async () => {
    const event = alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000');
    const { timestamp: _dropped, ...state } = event.detail.state;
    expect(await core()({ ...event, detail: { ...event.detail, state } })).toMatchObject({ record: { openedAtMs: Date.parse('2026-12-01T10:00:00Z') } });
  });
});

describe('breaker-state core: maintenance', () => {
  it('forces the breaker open with the operator\'s Retry-After and ignores alarms until switched off', async () => {
    const apply = core();
    expect(await apply(maintenanceEvent({ action: 'maintenance_on', service: 'payments', retry_after_seconds: 600 })))
      .toEqual({ status: 'written', service: 'payments', signal: 'maintenance_on', from: 'NONE', copies: CLUSTER_SLOTS, record: { state: 'FORCED_OPEN', openedAtMs: Date.parse('2026-12-01T11:00:00Z'), waitMs: 600_000, halfOpenPeriod: -1, halfOpenCalls: 0 } });
    expect(await apply(alarmEvent(`${PREFIX}-breaker-payments`, 'OK', '2026-12-01T11:01:00.000+0000', 'ALARM'))).toMatchObject({ status: 'unchanged', state: 'FORCED_OPEN' });
    expect(await apply(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T11:02:00.000+0000'))).toMatchObject({ status: 'unchanged', state: 'FORCED_OPEN' });
  });

  it('defaults the Retry-After to the breaker\'s wait', async () => {
    expect(await core()(maintenanceEvent({ action: 'maintenance_on', service: 'payments' }))).toMatchObject({ record: { state: 'FORCED_OPEN', waitMs: 30_000 } });
  });

  it('switched off, goes back to what the alarm says now (DescribeAlarms): ALARM opens from the switch-off time', async () => {
    const cloudwatch = alarmStates({ [`${PREFIX}-breaker-payments`]: 'ALARM' });
    const apply = core(cloudwatch);
    await apply(maintenanceEvent({ action: 'maintenance_on', service: 'payments' }));
    expect(await apply(maintenanceEvent({ action: 'maintenance_off', service: 'payments' }, '2026-12-01T11:30:00Z')))
      .toMatchObject({ status: 'written', signal: 'maintenance_off', from: 'FORCED_OPEN', record: { state: 'OPEN', openedAtMs: Date.parse('2026-12-01T11:30:00Z'), waitMs: 30_000 } });
    expect(cloudwatch.asked).toEqual([[`${PREFIX}-breaker-payments`]]);
  });

  it('reads a composite breaker\'s parts: one part in ALARM keeps it open, all OK closes it', async () => {
    const parts = CONFIG.services.catalog.metricAlarms;
    const open = core(alarmStates({ [parts[0]]: 'OK', [parts[1]]: 'ALARM' }));
    await open(maintenanceEvent({ action: 'maintenance_on', service: 'catalog' }));
    expect(await open(maintenanceEvent({ action: 'maintenance_off', service: 'catalog' }))).toMatchObject({ record: { state: 'OPEN' } });
    const healthy = core(alarmStates({ [parts[0]]: 'OK', [parts[1]]: 'INSUFFICIENT_DATA' }));
    await healthy(maintenanceEvent({ action: 'maintenance_on', service: 'catalog' }));
    expect(await healthy(maintenanceEvent({ action: 'maintenance_off', service: 'catalog' }))).toMatchObject({ record: { state: 'CLOSED' } });
  });

  it('refuses a maintenance_on that Lambda retried after the later maintenance_off was applied; a new one still works', async () => {
    const apply = core(alarmStates({ [`${PREFIX}-breaker-payments`]: 'OK' }));
    // The on (11:00) failed once and is retried after the off (11:00:30) went through.
    expect(await apply(maintenanceEvent({ action: 'maintenance_off', service: 'payments' }, '2026-12-01T11:00:30Z'))).toMatchObject({ status: 'unchanged' });
    expect(await apply(maintenanceEvent({ action: 'maintenance_on', service: 'payments' }, '2026-12-01T11:00:00Z'))).toEqual({
      status: 'refused',
      problem: 'maintenance_on of payments at 2026-12-01T11:00:00.000Z arrived after the maintenance_off of 2026-12-01T11:00:30.000Z was applied; send maintenance_on again to start a new maintenance',
    });
    expect(await copiesWritten('payments')).toBe(0);
    expect(await apply(maintenanceEvent({ action: 'maintenance_on', service: 'payments' }, '2026-12-01T11:05:00Z'))).toMatchObject({ status: 'written', record: { state: 'FORCED_OPEN' } });
  });

  it('switching off a breaker that is not in maintenance changes nothing', async () => {
    expect(await core(alarmStates({ [`${PREFIX}-breaker-payments`]: 'OK' }))(maintenanceEvent({ action: 'maintenance_off', service: 'payments' })))
      .toEqual({ status: 'unchanged', service: 'payments', signal: 'maintenance_off', state: 'NONE' });
  });
});

/** The reconcile rule's event, as EventBridge delivers a scheduled event. */
function scheduledEvent(time = '2026-12-01T12:05:00Z') {
  return { version: '0', id: 'c0ffee00-0000-4000-8000-000000000005', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '111111111111', time, region: 'eu-west-1', resources: ['arn:aws:events:eu-west-1:111111111111:rule/gatehouse-dev-breaker-reconcile'], detail: {} };
}
const T_RECONCILE = Date.parse('2026-12-01T12:05:00Z');

describe('breaker-state core: the reconcile schedule', () => {
  it('opens a breaker whose ALARM change was lost (its writes failed), dated by the schedule, in one DescribeAlarms pass', async () => {
    const alarms = alarmStates({ [`${PREFIX}-breaker-payments`]: 'ALARM', [`${PREFIX}-breaker-catalog.part1`]: 'OK', [`${PREFIX}-breaker-catalog.part2`]: 'OK' });
    const outcome = await core(alarms)(scheduledEvent());
    expect(outcome).toEqual({ status: 'reconciled', outcomes: [
      { status: 'written', service: 'payments', signal: 'alarm', from: 'NONE', copies: CLUSTER_SLOTS, record: { state: 'OPEN', openedAtMs: T_RECONCILE, waitMs: 30_000, halfOpenPeriod: -1, halfOpenCalls: 0 } },
      { status: 'unchanged', service: 'catalog', signal: 'alarm', state: 'NONE' },
    ] });
    expect(alarms.asked).toEqual([[`${PREFIX}-breaker-payments`, `${PREFIX}-breaker-catalog.part1`, `${PREFIX}-breaker-catalog.part2`]]);
    expect(await copy('payments', 16383)).toMatchObject({ state: 'OPEN', openedAtMs: T_RECONCILE });
  });

  it('closes a breaker left OPEN by an older retried event once the alarm says OK, and keeps an open one\'s opening', async () => {
    const apply = core(alarmStates({ [`${PREFIX}-breaker-payments`]: 'OK', [`${PREFIX}-breaker-catalog.part1`]: 'ALARM', [`${PREFIX}-breaker-catalog.part2`]: 'OK' }));
    await apply(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000'));
    await apply(compositeEvent(`${PREFIX}-breaker-catalog`, 'ALARM', '2026-12-01T10:00:00.250+0000'));
    const outcome = await apply(scheduledEvent());
    expect(outcome).toMatchObject({ status: 'reconciled', outcomes: [
      { status: 'written', service: 'payments', from: 'OPEN', record: { state: 'CLOSED' } },
      { status: 'unchanged', service: 'catalog', state: 'OPEN' },
    ] });
    expect(await copy('catalog', 0)).toMatchObject({ state: 'OPEN', openedAtMs: T_OPEN });
  });

  it('leaves maintenance alone whatever the alarm says', async () => {
    const apply = core(alarmStates({ [`${PREFIX}-breaker-payments`]: 'OK', [`${PREFIX}-breaker-catalog.part1`]: 'OK', [`${PREFIX}-breaker-catalog.part2`]: 'OK' }));
    await apply(maintenanceEvent({ action: 'maintenance_on', service: 'payments' }));
    expect(await apply(scheduledEvent())).toMatchObject({ status: 'reconciled', outcomes: [{ status: 'unchanged', service: 'payments', state: 'FORCED_OPEN' }, { status: 'unchanged', service: 'catalog' }] });
  });

  it('refuses another kind of aws.events event', async () => {
    expect(await core()({ ...scheduledEvent(), 'detail-type': 'Object Created' })).toEqual({ status: 'refused', problem: 'detail-type "Object Created" from aws.events is not "Scheduled Event"' });
  });
});

describe('breaker-state core: refused events (logged, never retried)', () => {
  const refused = async (event: unknown): Promise<string> => {
    const outcome: BreakerStateOutcome = await core()(event);
    if (outcome.status !== 'refused') throw new Error(`expected refused, got ${JSON.stringify(outcome)}`);
    return outcome.problem;
  };

  it.each([
    ['an alarm of another gateway', alarmEvent('gatehouse-prod-breaker-payments', 'ALARM', '2026-12-01T10:00:00.250+0000'),
      'alarm gatehouse-prod-breaker-payments is no breaker alarm of this gateway (known: gatehouse-dev-breaker-payments, gatehouse-dev-breaker-catalog)'],
    ['a composite\'s part (its state reaches the function through the composite)', alarmEvent(`${PREFIX}-breaker-catalog.part1`, 'ALARM', '2026-12-01T10:00:00.250+0000'),
      'alarm gatehouse-dev-breaker-catalog.part1 is no breaker alarm of this gateway (known: gatehouse-dev-breaker-payments, gatehouse-dev-breaker-catalog)'],
    ['an unknown state', alarmEvent(`${PREFIX}-breaker-payments`, 'BROKEN' as AlarmState, '2026-12-01T10:00:00.250+0000'),
      'alarm gatehouse-dev-breaker-payments: detail.state.value "BROKEN" is not one of OK, ALARM, INSUFFICIENT_DATA'],
    ['another detail-type', { ...alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000'), 'detail-type': 'CloudWatch Alarm Configuration Change' },
      'detail-type "CloudWatch Alarm Configuration Change" from aws.cloudwatch is not "CloudWatch Alarm State Change"'],
    ['an unknown service', maintenanceEvent({ action: 'maintenance_on', service: 'paymnets' }),
      'detail.service "paymnets" is no service with a circuit breaker (known: payments, catalog)'],
    ['an inherited property as service', maintenanceEvent({ action: 'maintenance_on', service: 'constructor' }),
      'detail.service "constructor" is no service with a circuit breaker (known: payments, catalog)'],
    ['an unknown action', maintenanceEvent({ action: 'open', service: 'payments' }),
      'detail.action "open" is not one of maintenance_on, maintenance_off'],
    ['a Retry-After in minutes', maintenanceEvent({ action: 'maintenance_on', service: 'payments', retry_after_seconds: '10m' }),
      'detail.retry_after_seconds "10m" is not a whole number of seconds from 1 to 86400'],
    ['a Retry-After on switch-off', maintenanceEvent({ action: 'maintenance_off', service: 'payments', retry_after_seconds: 60 }),
      'detail.retry_after_seconds applies to maintenance_on only'],
    ['another source', { source: 'aws.health', detail: {} }, 'source "aws.health" is none of aws.cloudwatch, gatehouse.breaker, aws.events'],
    ['no detail', { source: 'gatehouse.breaker' }, 'event from "gatehouse.breaker": detail is not an object'],
    ['no object at all', 'ALARM', 'the event is not a JSON object'],
  ])('refuses %s with what was wrong', async (_name, event, problem) => {
    expect(await refused(event)).toBe(problem);
    for (const service of Object.keys(CONFIG.services)) expect(await copiesWritten(service)).toBe(0);
  });
});

describe('breaker-state core: failures reject, so Lambda retries the event', () => {
  it('rejects when Redis refuses the write, having read nothing wrong', async () => {
    const broken = { get: async () => null, pipeline: () => ({ set: () => undefined, exec: async () => [[new Error('READONLY You can\'t write against a read only replica.'), null]] as Array<[Error | null, unknown]> }) };
    const apply = createBreakerStateChange({ config: CONFIG, redis: broken, alarms: alarmStates({}), keyPrefix: prefix });
    await expect(apply(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000'))).rejects.toThrow('READONLY');
  });

  it('writes every copy again when the retry follows a write that failed part-way (slot 0, the one read, is written last)', async () => {
    // Prepare: the real Redis, whose third pipeline of the first attempt fails.
    let pipelines = 0;
    const flaky = {
      get: (key: string) => redis.get(key),
      pipeline: () => {
        const real = redis.pipeline();
        const fail = ++pipelines === 3;
        return { set: (key: string, value: string) => real.set(key, value), exec: async () => (fail ? [[new Error('ECONNRESET'), null]] as Array<[Error | null, unknown]> : real.exec()) };
      },
    };
    const apply = createBreakerStateChange({ config: CONFIG, redis: flaky, alarms: alarmStates({}), keyPrefix: prefix });
    const event = alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000');
    // Act
    await expect(apply(event)).rejects.toThrow('ECONNRESET');
    const retried = await apply(event);
    // Assess: the retry saw the old record and wrote all copies.
    expect(retried).toMatchObject({ status: 'written', from: 'NONE', copies: CLUSTER_SLOTS });
    for (const slot of [0, 2048, 3000, 16383]) expect(await copy('payments', slot)).toMatchObject({ state: 'OPEN', openedAtMs: T_OPEN });
  });

  it('rewrites a malformed record (which the limiter reads as closed) from the next signal', async () => {
    await redis.set(breakerRecordKey('payments', 0, prefix), 'OPEN');
    const outcome = await core(alarmStates({ [`${PREFIX}-breaker-payments`]: 'OK', [`${PREFIX}-breaker-catalog.part1`]: 'OK', [`${PREFIX}-breaker-catalog.part2`]: 'OK' }))(scheduledEvent());
    expect(outcome).toMatchObject({ status: 'reconciled', outcomes: [{ status: 'written', service: 'payments', from: 'MALFORMED', record: { state: 'CLOSED' } }, { status: 'unchanged', service: 'catalog' }] });
    expect(await copy('payments', 0)).toMatchObject({ state: 'CLOSED' });
  });

  it('rejects when CloudWatch cannot say the alarm\'s state', async () => {
    const apply = core({ states: async () => { throw new Error('AccessDenied: cloudwatch:DescribeAlarms'); } });
    await apply(maintenanceEvent({ action: 'maintenance_on', service: 'payments' }));
    await expect(apply(maintenanceEvent({ action: 'maintenance_off', service: 'payments' }))).rejects.toThrow('AccessDenied');
  });
});

describe('alarm states and times', () => {
  it('asks DescribeAlarms for the named metric alarms only (what IAM scopes to their ARNs), 100 names a call', async () => {
    const inputs: DescribeAlarmsCommand['input'][] = [];
    const names = Array.from({ length: 101 }, (_, i) => `a${i}`);
    const client = { send: async (command: DescribeAlarmsCommand) => { inputs.push(command.input); return { MetricAlarms: (command.input.AlarmNames ?? []).map((n) => ({ AlarmName: n, StateValue: n === 'a100' ? 'ALARM' : 'OK' })) }; } };
    const states = await new CloudWatchAlarmStates(client as never).states(names);
    expect(inputs.map((i) => [i.AlarmNames!.length, i.AlarmTypes])).toEqual([[100, ['MetricAlarm']], [1, ['MetricAlarm']]]);
    expect([states.get('a0'), states.get('a100')]).toEqual(['OK', 'ALARM']);
  });

  it('rejects when an alarm it was configured with is gone', async () => {
    const client = { send: async () => ({ MetricAlarms: [{ AlarmName: 'a', StateValue: 'OK' }] }) };
    await expect(new CloudWatchAlarmStates(client as never).states(['a', 'b'])).rejects.toThrow(new AlarmNotFoundError(['b']));
    await expect(new CloudWatchAlarmStates(client as never).states(['a', 'b'])).rejects.toThrow('DescribeAlarms returned no metric alarm named b');
  });

  it('derives a composite breaker\'s state from its parts', () => {
    expect(breakerStateOf(['OK', 'ALARM'])).toBe('ALARM');
    expect(breakerStateOf(['OK', 'INSUFFICIENT_DATA'])).toBe('OK');
    expect(breakerStateOf(['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA'])).toBe('INSUFFICIENT_DATA');
  });

  it('reads CloudWatch\'s +0000 offsets', () => {
    expect(parseEventTime('2026-12-01T10:00:00.250+0000')).toBe(T_OPEN);
    expect(parseEventTime('2026-12-01T12:00:00.250+0200')).toBe(T_OPEN);
    expect(parseEventTime('yesterday')).toBeNaN();
  });
});

/**
 * @middy/core 6 is ESM-only and jest runs CommonJS: the handler is tested as it ships, bundled by
 * esbuild. Its pipeline (createHandler) runs around this file's core and Redis client, so the
 * test closes every connection it opens; the exported handler's own wiring is checked for the
 * environment it refuses to start without.
 */
describe('handler (middy + Powertools wiring, bundled)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gh-breaker-state-'));
  const outfile = join(dir, 'handler.js');
  const context = { awsRequestId: 'lambda-req-1', functionName: 'breaker-state', functionVersion: '1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:breaker-state', memoryLimitInMB: '256', getRemainingTimeInMillis: () => 30_000 } as never;
  let bundle: typeof import('../../lambdas/breaker-state/handler');
  beforeAll(() => {
    buildSync({ entryPoints: [join(__dirname, '../../lambdas/breaker-state/handler.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'silent' });
    process.env[BREAKER_STATE_ENV.config] = JSON.stringify(CONFIG);
    delete process.env[BREAKER_STATE_ENV.redisUrl];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    bundle = require(outfile) as typeof import('../../lambdas/breaker-state/handler');
  });
  afterAll(() => {
    delete process.env[BREAKER_STATE_ENV.config];
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs a refused event as one structured error and resolves (no retry)', async () => {
    const handler = bundle.createHandler(async () => core());
    const entries = await jsonLinesWhile(() => expect(handler(maintenanceEvent({ action: 'maintenance_on', service: 'nope' }) as never, context)).resolves.toMatchObject({ status: 'refused' }));
    expect(entries.filter((e) => e.message === 'breaker event refused')).toEqual([expect.objectContaining({
      level: 'ERROR', service: 'gatehouse-breaker-state', correlation_id: 'a1b2c3d4-0000-4000-8000-000000000001', function_request_id: 'lambda-req-1',
      problem: 'detail.service "nope" is no service with a circuit breaker (known: payments, catalog)',
    })]);
  });

  it('writes an alarm\'s change with one log line and its BreakerTransition metric', async () => {
    const handler = bundle.createHandler(async () => core());
    const entries = await jsonLinesWhile(() => expect(handler(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000') as never, context)).resolves.toMatchObject({ status: 'written', copies: CLUSTER_SLOTS }));
    expect(entries.find((e) => e.message === 'breaker record written')).toMatchObject({ level: 'INFO', service: 'gatehouse-breaker-state', upstream: 'payments', signal: 'alarm', from: 'NONE', to: 'OPEN', openedAtMs: T_OPEN, waitMs: 30_000, copies: CLUSTER_SLOTS });
    const emf = entries.find((e) => e._aws?.CloudWatchMetrics);
    expect(emf).toMatchObject({ BreakerTransition: 1, upstream: 'payments', state: 'OPEN', service: 'gatehouse-breaker-state' });
    expect(emf!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Gatehouse', Dimensions: [['service', 'upstream', 'state']], Metrics: [{ Name: 'BreakerTransition', Unit: 'Count' }] });
    expect((await copy('payments', 9000))?.state).toBe('OPEN');
  });

  it('logs a failed write and rejects, so Lambda retries the event', async () => {
    const handler = bundle.createHandler(async () => { throw new Error('connect ECONNREFUSED'); });
    const entries = await jsonLinesWhile(() => expect(handler(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000') as never, context)).rejects.toThrow('ECONNREFUSED'));
    expect(entries.find((e) => e.message === 'breaker state not applied; Lambda retries the event')).toMatchObject({ level: 'ERROR', source: 'aws.cloudwatch', detailType: 'CloudWatch Alarm State Change', error: { message: 'connect ECONNREFUSED' } });
  });

  it('the deployed handler will not start without the cache\'s URL', async () => {
    await expect(bundle.handler(alarmEvent(`${PREFIX}-breaker-payments`, 'ALARM', '2026-12-01T10:00:00.250+0000') as never, context))
      .rejects.toThrow('REDIS_URL is not set (the rate-limit cache holds the breaker records)');
  });
});
