import type { GatewayConfig } from '../lib/config/schema';
import { COGNITO_ISSUER_NAME } from '../lib/contract/issuers';
import { loadSeed, parseSeed, type Seed } from './seed';

/**
 * The demo consumers of a config that comes without a seed file: what a newcomer needs to call
 * every kind of route the config has, derived from the config alone and the same on every run
 * (the secrets are fixed strings: they only exist on this machine).
 *
 * - an API key per tier (`ghk_local_<tier>_000...`, consumer `demo-<tier>`), when a route takes
 *   API keys, plus a revoked one, and one of tenant `acme` when a route has wildcard hosts;
 * - every Cognito machine client as a client credentials client of the local issuer, with its
 *   scopes and tier (secret `local-<name>-client-secret`);
 * - every Cognito public client as an authorization code + PKCE client of the local issuer, with
 *   its callback URLs and scopes (no secret), and two demo users;
 * - a client credentials client `demo-canary-tester` allowed to use the canary, when a route
 *   selects the canary by header;
 * - for each external issuer the routes use, a client credentials client `demo-<issuer>` of its
 *   local stand-in, with the tier in the issuer's tier claim and the groups its routes require.
 *
 * mTLS is not emulated locally: no client certificate is derived.
 */
export function deriveDemoSeed(config: GatewayConfig): Seed {
  const cognito = config.identity.cognito;
  const routes = config.routes;
  const tiers = config.tiers.map((t) => t.name);
  const takesApiKeys = routes.some((r) => r.auth.strategies.includes('api_key'));
  const tenantRoutes = routes.filter((r) => r.hosts.some((h) => h.startsWith('*.')));
  const canaryRoutes = routes.filter((r) => Object.keys(r.headers).some((h) => h.toLowerCase() === config.canary.header.toLowerCase()));
  const cognitoScopes = (cognito?.resource_servers ?? []).flatMap((rs) => rs.scopes.map((s) => `${rs.identifier}/${s.name}`));

  const apiKeys: Seed['api_keys'] = [];
  if (takesApiKeys) {
    for (const tier of tiers) apiKeys.push(demoApiKey(`demo-${tier}`, tier, { key: demoKey(tier) }));
    apiKeys.push(demoApiKey('demo-revoked', tiers[0], { key: demoKey('revoked'), status: 'revoked' }));
    if (tenantRoutes.some((r) => r.auth.strategies.includes('api_key'))) {
      apiKeys.push(demoApiKey('acme-integration', tiers[0], { key: demoKey('tenant_acme'), tenant: DEMO_TENANT }));
    }
  }

  const clients: Record<string, unknown>[] = [];
  for (const c of cognito?.machine_clients ?? []) {
    clients.push({ client_id: c.name, client_secret: demoClientSecret(c.name), grant_types: ['client_credentials'], scope: c.scopes.join(' '), tier: c.tier ?? tiers[0] });
  }
  for (const c of cognito?.public_clients ?? []) {
    clients.push({
      client_id: c.name, grant_types: ['authorization_code', 'refresh_token'], redirect_uris: c.callback_urls,
      scope: c.scopes.join(' '), tier: c.tier ?? tiers[0],
      // Cognito users belong to no tenant; a tenant route's users get theirs from the client record.
      ...(tenantRoutes.some((r) => r.auth.issuers.includes(COGNITO_ISSUER_NAME)) ? { tenant: DEMO_TENANT } : {}),
    });
  }
  const cognitoCanaryRoutes = canaryRoutes.filter((r) => r.auth.strategies.includes('jwt') && r.auth.issuers.includes(COGNITO_ISSUER_NAME));
  if (cognitoCanaryRoutes.length > 0) {
    const scopes = [...new Set(cognitoCanaryRoutes.flatMap((r) => r.auth.scopes))].filter((s) => cognitoScopes.includes(s));
    const tenanted = cognitoCanaryRoutes.some((r) => r.hosts.length > 0);
    clients.push({
      client_id: DEMO_CANARY_CLIENT, client_secret: demoClientSecret(DEMO_CANARY_CLIENT), grant_types: ['client_credentials'],
      scope: scopes.join(' '), tier: tiers[0], canary: true, ...(tenanted ? { tenant: DEMO_TENANT } : {}),
    });
  }
  for (const issuer of config.identity.issuers) {
    const used = routes.filter((r) => r.auth.strategies.includes('jwt') && r.auth.issuers.includes(issuer.name));
    if (used.length === 0) continue;
    const name = `demo-${issuer.name}`;
    clients.push({
      client_id: name, client_secret: demoClientSecret(name), grant_types: ['client_credentials'], issuer: issuer.name,
      scope: [...new Set(used.flatMap((r) => r.auth.scopes))].join(' '), tier: tiers[0],
      groups: [...new Set(used.flatMap((r) => r.auth.groups))],
    });
  }
  const users = (cognito?.public_clients.length ?? 0) > 0 ? DEMO_USERS : [];

  // Through the seed parser: a derived seed obeys every rule a written one does.
  return parseSeed(JSON.stringify({ api_keys: apiKeys, oauth_clients: clients, users }), '(derived from the config)', {
    tiers, issuers: config.identity.issuers.map((i) => i.name),
  });
}

/** The tenant of the derived tenant consumers; call tenant routes with Host `acme.<domain>`. */
export const DEMO_TENANT = 'acme';
export const DEMO_CANARY_CLIENT = 'demo-canary-tester';
const DEMO_USERS = [
  { id: 'demo-user', email: 'demo.user@example.com' },
  { id: 'demo-user-2', email: 'second.user@example.com' },
];

/** `ghk_local_<name>_` padded with zeros to 31 characters (the pattern of local/seed.yaml). */
export function demoKey(name: string): string {
  const prefix = `ghk_local_${name}_`;
  return prefix.length >= 31 ? prefix : prefix.padEnd(31, '0');
}

export function demoClientSecret(clientId: string): string {
  return `local-${clientId}-client-secret`;
}

function demoApiKey(consumer: string, tier: string, extra: { key: string; status?: 'revoked'; tenant?: string }): Seed['api_keys'][number] {
  return { consumer, tier, status: 'active', allowed_cidrs: [], canary: false, ...extra };
}

/** The demo consumers the twin serves, and where they came from (for the banner). */
export interface DemoSeed {
  readonly seed: Seed;
  /** `seed file <path>` or `derived from the config`. */
  readonly source: string;
}

/**
 * `--seed FILE` when given (validated against the config: tiers and issuers), otherwise the
 * consumers derived from the config ({@link deriveDemoSeed}).
 */
export function demoSeedFor(config: GatewayConfig, file?: string): DemoSeed {
  if (file === undefined) return { seed: deriveDemoSeed(config), source: 'derived from the config' };
  const seed = loadSeed(file, { tiers: config.tiers.map((t) => t.name), issuers: config.identity.issuers.map((i) => i.name) });
  return { seed, source: `seed file ${file}` };
}
