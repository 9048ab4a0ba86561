/**
 * Owns: what the CloudWatch alarm of each service's circuit breaker watches and when it fires,
 * as plain data: its name, its window, its thresholds, its metrics and its metric-math
 * expression. The CDK construct (lib/constructs/resilience-breaker-alarms.ts) only maps this to
 * alarms, and the state function's config (lambdas/breaker-state/config.ts) takes the alarm names from here, so the
 * names the rule matches, the names the function knows and the alarms deployed cannot drift.
 *
 * What an alarm judges, Resilience4j's TIME_BASED window reduced to one CloudWatch period:
 * - The period is `window_seconds` (a multiple of 60, the metrics' resolution), 1 evaluation period.
 * - It fires (ALARM) when the window holds at least `minimum_calls` calls and the failure share or
 *   the slow share is at or above its threshold.
 * - It clears (OK) on a window with at least `trialCalls` calls, both shares below their
 *   thresholds. `trialCalls` is min(half_open_calls, minimum_calls): while the breaker is open
 *   only the authorizer's trickle reaches the upstream, often fewer than `minimum_calls` a
 *   window, and a breaker that could only close on `minimum_calls` calls might never close.
 *   This is Resilience4j's half-open rule (judge the permitted trial calls).
 * - Any other window returns no data point, and missing data is IGNOREd: silence while the
 *   breaker sheds traffic (no calls reach the upstream) keeps the alarm, and so the breaker, as
 *   it is. Metric math drops an IF's data point when its condition is false and there is no
 *   false value (CloudWatch user guide, "Using IF expressions").
 *
 * Slow calls: CloudWatch's percentile rank `PR(:d)` is the share (%) of calls that took at most d,
 * so 100 - PR(:d) is exactly Resilience4j's slow-call rate (a call is slow when it takes longer
 * than d). It replaces the usual approximation "pNN >= d with NN = 100 - threshold": that needs
 * p0 (the Minimum) for the default threshold of 100 %, and percentiles of several API methods
 * cannot be combined, while ranks weighted by each method's calls can. CloudWatch computes both
 * from the same bucketed distribution, so a call within about 1 % of d may land on either side.
 *
 * Failures: private services count the target group's 5xx answers and the connections the ALB
 * could not open to a target (TargetConnectionErrorCount; both per target group, unlike the ALB's
 * own 5xx counts, which exist only per load balancer). Public services count the method's
 * 5XXError, which on API Gateway REST also counts 5xx the gateway made itself (an authorizer
 * failure): there is no per-method metric of the integration's status alone.
 */
import type { GatewayConfig, HttpMethod } from '../config/schema';
import { compileRouteTable } from '../contract/route-table';
import { AUTHORIZER_SERVICE, METRIC, METRICS_NAMESPACE } from '../observability/metric-names';
import { resiliencePlan } from './resilience-plan';

/** How often the state function reconciles every record with its alarm: the longest a failed or reordered write stays wrong. */
export const RECONCILE_MINUTES = 5;

/**
 * An alarm on metric math may retrieve at most 10 metrics (CloudWatch "Limits that apply to
 * alarms based on metric math expressions": a hard limit), besides up to 10 expressions.
 */
export const MAX_ALARM_METRICS = 10;
/**
 * A public service's method costs four: 5XXError (Sum), IntegrationLatency (SampleCount and PR),
 * and the authorizer's Shed count of the method (a shed request is a 503 in 5XXError too,
 * decision 0023, and counted as a failure it would keep the breaker open for ever).
 */
export const METRICS_PER_METHOD = 4;
/** So one alarm judges at most 2 methods; a service with more gets one alarm per 2 and a composite. */
export const METHODS_PER_ALARM = Math.floor(MAX_ALARM_METRICS / METRICS_PER_METHOD);

/** The thresholds of one breaker, defaults filled in (lib/resilience/resilience-plan.ts). */
export interface BreakerJudgement {
  readonly windowSeconds: number;
  readonly failureRatePercent: number;
  readonly slowCallRatePercent: number;
  /** A call that takes longer than this is slow. */
  readonly slowCallMs: number;
  readonly minimumCalls: number;
  /** Calls a window needs to clear the alarm: min(half_open_calls, minimum_calls). */
  readonly trialCalls: number;
}

/** An API Gateway method, as its per-method metrics name it (dimensions Resource and Method). */
export interface BreakerMethod {
  readonly resourcePath: string;
  readonly httpMethod: HttpMethod;
}

