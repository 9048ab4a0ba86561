import type { RetrySettings } from '../../lib/config/resilience-schema';
import type { RouteResilience } from '../../lib/resilience/resilience-plan';
import { OVERSIZED_RESPONSE, type IntegrationResult } from './integration';
import type { ServiceUpstream, UpstreamExchange } from './service-upstream';

/**
 * The twin's retries of a route's idempotent methods (`routes[].retries`, docs/local-gateway.md).
 * A twin-only feature: API Gateway REST and the ALB never retry an integration, so deployed the
 * same request is answered by its first try, and clients retry with the Retry-After they get.
 */

export type RetryPlan = NonNullable<RouteResilience['retries']>;

/** Statuses worth another instance: the ones a gateway or an overloaded instance answers (RFC 9110 15.6). */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * Whether another try may succeed where this one failed: no connection, a timeout, or 502-504.
 * Not a 500 (the instance ran the request and failed: a retry repeats the failure) and not an
 * answer over the 10 MB limit (every try would be).
 */
export function retryable(result: IntegrationResult): boolean {
  if (!result.ok) return result.cause !== OVERSIZED_RESPONSE;
  return RETRIED_STATUSES.has(result.statusCode);
}

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): the wait before retry
 * `n` (1, 2, ...) is a whole number of ms drawn uniformly from [0, min(max_delay_ms,
 * base_delay_ms x 2^(n-1))], so clients that failed together do not retry together.
 */
export function backoffMs(n: number, settings: Pick<RetrySettings, 'base_delay_ms' | 'max_delay_ms'>, random: () => number = Math.random): number {
  const cap = Math.min(settings.max_delay_ms, settings.base_delay_ms * 2 ** (n - 1));
  return Math.min(cap, Math.floor(random() * (cap + 1)));
}

export interface RetryDeps {
  /** @default Math.random */
  readonly random?: () => number;
  /** Real time, like the timeout (a test's manual clock does not move by itself). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => { setTimeout(resolve, ms); });

/**
 * The exchange tried up to `1 + plan.attempts` times, each try on the pool's next pick (so a
 * retry can reach a healthy instance), with a backoff before each retry; answers the last try.
 * The route's timeout bounds each try, so a request whose every try times out is answered after
 * at most (1 + attempts) x timeout_ms plus the backoffs. `log.upstreamTries` counts the tries.
 */
export async function callWithRetries(upstream: Pick<ServiceUpstream, 'call'> & Partial<Pick<ServiceUpstream, 'breakerClosed'>>, exchange: UpstreamExchange, plan: RetryPlan, log: { upstreamTries?: number }, deps: RetryDeps = {}): Promise<IntegrationResult> {
  let result = await upstream.call(exchange);
  let tries = 1;
  // No retry once the breaker left CLOSED (Resilience4j's retry around a breaker stops there too):
  // retrying a service judged unhealthy only adds to its load.
  while (tries <= plan.attempts && retryable(result) && (upstream.breakerClosed?.() ?? true)) {
    await (deps.sleep ?? realSleep)(backoffMs(tries, plan, deps.random));
    result = await upstream.call(exchange);
    tries += 1;
  }
  log.upstreamTries = tries;
  return result;
}
