/**
 * `routes[].auth.limits`, as constants without dependencies: the route table (bundled into the
 * authorizer) reads them, and the schema module would pull zod into the bundle.
 */

/** Whether the authorizer result cache may let requests pass the rate limiter uncounted. */
export const RATE_LIMIT_MODES = ['exact', 'approximate'] as const;

/** Authorizer result cache TTL of a route with `limits: approximate` and no `cache_ttl` (API Gateway's own default). */
export const DEFAULT_APPROXIMATE_CACHE_TTL = 300;
