/**
 * Where the state function learns an alarm's current state (for `maintenance_off`, which goes
 * back to what the alarm says now): a small seam, CloudWatch DescribeAlarms by default, a plain
 * object in tests.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { AlarmState } from '../../lib/resilience/breaker-alarm';

export interface AlarmStateReader {
  /** The current state of each named metric alarm; rejects if any is missing. */
  states(alarmNames: readonly string[]): Promise<ReadonlyMap<string, AlarmState>>;
}

/** An alarm the state function was configured with does not exist (deleted, renamed, other region). */
export class AlarmNotFoundError extends Error {
  constructor(readonly alarmNames: readonly string[]) {
    super(`DescribeAlarms returned no metric alarm named ${alarmNames.join(', ')}`);
    this.name = 'AlarmNotFoundError';
  }
}

/** DescribeAlarms accepts at most 100 alarm names per call. */
const NAMES_PER_CALL = 100;

/**
 * DescribeAlarms of metric alarms by name. Metric alarms only: their read can be scoped to
 * their ARNs in IAM, while reading a composite alarm needs `cloudwatch:DescribeAlarms` on `*`
 * (DescribeAlarms API reference); a composite breaker's state is derived from its parts instead
 * ({@link breakerStateOf}).
 */
export class CloudWatchAlarmStates implements AlarmStateReader {
  constructor(private readonly client: Pick<CloudWatchClient, 'send'> = new CloudWatchClient({})) {}

  async states(alarmNames: readonly string[]): Promise<ReadonlyMap<string, AlarmState>> {
    const found = new Map<string, AlarmState>();
    for (let i = 0; i < alarmNames.length; i += NAMES_PER_CALL) {
      const answer = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: alarmNames.slice(i, i + NAMES_PER_CALL), AlarmTypes: ['MetricAlarm'] }));
      for (const alarm of answer.MetricAlarms ?? []) {
        if (alarm.AlarmName && alarm.StateValue) found.set(alarm.AlarmName, alarm.StateValue as AlarmState);
      }
    }
    const missing = alarmNames.filter((n) => !found.has(n));
    if (missing.length > 0) throw new AlarmNotFoundError(missing);
    return found;
  }
}

/**
 * The breaker's alarm state from its metric alarms' states: one alarm is itself; a composite
 * `ALARM(part1) OR ALARM(part2) ...` is ALARM while any part is and OK otherwise, once any part
 * has been evaluated (INSUFFICIENT_DATA only while none has).
 */
export function breakerStateOf(states: Iterable<AlarmState>): AlarmState {
  const all = [...states];
  if (all.includes('ALARM')) return 'ALARM';
  return all.every((s) => s === 'INSUFFICIENT_DATA') ? 'INSUFFICIENT_DATA' : 'OK';
}
