import type { GatewayEnvironment } from '../lib/config/load';
import type { Seed } from './seed';
import type { LocalGateway } from './server';

/** The demo credentials as JSON (`--print-credentials`), for scripts. */
export interface DemoCredentials {
  readonly gateway: string;
  readonly environment: string;
  readonly issuer?: { readonly url: string; readonly tokenEndpoint: string; readonly discovery: string; readonly audience: string };
  readonly apiKeys: readonly { readonly key: string; readonly consumer: string; readonly tier: string; readonly tenant?: string; readonly status: string; readonly allowedCidrs: readonly string[] }[];
  readonly oauthClients: readonly { readonly clientId: string; readonly clientSecret?: string; readonly grantTypes: readonly string[]; readonly scope: string; readonly tier: string; readonly canary: boolean; readonly redirectUris: readonly string[] }[];
  readonly upstreams: Readonly<Record<string, string>>;
  /** Paths of the config's routes the printed commands call (GET; `{param}` filled with 1). */
  readonly demoPaths: DemoPaths;
}

/** One route of each kind the printed commands show, from the config (absent: that command is not printed). */
export interface DemoPaths {
  readonly apiKey?: string;
  readonly jwt?: string;
  readonly canary?: string;
  readonly tenant?: { readonly path: string; readonly host: string };
}

/** Picks, from the config's routes, a GET path for each kind of demo call. */
export function demoPaths(gateway: GatewayEnvironment): DemoPaths {
  const { routes, canary } = gateway.config;
  const get = routes.filter((r) => r.methods.includes('GET'));
  const plain = get.filter((r) => r.hosts.length === 0 && Object.keys(r.headers).length === 0);
  const samplePath = (path: string) => path.replace(/\{[^}+]+\+?\}/g, '1');
  const apiKey = plain.find((r) => r.auth.strategies.includes('api_key'));
  const jwt = plain.find((r) => r.auth.strategies.includes('jwt') && r.auth.issuers.includes('cognito'));
  const canaryRoute = get.find((r) => r.hosts.length === 0 && Object.keys(r.headers).some((h) => h.toLowerCase() === canary.header.toLowerCase()));
  const tenant = get.find((r) => r.hosts.some((h) => h.startsWith('*.')));
  return {
    apiKey: apiKey && samplePath(apiKey.paths[0]),
    jwt: jwt && samplePath(jwt.paths[0]),
    canary: canaryRoute && samplePath(canaryRoute.paths[0]),
    tenant: tenant && { path: samplePath(tenant.paths[0] === '/' ? '/orders/42' : tenant.paths[0]), host: tenant.hosts.find((h) => h.startsWith('*.'))! },
  };
}

export function demoCredentials(local: LocalGateway, seed: Seed, gateway: GatewayEnvironment): DemoCredentials {
  return {
    gateway: local.url,
    environment: gateway.name,
    issuer: local.issuer ? { url: local.issuer.url, tokenEndpoint: local.issuer.tokenEndpoint, discovery: `${local.issuer.url}/.well-known/openid-configuration`, audience: 'https://gatehouse.local/api' } : undefined,
    apiKeys: seed.api_keys.map((k) => ({ key: k.key, consumer: k.consumer, tier: k.tier, tenant: k.tenant, status: k.status, allowedCidrs: k.allowed_cidrs })),
    oauthClients: seed.oauth_clients.map((c) => ({ clientId: c.client_id, clientSecret: c.client_secret, grantTypes: c.grant_types, scope: c.scope, tier: c.tier, canary: c.canary, redirectUris: c.redirect_uris })),
    upstreams: local.upstreams,
    demoPaths: demoPaths(gateway),
  };
}

/** Ready-to-paste curl commands for the printed credentials (bash; `jq` not needed). */
export function curlExamples(c: DemoCredentials): string {
  const free = c.apiKeys.find((k) => k.tier === 'free' && k.status === 'active' && !k.tenant && k.allowedCidrs.length === 0);
  const tenantKey = c.apiKeys.find((k) => k.tenant && k.status === 'active');
  const machine = c.oauthClients.find((o) => o.grantTypes.includes('client_credentials') && !o.canary);
  const canary = c.oauthClients.find((o) => o.grantTypes.includes('client_credentials') && o.canary);
  const lines = [`Gatehouse local gateway (${c.environment}) on ${c.gateway}` + (c.issuer ? `, OAuth issuer on ${c.issuer.url}` : ''), ''];
  const paths = c.demoPaths;
  if (free && paths.apiKey) {
    lines.push(`# API key call (consumer ${free.consumer}, tier ${free.tier})`, `curl -s ${c.gateway}${paths.apiKey} -H 'x-api-key: ${free.key}'`, '');
  }
  const tokenCmd = (o: { clientId: string; clientSecret?: string; scope: string }) =>
    `TOKEN=$(curl -s ${c.issuer!.tokenEndpoint} -u '${o.clientId}:${o.clientSecret}' -d grant_type=client_credentials -d 'scope=${o.scope}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`;
  if (c.issuer && machine && paths.jwt) {
    lines.push(`# OAuth client credentials (client ${machine.clientId}, tier ${machine.tier}), then a bearer call`, tokenCmd(machine), `curl -s ${c.gateway}${paths.jwt} -H "Authorization: Bearer $TOKEN"`, '');
  }
  if (c.issuer && canary && paths.canary) {
    lines.push(`# Canary: only consumers allowed to use it reach the canary route with x-canary: true (client ${canary.clientId})`, tokenCmd(canary).replace('TOKEN=', 'CANARY_TOKEN='), `curl -s ${c.gateway}${paths.canary} -H "Authorization: Bearer $CANARY_TOKEN" -H 'x-canary: true'`, '');
  }
  if (tenantKey && paths.tenant) {
    lines.push(`# Host-based tenant (consumer ${tenantKey.consumer} of tenant ${tenantKey.tenant})`, `curl -s ${c.gateway}${paths.tenant.path} -H 'Host: ${paths.tenant.host.replace('*', tenantKey.tenant!)}' -H 'x-api-key: ${tenantKey.key}'`, '');
  }
  lines.push(`# All demo credentials as JSON: npx tsx local/main.ts --print-credentials`, `# Request log: one JSON line per request on stdout. Stop with Ctrl-C.`);
  return lines.join('\n');
}