/** One metric alarm of a public service: up to {@link METHODS_PER_ALARM} of its methods. */
export interface BreakerAlarmPart {
  readonly alarmName: string;
  readonly methods: readonly BreakerMethod[];
}

export type BreakerSource =
  /** A private service: its target group on the internal ALB. */
  | { readonly kind: 'target_group' }
  /**
   * A public service: the API methods only it answers. With one part, `alarmName` is that part's
   * metric alarm; with several, `alarmName` is a composite that is in ALARM while any part is. Each
   * part judges its own methods against the service's thresholds and minimum calls, so calls
   * spread thinly over many methods trip the breaker later than one alarm over all would.
   */
  | { readonly kind: 'api_methods'; readonly parts: readonly BreakerAlarmPart[] };

export interface BreakerAlarmPlan {
  readonly service: string;
  /** The alarm whose state changes the state function receives: `<prefix>-breaker-<service>`. */
  readonly alarmName: string;
  /** The metric alarms that make up its state (itself, or the composite's parts). */
  readonly metricAlarmNames: readonly string[];
  readonly judgement: BreakerJudgement;
  /** wait_seconds in ms: how long an open breaker refuses before trickling. */
  readonly waitMs: number;
  readonly source: BreakerSource;
}

/** `<prefix>-breaker-<service>`: deterministic, so rules and runbooks can name it. */
export function breakerAlarmName(prefix: string, service: string): string {
  return `${prefix}-breaker-${service}`;
}

/** A part of a composite breaker alarm. `.` cannot occur in a service name, so no service's alarm can collide with it. */
export function breakerPartAlarmName(prefix: string, service: string, part: number): string {
  return `${breakerAlarmName(prefix, service)}.part${part}`;
}

/**
 * The breaker alarm of every service with `circuit_breaker.enabled`, in config order. A public
 * service that answers no API method alone (each of its methods is shared with other routes)
 * has no per-method metrics of its own and gets no alarm, so its breaker never opens on AWS.
 * @example breakerAlarmPlans('gatehouse-prod', gateway.config).map((p) => p.alarmName)
 */
export function breakerAlarmPlans(prefix: string, config: GatewayConfig): BreakerAlarmPlan[] {
  const methods = compileRouteTable(config);
  const plans: BreakerAlarmPlan[] = [];
  for (const resilience of resiliencePlan(config).services.values()) {
    const breaker = resilience.breaker;
    const service = config.services.find((s) => s.name === resilience.service);
    if (!breaker || !service) continue;
    const alarmName = breakerAlarmName(prefix, service.name);
    const judgement: BreakerJudgement = {
      windowSeconds: breaker.slidingWindowSize,
      failureRatePercent: breaker.failureRateThreshold,
      slowCallRatePercent: breaker.slowCallRateThreshold,
      slowCallMs: breaker.slowCallDurationThresholdMs,
      minimumCalls: breaker.minimumNumberOfCalls,
      trialCalls: Math.min(resilience.trickleCount, breaker.minimumNumberOfCalls),
    };
    const common = { service: service.name, alarmName, judgement, waitMs: breaker.waitDurationInOpenStateMs };
    if (service.private) {
      plans.push({ ...common, metricAlarmNames: [alarmName], source: { kind: 'target_group' } });
      continue;
    }
    const own = methods.filter((m) => m.directService?.name === service.name).map((m) => ({ resourcePath: m.resourcePath, httpMethod: m.httpMethod }));
    if (own.length === 0) continue;
    const chunks = Array.from({ length: Math.ceil(own.length / METHODS_PER_ALARM) }, (_, i) => own.slice(i * METHODS_PER_ALARM, (i + 1) * METHODS_PER_ALARM));
    const parts = chunks.map((chunk, i) => ({ alarmName: chunks.length === 1 ? alarmName : breakerPartAlarmName(prefix, service.name, i + 1), methods: chunk }));
    plans.push({ ...common, metricAlarmNames: parts.map((p) => p.alarmName), source: { kind: 'api_methods', parts } });
  }
  return plans;
}

/** A metric an alarm expression reads, by its id in the expression. */
export interface BreakerMetric {
  readonly namespace: 'AWS/ApplicationELB' | 'AWS/ApiGateway' | typeof METRICS_NAMESPACE;
  readonly metricName: string;
  readonly statistic: string;
  /** Public services: the method whose dimensions it takes; private ones take the target group's. */
  readonly method?: BreakerMethod;
  /** A Gatehouse metric: the function that emits it (its `service` dimension, Powertools' default). */
  readonly emittedBy?: string;
}

