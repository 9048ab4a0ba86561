import type { Reason } from '../../lib/contract/authorizer-context';
import type { Identity } from './access';

/** What happened, for metrics and the one log line per request (no credentials, no PII). */
export interface Outcome {
  /**
   * `unavailable`: a dependency failed (Redis with fault_tolerant false): API Gateway answers 503,
   * never cached. `shed`: the route's service is in maintenance or its breaker is open: 503 with
   * Retry-After (AUTHORIZER_CONFIGURATION_ERROR, decision 0023); the upstream is not called.
   */
  readonly effect: 'allow' | 'deny' | 'unauthorized' | 'unavailable' | 'shed';
  readonly reason?: Reason;
  readonly route?: string;
  readonly tier?: string;
  readonly credential?: Identity['kind'];
  /** The route's service (`services[].name`), for a shed request. */
  readonly upstream?: string;
  /**
   * The API method of a shed request, as API Gateway's per-method metrics name it (the event's
   * `resource` and `httpMethod`): a public service's breaker alarm subtracts these 503s from the
   * method's 5XXError (lib/resilience/breaker-alarm-plan.ts).
   */
  readonly apiMethod?: { readonly resource: string; readonly method: string };
  /** The limiter was unavailable and fault_tolerant admitted the request. */
  readonly limiterDegraded?: boolean;
}
