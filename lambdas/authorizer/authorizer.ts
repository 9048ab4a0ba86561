import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { RouteMatch } from '../../lib/contract/route-match';
import { REASON } from '../../lib/contract/authorizer-context';
import { RateLimiterUnavailableError } from '../../lib/rate-limit/rate-limiter';
import { decideCanary, requireAccess, type Identity } from './access';
import { createAuthenticate } from './authenticate';
import type { AuthorizerConfig } from './config';
import type { ConsumerStore } from './consumer-store';
import { AuthenticationError, Denied, unauthorized } from './errors';
import { createLimit, type BreakerRateLimiter } from './limit';
import type { Outcome } from './outcome';
import { deniedPolicy, limitedPolicy } from './policy';
import { readRequest, singleHeader, type RequestFacts } from './request';
import type { RouteConfig } from '../../lib/config/schema';
import { compileRouting, requireServed } from './routing';
import { breakerShed, maintenanceOf, shedResult, type ShedAt } from './shed';
import type { TokenVerifier } from './token-verifier';

export type { Outcome } from './outcome';

export interface AuthorizerDeps {
  readonly config: AuthorizerConfig;
  readonly tokens: TokenVerifier;
  readonly consumers: ConsumerStore;
  readonly limiter: BreakerRateLimiter;
  /** Cognito app client id -> client name (inverse of COGNITO_CLIENT_IDS). */
  readonly cognitoClientNames?: Readonly<Record<string, string>>;
  /** @default () => Date.now() */
  readonly clock?: () => number;
  /** Called once per decision, synchronously, with the event it decides (the local gateway matches the two up). */
  readonly onOutcome?: (outcome: Outcome, event: APIGatewayRequestAuthorizerEvent) => void;
}

/** A shed request's result is one API Gateway rejects on purpose (./shed.ts), typed as a result all the same. */
export type Authorize = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/**
 * The REQUEST authorizer's decision as named steps, each in its own module: route
 * (./routing.ts: the candidates, the mTLS-domain rule), authenticate (./authenticate.ts, one
 * credential kind per module), canary (./access.ts), route choice (./routing.ts: the host claim),
 * access (./access.ts), maintenance and the breaker (./shed.ts), limit (./limit.ts) and policy
 * (./policy.ts). Resolves to an Allow or Deny
 * policy, or rejects with exactly `Error('Unauthorized')` (401); a consumer store failure rejects
 * with ConsumerStoreError (500: never silently allowed). Assembled with its caches by
 * `buildAuthorizer` (./build-authorizer.ts).
 */
export function createAuthorizer(deps: AuthorizerDeps): Authorize {
  const { config } = deps;
  const clock = deps.clock ?? (() => Date.now());
  // Everything that depends on the config alone is computed here, once per execution environment.
  const routeCandidates = compileRouting(config);
  const authenticate = createAuthenticate(config, deps, clock);
  const limit = createLimit(config, deps.limiter);
  const canaryHeader = config.canary.header.toLowerCase();

  return async (event) => {
    const report = (outcome: Outcome) => deps.onOutcome?.(outcome, event);
    let facts: RequestFacts | undefined;
    let identity: Identity | undefined;
    let route: RouteMatch | undefined;
    try {
      facts = readRequest(event);
      const candidates = routeCandidates(event, facts);
      identity = await authenticate(candidates.auth, facts);
      const canary = decideCanary(identity, singleHeader(facts, canaryHeader), config.canary.percentage);
      route = canary ? candidates.canary : candidates.stable;
      requireServed(route, candidates, facts);
      requireAccess(route.route, identity, route.wildcardLabel, config.apiKeys.header);
      // Maintenance sheds before the limiter, so a request that cannot be served counts nowhere.
      const maintenance = maintenanceOf(config, route.route.name);
      if (maintenance) return shedResult(maintenance, identity, shedAtOf(route.route, event, facts), facts.apiResourceArn, report);
      let decision;
      try {
        decision = await limit(identity, route.route);
      } catch (err) {
        // Fail closed: an authorizer failure is never cached by API Gateway and is answered 503
        // with Retry-After (the AUTHORIZER_FAILURE gateway response), so clients are served as
        // soon as Redis is back. A cached Deny would replay for cache_ttl.
        if (err instanceof RateLimiterUnavailableError) {
          report({ effect: 'unavailable', reason: REASON.limiterUnavailable, route: route.route.name, tier: identity.tier.name, credential: identity.kind });
        }
        throw err;
      }
      const shed = breakerShed(decision);
      if (shed) return shedResult(shed, identity, shedAtOf(route.route, event, facts), facts.apiResourceArn, report);
      return limitedPolicy(config, facts.apiResourceArn, route.route, identity, canary, decision, clock(), report);
    } catch (err) {
      if (err instanceof Denied && facts) {
        report({ effect: 'deny', reason: err.reason, route: route?.route.name, tier: identity?.tier.name, credential: identity?.kind });
        return deniedPolicy(err, identity, facts.apiResourceArn);
      }
      if (err instanceof AuthenticationError || err instanceof Denied) {
        report({ effect: 'unauthorized', reason: err.reason, route: route?.route.name });
        throw unauthorized();
      }
      throw err;
    }
  };
}

/** Where a shed request was going (built only when one is shed, not on every request). */
function shedAtOf(route: RouteConfig, event: APIGatewayRequestAuthorizerEvent, facts: RequestFacts): ShedAt {
  return { route, apiMethod: { resource: event.resource, method: facts.method } };
}