/** The three series every judgement is made of, as metric-math text over the metric ids. */
export interface JudgedSeries {
  readonly metrics: Readonly<Record<string, BreakerMetric>>;
  /** Calls that reached the upstream in the window. */
  readonly calls: string;
  /** Failed calls, % of calls. */
  readonly failedPercent: string;
  /** Calls slower than the slow-call duration, % of calls. */
  readonly slowPercent: string;
}

/** A private service: RequestCount, target 5xx plus connection errors, and TargetResponseTime's rank (in seconds). */
export function targetGroupSeries(j: BreakerJudgement): JudgedSeries {
  const alb = (metricName: string, statistic: string): BreakerMetric => ({ namespace: 'AWS/ApplicationELB', metricName, statistic });
  return {
    metrics: {
      requests: alb('RequestCount', 'Sum'),
      errors: alb('HTTPCode_Target_5XX_Count', 'Sum'),
      refused: alb('TargetConnectionErrorCount', 'Sum'),
      fast: alb('TargetResponseTime', `PR(:${j.slowCallMs / 1000})`),
    },
    calls: 'requests',
    // The error counts exist only for periods with errors (SPARSE in judgedExpression).
    failedPercent: '100 * (FILL(errors, 0) + FILL(refused, 0)) / requests',
    slowPercent: '100 - fast',
  };
}

/**
 * A public service's methods: calls are IntegrationLatency samples (a request shed by the breaker,
 * refused by the authorizer or served from the stage cache never reaches the integration, while
 * the method's Count would count it, and sheds counted as successful calls would close the
 * breaker at once); the fast share is each method's rank weighted by its calls.
 */
export function apiMethodSeries(j: BreakerJudgement, methods: readonly BreakerMethod[]): JudgedSeries {
  if (methods.length < 1 || methods.length > METHODS_PER_ALARM) throw new RangeError(`an alarm judges 1 to ${METHODS_PER_ALARM} methods (${MAX_ALARM_METRICS} metrics), got ${methods.length}`);
  const metrics: Record<string, BreakerMetric> = {};
  methods.forEach((method, i) => {
    metrics[`e${i}`] = { namespace: 'AWS/ApiGateway', metricName: '5XXError', statistic: 'Sum', method };
    metrics[`n${i}`] = { namespace: 'AWS/ApiGateway', metricName: 'IntegrationLatency', statistic: 'SampleCount', method };
    metrics[`f${i}`] = { namespace: 'AWS/ApiGateway', metricName: 'IntegrationLatency', statistic: `PR(:${j.slowCallMs})`, method };
    metrics[`s${i}`] = { namespace: METRICS_NAMESPACE, metricName: METRIC.shed, statistic: 'Sum', method, emittedBy: AUTHORIZER_SERVICE };
  });
  const sum = (terms: string[]) => (terms.length === 1 ? terms[0] : `(${terms.join(' + ')})`);
  // Every input is FILLed: a method idle for a window, or a metric published only when it happens
  // (Shed), must count as none, not drop the whole data point (SPARSE in judgedExpression).
  const calls = sum(methods.map((_, i) => `FILL(n${i}, 0)`));
  return {
    metrics,
    calls,
    failedPercent: `100 * ${sum(methods.map((_, i) => `(FILL(e${i}, 0) - FILL(s${i}, 0))`))} / ${calls}`,
    slowPercent: `100 - ${sum(methods.map((_, i) => `FILL(f${i}, 0) * FILL(n${i}, 0)`))} / ${calls}`,
  };
}

/**
 * The alarm's expression: 1 (trip) or 0 (healthy) on a judged window, no data point otherwise.
 * SPARSE: CloudWatch publishes a count only for a period it happened in (the ALB has no 5xx count
 * without a 5xx), and arithmetic on a series without a value there yields none, so every count but
 * the calls is FILLed with 0 by the series above; a window without calls divides by zero and drops
 * the point, which the condition never selects.
 */
export function judgedExpression(j: BreakerJudgement, s: Pick<JudgedSeries, 'calls' | 'failedPercent' | 'slowPercent'>): string {
  const failed = `(${s.failedPercent})`;
  const slow = `(${s.slowPercent})`;
  const judged = `(${s.calls} >= ${j.minimumCalls})`;
  const cleanTrial = `((${s.calls} >= ${j.trialCalls}) AND (${failed} < ${j.failureRatePercent}) AND (${slow} < ${j.slowCallRatePercent}))`;
  const trips = `((${failed} >= ${j.failureRatePercent}) OR (${slow} >= ${j.slowCallRatePercent}))`;
  return `IF(${judged} OR ${cleanTrial}, ${trips})`;
}
