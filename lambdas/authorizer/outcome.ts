import type { Reason } from '../../lib/contract/authorizer-context';
import type { Identity } from './access';

/** What happened, for metrics and the one log line per request (no credentials, no PII). */
export interface Outcome {
  /** `unavailable`: a dependency failed (Redis with fault_tolerant false): API Gateway answers 503, never cached. */
  readonly effect: 'allow' | 'deny' | 'unauthorized' | 'unavailable';
  readonly reason?: Reason;
  readonly route?: string;
  readonly tier?: string;
  readonly credential?: Identity['kind'];
  /** The limiter was unavailable and fault_tolerant admitted the request. */
  readonly limiterDegraded?: boolean;
}
