import { requestedAuthorizerTtl, resourcePathsFor, type ApiMethod } from '../contract/route-table';
import type { AuthStrategy } from './types';
import type { GatewayConfig, HttpMethod } from '../config/schema';

/**
 * One endpoint of the traffic mix: a route's path prefix and HTTP method, with the share of all
 * requests it is assumed to receive and the authorizer cache TTL API Gateway applies to it.
 */
export interface Endpoint {
  readonly route: string;
  readonly path: string;
  readonly httpMethod: HttpMethod;
  /** Share of all requests (the shares of the mix add up to 1). */
  readonly share: number;
  /** Authorizer result cache TTL in seconds, after the route table's forced zeros. */
  readonly ttl: number;
  readonly ttlReason?: string;
  readonly strategies: readonly AuthStrategy[];
}

/**
 * The config has no traffic-mix key, so requests are spread evenly across routes, and within a
 * route evenly across its paths and methods. Routes with header conditions (canaries) are
 * overlays: their requests are a slice of the route they overlay, so they get no share of their
 * own. The TTL of an endpoint is the lowest of its API methods (exact resource and `{proxy+}`).
 */
export function requestMix(config: GatewayConfig, methods: readonly ApiMethod[]): Endpoint[] {
  const overlay = (r: GatewayConfig['routes'][number]) => Object.keys(r.headers).length > 0;
  const routes = config.routes.some((r) => !overlay(r)) ? config.routes.filter((r) => !overlay(r)) : config.routes;
  return routes.flatMap((route) => {
    const pairs = route.paths.flatMap((path) => route.methods.map((httpMethod) => ({ path, httpMethod })));
    return pairs.map(({ path, httpMethod }) => {
      const resources = resourcePathsFor(path);
      const api = methods.filter((m) => m.httpMethod === httpMethod && resources.includes(m.resourcePath));
      const lowest = [...api].sort((a, b) => a.authorizer.ttl - b.authorizer.ttl)[0];
      return {
        route: route.name,
        path,
        httpMethod,
        share: 1 / routes.length / pairs.length,
        ttl: lowest?.authorizer.ttl ?? requestedAuthorizerTtl(route.auth),
        ...(lowest?.authorizer.ttlReason ? { ttlReason: lowest.authorizer.ttlReason } : {}),
        strategies: route.auth.strategies,
      };
    });
  });
}
