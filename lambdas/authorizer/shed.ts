import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { REASON, SHED_RESULT_KEY, type ShedReason } from '../../lib/contract/authorizer-context';
import type { BreakerLimitDecision } from '../../lib/resilience/breaker-decision';
import type { Shed } from '../../lib/resilience/resilience-plan';
import type { Identity } from './access';
import type { AuthorizerConfig } from './config';
import type { Outcome } from './outcome';
import { policy } from './policy';

/** Why and for how long a request is shed, when it is. */
export interface ShedDecision {
  readonly reason: ShedReason;
  readonly retryAfterSeconds: number;
}

/** The maintenance step: a route in maintenance (its own or its service's) is shed before the limiter counts it. */
export function maintenanceOf(config: Pick<AuthorizerConfig, 'maintenance'>, routeName: string): ShedDecision | undefined {
  const shed: Shed | undefined = config.maintenance[routeName];
  return shed && { reason: REASON.maintenance, retryAfterSeconds: shed.retryAfterSeconds };
}

/**
 * The breaker's part of the limiter's decision: shed when the breaker refused (open, half-open
 * without a trial call left, or forced open by an operator), with its Retry-After.
 */
export function breakerShed(decision: BreakerLimitDecision): ShedDecision | undefined {
  const verdict = decision.breaker;
  if (!verdict || verdict.admitted) return undefined;
  if (verdict.state === 'forced_open') {
    return { reason: REASON.maintenance, retryAfterSeconds: decision.retryAfterSeconds };
  }
  return { reason: REASON.circuitOpen, retryAfterSeconds: decision.retryAfterSeconds };
}

/** Where a shed request was going: its route and the API method API Gateway matched. */
export interface ShedAt {
  readonly route: { readonly name: string; readonly service: string };
  readonly apiMethod: { readonly resource: string; readonly method: string };
}

/**
 * What a shed request's authorizer result looks like: a Deny whose context carries the decision as
 * an object. API Gateway takes flat context values only, so it rejects the result and answers
 * AUTHORIZER_CONFIGURATION_ERROR, rendered 503 + Retry-After (lib/contract/responses.ts, decision
 * 0023); the Deny means an API Gateway that accepted it would still refuse, never admit.
 */
export interface ShedResult extends Omit<APIGatewayAuthorizerResult, 'context'> {
  readonly context: { readonly [SHED_RESULT_KEY]: { readonly reason: ShedReason; readonly retryAfterSeconds: number } };
}

/**
 * A shed request's result (above), typed as the result the Authorize signature promises: only
 * API Gateway's check (and the twin's) looks inside. `report` is told first; the authorizer's log
 * and metrics carry the reason.
 */
export function shedResult(shed: ShedDecision, identity: Identity, at: ShedAt, resourceArn: string, report: (outcome: Outcome) => void): APIGatewayAuthorizerResult {
  report({ effect: 'shed', reason: shed.reason, route: at.route.name, upstream: at.route.service, apiMethod: at.apiMethod, tier: identity.tier.name, credential: identity.kind });
  const deny = policy('Deny', identity.principal, resourceArn, {});
  const result: ShedResult = { ...deny, context: { [SHED_RESULT_KEY]: { reason: shed.reason, retryAfterSeconds: Math.max(1, Math.ceil(shed.retryAfterSeconds)) } } };
  return result as unknown as APIGatewayAuthorizerResult;
}
