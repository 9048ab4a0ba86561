import type { GatewayEnvironment } from '../config/environments';
import type { PlanAssumptions } from './assumptions';
import type { Finding } from './finding';
import { fmt, pct } from './format-number';
import type { RouteLimits } from './limits-per-route';
import { planCore, type CorePlan } from './plan-core';
import { approximate, withRouteLimits } from './route-limits';

/** A warning that exact limits can cause: when it holds, and the figure that shows it. */
interface Overrun {
  readonly code: string;
  readonly holds: (p: CorePlan) => boolean;
  readonly value: (p: CorePlan) => string;
  readonly unit: string;
  /** Said before the advice when the warning is about something limits do not change (then no "or"). */
  readonly lead?: string;
}

const peakExecutions = (p: CorePlan) => fmt(Math.ceil(p.concurrency.peak));

const OVERRUNS: readonly Overrun[] = [
  { code: 'authorizer-concurrency', holds: (p) => p.concurrency.peak > p.concurrency.reserved, value: peakExecutions, unit: 'concurrent executions at peak' },
  {
    // The reservation is sized from traffic.peak_rps whatever the limits, so approximate does not
    // lower it: this only advises when the executions themselves exceed what one account can reserve.
    code: 'account-concurrency',
    holds: (p) => p.concurrency.peak > p.concurrency.maxReservable,
    value: peakExecutions,
    unit: 'concurrent executions at peak',
    lead: 'the executions themselves are over it too, whatever the reservation (sized from traffic.peak_rps): ',
  },
  { code: 'latency-budget', holds: (p) => p.latency.findings.some((f) => f.severity === 'warning'), value: (p) => `${p.latency.gatewayMs} ms`, unit: 'of the p99 in the gateway' },
];

/**
 * Adds the fix to the warnings the exact default can cause (authorizer concurrency over the
 * reservation or over what the account can reserve, a p99 that leaves the upstream too little).
 * The exact routes that save the most invocations are switched to approximate one at a time,
 * each step re-planned, until the warning clears: the clause names those routes and the figure
 * they reach, or says what stays when every route that can cache does.
 */
export function adviseExactLimits(findings: readonly Finding[], gateway: Pick<GatewayEnvironment, 'config' | 'env' | 'profile'>,
  asConfigured: CorePlan, routes: readonly RouteLimits[], a: PlanAssumptions): Finding[] {
  const exact = routes.filter((r) => r.limits === 'exact');
  if (exact.length === 0) return [...findings];
  // Highest saving first; ties keep config order (sort is stable).
  const candidates = exact
    .filter((r) => r.approximatePeakInvocationsPerSecond < r.exactPeakInvocationsPerSecond)
    .sort((x, y) => saved(y) - saved(x));
  const uncached = stillUncached(routes);
  const planSwitching = (switched: readonly RouteLimits[]) => planCore({
    ...gateway,
    config: withRouteLimits(gateway.config, (r) => {
      const choice = switched.find((s) => s.route === r.name || s.sharesMethodsWith.includes(r.name));
      return choice ? approximate(choice.approximateCacheTtl) : undefined;
    }).config,
  }, a);
  return findings.map((f) => {
    const overrun = OVERRUNS.find((o) => o.code === f.code);
    if (f.severity !== 'warning' || !overrun || !overrun.holds(asConfigured)) return f;
    const advice = (clause: string) => ({ ...f, message: `${f.message}; ${overrun.lead ?? ''}${clause}` });
    if (candidates.length === 0) return advice(`\`limits: approximate\` cannot help: ${uncached ?? 'no exact route would cache'}`);
    let n = 0;
    let p: CorePlan;
    do {
      n += 1;
      p = planSwitching(candidates.slice(0, n));
    } while (overrun.holds(p) && n < candidates.length);
    const figure = `${overrun.value(p)} ${overrun.unit} (${overrun.value(asConfigured)} as configured)`;
    return overrun.holds(p)
      ? advice(`\`limits: approximate\` on every route that can cache (${names(candidates)}) would still leave ${figure}${uncached ? `, because ${uncached} (${pct(p.authorizer.peak.uncachedShare, 1)} of requests)` : ''}`)
      : advice(`${overrun.lead ? '' : 'or '}set \`limits: approximate\` on ${names(candidates.slice(0, n))}: ${figure}`);
  });
}

const saved = (r: RouteLimits) => r.exactPeakInvocationsPerSecond - r.approximatePeakInvocationsPerSecond;
const names = (rs: readonly RouteLimits[]) => rs.map((r) => (r.sharesMethodsWith.length ? `${r.route} (with ${r.sharesMethodsWith.join(', ')}, on its methods)` : r.route)).join(', ');

/** "partner-reports, ledger-internal and status stay uncached", for the routes approximate cannot cache. */
function stillUncached(routes: readonly RouteLimits[]): string | undefined {
  const left = routes.filter((r) => r.uncachedWhenApproximate !== undefined).map((r) => r.route);
  if (left.length === 0) return undefined;
  const list = left.length === 1 ? left[0] : `${left.slice(0, -1).join(', ')} and ${left[left.length - 1]}`;
  return `${list} ${left.length === 1 ? 'stays' : 'stay'} uncached`;
}
