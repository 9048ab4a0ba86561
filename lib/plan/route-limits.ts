import { checkConfig } from '../checks/check-config';
import type { GatewayConfig, RouteConfig } from '../config/schema';

/** A route's `auth.limits` in a what-if: exact, or approximate with an authorizer cache TTL. */
export type LimitsChoice = { readonly limits: 'exact' } | { readonly limits: 'approximate'; readonly cacheTtl: number };

export const EXACT: LimitsChoice = { limits: 'exact' };
export const approximate = (cacheTtl: number): LimitsChoice => ({ limits: 'approximate', cacheTtl });

/** A route a what-if could not change, and the config rule that refused the change. */
export interface RouteKeptAsWritten {
  readonly route: string;
  readonly rule: string;
}

export interface WhatIfConfig {
  readonly config: GatewayConfig;
  readonly keptAsWritten: readonly RouteKeptAsWritten[];
}

/**
 * The config with `choose(route)` applied to each route's auth (`undefined` keeps the route as
 * written). A choice the config rules refuse on a route (checkConfig, the rules every entry
 * point applies: e.g. a route accepting both jwt and api_key cannot cache the authorizer) is not
 * made there, so a what-if never plans a config that could not be deployed. The route table then
 * forces its own zeros (anonymous, mTLS, header routes, mixed auth) when planCore compiles it.
 */
export function withRouteLimits(config: GatewayConfig, choose: (route: RouteConfig) => LimitsChoice | undefined): WhatIfConfig {
  const changed = config.routes.map((route) => {
    const choice = choose(route);
    return choice ? { ...route, auth: authWith(route.auth, choice) } : route;
  });
  const refused = new Map<number, string>();
  for (const problem of checkConfig({ ...config, routes: changed })) {
    const [list, index = -1, key] = problem.key;
    if (list !== 'routes' || key !== 'auth' || typeof index !== 'number') continue;
    if (index >= 0 && changed[index] !== config.routes[index] && !refused.has(index)) refused.set(index, ruleOf(problem.message));
  }
  return {
    config: { ...config, routes: changed.map((route, i) => (refused.has(i) ? config.routes[i] : route)) },
    keptAsWritten: [...refused].map(([i, rule]) => ({ route: config.routes[i].name, rule })),
  };
}

function authWith(auth: RouteConfig['auth'], choice: LimitsChoice): RouteConfig['auth'] {
  if (choice.limits === 'approximate') return { ...auth, limits: 'approximate', cache_ttl: choice.cacheTtl };
  // limits: exact takes no cache_ttl (the config rules refuse one above 0).
  const { cache_ttl: _ignored, ...rest } = auth;
  return { ...rest, limits: 'exact' };
}

/**
 * Config problems read "<rule> (<why>): <how to fix it>"; a what-if only reports the rule.
 */
const ruleOf = (message: string) => message.split(/ \(|: /)[0];
