import { fmt, pct, rate, usd } from './format-number';
import type { EnvironmentPlan } from './plan';
import type { Section } from './plan-sections';

/** What `limits: approximate` trades for its savings, printed under the comparison. */
export const APPROXIMATE_TRADE_OFF = 'Approximate gives up exact counting: a request answered from the authorizer cache never reaches the limiter, '
  + 'so a tier limit holds per cache entry (credential, viewer IP, method, path) per cache_ttl instead of per consumer, '
  + 'and a cached 429 is replayed until the entry expires.';

/** The exact vs approximate sections: every route each way, then each route on its own. */
export function limitsSections(p: EnvironmentPlan): Section[] {
  const { modes, routes } = p.limitsComparison;
  const uncached = routes.filter((r) => r.uncachedWhenApproximate !== undefined);
  return [
    {
      title: 'Exact vs approximate tier limits (peak)',
      table: {
        headers: ['limits', 'authorizer invocations/s', 'requests counted', 'Redis limiter calls/s', 'authorizer concurrency', 'p99 in the gateway', 'USD/month', 'USD per million'],
        numeric: [1, 2, 3, 4, 5, 6, 7],
        rows: modes.map((m) => [
          m.label,
          rate(m.peakInvocationsPerSecond),
          pct(m.countedShare, 1),
          p.redis.enabled ? rate(m.peakRedisCallsPerSecond) : 'none (local limits)',
          `${rate(m.peakConcurrency)} of ${fmt(m.reservedConcurrency)} reserved`,
          `${m.p99GatewayMs} of ${m.p99TargetMs} ms`,
          usd(m.monthlyUsd),
          usd(m.perMillionUsd),
        ]),
      },
      lines: [
        APPROXIMATE_TRADE_OFF,
        'The approximate rows set every route to limits: approximate with that cache_ttl; methods the route table or the config rules keep uncached stay at 0'
          + (uncached.length ? `: ${uncached.map((r) => r.route).join(', ')} (reasons below).` : ' (none here).'),
      ],
    },
    {
      title: 'Exact vs approximate, route by route (peak)',
      table: {
        headers: ['route', 'as configured', 'req/s', 'invocations/s exact', 'invocations/s approximate', 'cache_ttl', 'approximate saves', 'why approximate still invokes the authorizer'],
        numeric: [2, 3, 4, 5, 6],
        rows: routes.map((r) => [
          r.sharesMethodsWith.length ? `${r.route} (+ ${r.sharesMethodsWith.join(', ')})` : r.route,
          r.limits,
          rate(r.peakRequestsPerSecond),
          rate(r.exactPeakInvocationsPerSecond),
          rate(r.approximatePeakInvocationsPerSecond),
          // A route approximate cannot cache runs at TTL 0 whatever it asks for.
          `${r.uncachedWhenApproximate === undefined ? r.approximateCacheTtl : 0} s`,
          `${usd(r.approximateSavesUsd)}/month`,
          r.uncachedWhenApproximate ?? '',
        ]),
      },
      lines: ['Each route switched on its own (with any route on the same API methods, shown as +: a method has one authorizer cache), the others as configured; the saving is on the whole monthly bill.'],
    },
  ];
}
