import type { GatewayEnvironment } from '../lib/config/environments';
import type { RouteConfig } from '../lib/config/schema';
import { COGNITO_ISSUER_NAME, LOCAL_ISSUER_NAME } from '../lib/contract/issuers';
import type { Seed, SeedClient } from './seed';
import { userPassword } from './user-passwords';

/** One call the printed block makes: a route of the config with a credential of the seed. */
export interface DemoCall {
  readonly route: string;
  readonly method: 'GET';
  readonly path: string;
  /** `Host` for a route with wildcard hosts (tenant `<tenant>.<domain>`). */
  readonly host?: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A group of calls made with one credential, printed under one comment. */
export interface DemoStep {
  readonly comment: string;
  /** A client credentials token fetched first (`$TOKEN_n`), when the calls need one. */
  readonly token?: { readonly variable: string; readonly issuer: string; readonly clientId: string; readonly clientSecret: string; readonly scope: string };
  /**
   * A user's token (`$USER_TOKEN_n`) from the authorization code flow with PKCE, signed in on the
   * issuer's login page as a browser would (cookies, the form, the redirects), when the calls need one.
   */
  readonly signIn?: { readonly variable: string; readonly issuer: string; readonly clientId: string; readonly redirectUri: string; readonly scope: string; readonly username: string; readonly password: string };
  readonly calls: readonly DemoCall[];
}

export interface DemoPlan {
  readonly steps: readonly DemoStep[];
  /** Routes no printed call reaches, each with why (mTLS, POST only, needs a user's sign-in). */
  readonly notCovered: readonly { readonly route: string; readonly why: string }[];
}

/**
 * The calls `npm start` prints for the config it serves: every GET route the seed has a
 * credential for, each reached once, grouped by credential: anonymous, an API key, each client
 * credentials client (of the Cognito stand-in or an external issuer's stand-in), the canary
 * tester, a demo user of each public client (signed in through the login page); what cannot be
 * called from a shell line is listed with the reason.
 */
export function planDemoCalls(gateway: GatewayEnvironment, seed: Seed): DemoPlan {
  const { config } = gateway;
  const covered = new Set<string>();
  const steps: DemoStep[] = [];
  const canaryHeader = config.canary.header.toLowerCase();
  const isCanary = (r: RouteConfig) => Object.keys(r.headers).some((h) => h.toLowerCase() === canaryHeader);
  const callable = config.routes.filter((r) => r.methods.includes('GET'));
  const take = (routes: readonly RouteConfig[], headers: (r: RouteConfig) => Record<string, string>, tenant?: string): DemoCall[] =>
    routes.filter((r) => !covered.has(r.name)).flatMap((r) => {
      const call = demoCall(r, headers(r), tenant);
      if (!call) return [];
      covered.add(r.name);
      return [call];
    });

  const anonymous = take(callable.filter((r) => r.auth.strategies.includes('none') && !isCanary(r)), () => ({}));
  if (anonymous.length > 0) steps.push({ comment: 'Anonymous routes (auth: none)', calls: anonymous });

  const keyHeader = config.identity.api_keys.header;
  const activeKeys = seed.api_keys.filter((k) => k.status === 'active' && k.allowed_cidrs.length === 0);
  const plainKey = activeKeys.find((k) => !k.tenant && !k.canary);
  const apiKeyRoutes = callable.filter((r) => r.auth.strategies.includes('api_key') && !isCanary(r));
  if (plainKey) {
    const calls = take(apiKeyRoutes.filter((r) => r.hosts.length === 0), () => ({ [keyHeader]: plainKey.key }));
    const others = activeKeys.filter((k) => k !== plainKey && !k.tenant).map((k) => `${k.tier} ${k.key}`);
    if (calls.length > 0) steps.push({ comment: `API key of consumer ${plainKey.consumer} (tier ${plainKey.tier})${others.length ? `; other tiers: ${others.join(', ')}` : ''}`, calls });
  }
  const tenantKey = activeKeys.find((k) => k.tenant);
  if (tenantKey) {
    const calls = take(apiKeyRoutes.filter((r) => r.hosts.length > 0), () => ({ [keyHeader]: tenantKey.key }), tenantKey.tenant);
    if (calls.length > 0) steps.push({ comment: `Host-based tenant: API key of consumer ${tenantKey.consumer} of tenant ${tenantKey.tenant}`, calls });
  }

  seed.oauth_clients.filter((c) => c.grant_types.includes('client_credentials')).forEach((client) => {
    const routes = callable.filter((r) => acceptsClient(r, client) && isCanary(r) === client.canary);
    const calls = take(routes, (r) => (isCanary(r) ? { [config.canary.header]: r.headers[Object.keys(r.headers).find((h) => h.toLowerCase() === canaryHeader)!] } : {}), client.tenant);
    if (calls.length === 0) return;
    const variable = `TOKEN_${steps.filter((s) => s.token).length + 1}`;
    const issuer = client.issuer === LOCAL_ISSUER_NAME ? 'the local stand-in for Cognito' : `the local stand-in for issuer ${client.issuer}`;
    const what = client.canary ? `Canary (only consumers allowed to use it reach the canary route with ${config.canary.header})` : 'OAuth client credentials';
    steps.push({
      comment: `${what}: client ${client.client_id} (tier ${client.tier}) of ${issuer}`,
      token: { variable, issuer: client.issuer, clientId: client.client_id, clientSecret: client.client_secret ?? '', scope: client.scope },
      calls: calls.map((c) => ({ ...c, headers: { ...c.headers, Authorization: `Bearer $${variable}` } })),
    });
  });

  const user = seed.users[0];
  seed.oauth_clients.filter((c) => c.grant_types.includes('authorization_code') && c.redirect_uris.length > 0 && user).forEach((client) => {
    const routes = callable.filter((r) => acceptsClient(r, client) && !isCanary(r));
    const calls = take(routes, () => ({}), client.tenant);
    if (calls.length === 0) return;
    const variable = `USER_TOKEN_${steps.filter((s) => s.signIn).length + 1}`;
    steps.push({
      comment: `A user's token: authorization code + PKCE for client ${client.client_id} (tier ${client.tier}), user ${user.id} signed in on the login page (open it in a browser: the URL curl follows first)`,
      signIn: { variable, issuer: client.issuer, clientId: client.client_id, redirectUri: client.redirect_uris[0], scope: client.scope, username: user.id, password: userPassword(user) },
      calls: calls.map((c) => ({ ...c, headers: { ...c.headers, Authorization: `Bearer $${variable}` } })),
    });
  });

  const notCovered = config.routes.filter((r) => !covered.has(r.name)).map((r) => ({ route: r.name, why: whyNotCovered(r) }));
  return { steps, notCovered };
}

/** Why a GET route is not called: no demo consumer has a credential it accepts. */
export const NO_DEMO_CONSUMER = 'no demo consumer of the seed can call it';

/** A client credentials client can call a JWT route of its issuer whose scopes and groups it has. */
function acceptsClient(route: RouteConfig, client: SeedClient): boolean {
  if (!route.auth.strategies.includes('jwt')) return false;
  const issuer = client.issuer === LOCAL_ISSUER_NAME ? COGNITO_ISSUER_NAME : client.issuer;
  if (!route.auth.issuers.includes(issuer)) return false;
  const scopes = client.scope.split(' ');
  if (!route.auth.scopes.every((s) => scopes.includes(s))) return false;
  if (route.auth.groups.length > 0 && !route.auth.groups.some((g) => client.groups.includes(g))) return false;
  return route.hosts.length === 0 || client.tenant !== undefined;
}

/** The GET call of a route: its first path with `{param}` filled in, and the tenant's host. */
function demoCall(route: RouteConfig, headers: Record<string, string>, tenant?: string): DemoCall | undefined {
  const wildcard = route.hosts.find((h) => h.startsWith('*.'));
  if (route.hosts.length > 0 && !(wildcard && tenant)) return undefined;
  const path = route.paths[0] === '/' ? '/demo' : route.paths[0].replace(/\{[^}+]+\+?\}/g, '1');
  return { route: route.name, method: 'GET', path, host: wildcard && tenant ? wildcard.replace('*', tenant) : undefined, headers };
}

function whyNotCovered(route: RouteConfig): string {
  const { strategies } = route.auth;
  if (!route.methods.includes('GET')) return `${route.methods.join('/')} only: call it with the body your service expects`;
  if (strategies.length === 1 && strategies[0] === 'mtls') return 'mTLS: client certificates are not emulated by the local gateway';
  return NO_DEMO_CONSUMER;
}
