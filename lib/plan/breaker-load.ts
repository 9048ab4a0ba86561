/**
 * What the circuit breakers add on AWS (docs/resilience.md): the alarms and the metrics they read,
 * the custom metrics the authorizer and the state function publish, the state function's
 * invocations and the Redis writes and bytes of the records, from the same alarm plan the
 * constructs deploy (lib/resilience/breaker-alarm-plan.ts).
 */
import type { GatewayConfig } from '../config/schema';
import { apiMethodSeries, breakerAlarmPlans, RECONCILE_MINUTES, targetGroupSeries } from '../resilience/breaker-alarm-plan';
import { CLUSTER_SLOTS } from '../resilience/slot-anchors';
import type { PlanAssumptions } from './assumptions';

/** The record states the state function counts transitions into (BreakerTransition's `state` dimension). */
const RECORD_STATES = 3;

export interface BreakerLoad {
  /** Services whose breaker has an alarm. */
  readonly services: number;
  readonly metricAlarms: number;
  readonly compositeAlarms: number;
  /** Metrics all breaker alarms read (CloudWatch bills an alarm per metric of its expression). */
  readonly alarmMetrics: number;
  /** Custom metrics at most: Shed per watched API method, BreakerTransition per service and state. */
  readonly customMetrics: number;
  /** State changes plus the reconcile schedule's runs. */
  readonly stateInvocationsPerMonth: number;
  readonly recordWritesPerMonth: number;
  readonly recordEcpusPerMonth: number;
  readonly recordStoredGb: number;
}

/** Nothing: no breaker, or no shared Redis (`rate_limiting.strategy: local` deploys no breaker). */
export const NO_BREAKERS: BreakerLoad = {
  services: 0, metricAlarms: 0, compositeAlarms: 0, alarmMetrics: 0, customMetrics: 0,
  stateInvocationsPerMonth: 0, recordWritesPerMonth: 0, recordEcpusPerMonth: 0, recordStoredGb: 0,
};

export function breakerLoad(config: GatewayConfig, a: PlanAssumptions): BreakerLoad {
  if (config.rate_limiting.strategy === 'local') return NO_BREAKERS;
  const plans = breakerAlarmPlans('plan', config);
  if (plans.length === 0) return NO_BREAKERS;
  let metricAlarms = 0;
  let compositeAlarms = 0;
  let alarmMetrics = 0;
  let watchedMethods = 0;
  for (const plan of plans) {
    if (plan.source.kind === 'target_group') {
      metricAlarms += 1;
      alarmMetrics += Object.keys(targetGroupSeries(plan.judgement).metrics).length;
      continue;
    }
    metricAlarms += plan.source.parts.length;
    if (plan.source.parts.length > 1) compositeAlarms += 1;
    for (const part of plan.source.parts) {
      watchedMethods += part.methods.length;
      alarmMetrics += Object.keys(apiMethodSeries(plan.judgement, part.methods).metrics).length;
    }
  }
  const changes = plans.length * a.breakerChangesPerServiceMonth;
  // The reconcile schedule runs whatever the traffic; it writes only what it finds wrong.
  const reconciles = (a.hoursPerMonth * 60) / RECONCILE_MINUTES;
  const invocations = changes + reconciles;
  const writes = changes * CLUSTER_SLOTS;
  return {
    services: plans.length,
    metricAlarms,
    compositeAlarms,
    alarmMetrics,
    customMetrics: watchedMethods + plans.length * RECORD_STATES,
    stateInvocationsPerMonth: invocations,
    recordWritesPerMonth: writes,
    recordEcpusPerMonth: writes * a.ecpuPerRecordWrite,
    recordStoredGb: (plans.length * CLUSTER_SLOTS * a.bytesPerRecordCopy) / 1e9,
  };
}
