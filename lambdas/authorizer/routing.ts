import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { REASON } from '../../lib/contract/authorizer-context';
import { compileHostClaim, compileRouteCandidates, type RouteCandidatesMatcher, type RouteMatch } from '../../lib/contract/route-match';
import { methodKey, routesByMethod } from '../../lib/contract/route-table';
import type { AuthorizerConfig } from './config';
import { AuthenticationError, Denied } from './errors';
import type { RequestFacts } from './request';

/**
 * The route step, in two halves around authentication: {@link RouteCandidates} before it (which
 * route authenticates the caller), {@link requireServed} once the canary decision picked the
 * candidate (whether it may serve the request). Both are pure, the matchers compiled once.
 */

/** The routes that may serve the request; `auth` is the one whose credentials are checked. */
export interface Candidates {
  readonly stable?: RouteMatch;
  readonly canary?: RouteMatch;
  readonly auth: RouteMatch;
  /** The request came in on `domains.mtls` (see {@link onMtlsDomain}). */
  readonly mtlsDomain: boolean;
  /** Whether a route with hosts claims the request's host (see {@link requireServed}). */
  readonly hostClaimed: HostClaim;
}

export type HostClaim = (headers: RequestFacts['headers']) => boolean;

export type RouteCandidates = (event: APIGatewayRequestAuthorizerEvent, facts: RequestFacts) => Candidates;

/**
 * Compiles the route step from the config, once per execution environment. One matcher per API
 * Gateway method, over the routes that own it: a request can only reach a route whose method API
 * Gateway chose (by path alone), never a host or header route that owns other resources
 * (docs/decisions/0014-routes-bound-to-methods.md).
 */
export function compileRouting(config: AuthorizerConfig): RouteCandidates {
  const byMethod = new Map<string, RouteCandidatesMatcher>();
  for (const [key, { routes }] of routesByMethod(config.routes)) {
    byMethod.set(key, compileRouteCandidates(routes, { canaryHeader: config.canary.header }));
  }
  const hostClaimed = compileHostClaim(config.routes);
  return (event, facts) => {
    const mtlsDomain = onMtlsDomain(config.mtlsDomain, event);
    // The mTLS domain is exempt from the origin guard (its clients cannot come through
    // CloudFront), so it must prove itself here: a verified client certificate, mtls routes only.
    if (mtlsDomain && !facts.clientCert) throw new AuthenticationError(REASON.certMissing, 'the mTLS domain needs a client certificate');
    // One pass over the routes gives the stable and the canary candidate; authentication uses
    // the stable one (else the canary one), the canary decision then picks between them.
    const matcher = byMethod.get(methodKey(event.httpMethod, event.resource));
    if (!matcher) throw new Denied(REASON.noRoute, 'no route owns this API method');
    const { stable, canary } = matcher(facts);
    const auth = stable ?? canary;
    if (!auth) throw noMatch();
    return { stable, canary, auth, mtlsDomain, hostClaimed };
  };
}

/** Whether API Gateway received the request on the environment's mTLS domain (`mtlsDomain`, lower case). */
export function onMtlsDomain(mtlsDomain: string | undefined, event: APIGatewayRequestAuthorizerEvent): boolean {
  return mtlsDomain !== undefined && String(event.requestContext?.domainName ?? '').toLowerCase() === mtlsDomain;
}

/**
 * Refuses the candidate the canary decision picked unless it serves the request: a route without
 * hosts does not serve a host that another route claims; on the mTLS domain only mtls routes serve.
 */
export function requireServed(route: RouteMatch | undefined, { mtlsDomain, hostClaimed }: Candidates, facts: RequestFacts): asserts route is RouteMatch {
  if (!route) throw noMatch();
  if (route.route.hosts.length === 0 && hostClaimed(facts.headers)) throw new Denied(REASON.noRoute, 'this path is not served on this host');
  if (mtlsDomain && !route.route.auth.strategies.includes('mtls')) throw new Denied(REASON.noRoute, 'only mtls routes are served on the mTLS domain');
}

function noMatch(): Denied {
  return new Denied(REASON.noRoute, 'no route matches this request');
}
