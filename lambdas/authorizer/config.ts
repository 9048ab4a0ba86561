import type { GatewayEnvironment } from '../../lib/config/environments';
import type { GatewayConfig } from '../../lib/config/schema';
import { cognitoIssuerType, type CognitoIssuerType } from '../../lib/contract/issuers';
import { tierUsageKey } from '../../lib/contract/usage-keys';
import { resiliencePlan, type Shed } from '../../lib/resilience/resilience-plan';

/**
 * What the authorizer needs from the gateway config, JSON-serializable. The API stack bakes it
 * into the bundle at build time (esbuild `define` of process.env.GATEHOUSE_AUTHORIZER_CONFIG);
 * the local gateway passes it in directly. Deployment values (table name, Redis endpoint,
 * Cognito ids) come from environment variables instead.
 */
export interface AuthorizerConfig {
  readonly environment: string;
  readonly routes: GatewayConfig['routes'];
  readonly tiers: GatewayConfig['tiers'];
  readonly rateLimiting: GatewayConfig['rate_limiting'];
  readonly canary: GatewayConfig['canary'];
  readonly issuers: GatewayConfig['identity']['issuers'];
  readonly apiKeys: GatewayConfig['identity']['api_keys'];
  readonly mtls: GatewayConfig['identity']['mtls'];
  /** Cognito machine/public client name -> tier, for OAuth clients without a consumer record. */
  readonly cognitoClientTiers: Readonly<Record<string, string>>;
  /** Cognito public clients whose users share one budget (`rate_limit_by: client`). */
  readonly cognitoClientsLimitedByClient: readonly string[];
  /**
   * The issuer whose tokens stand in for Cognito's, with the Cognito client names as client ids:
   * the local twin's issuer (Cognito cannot run locally). Its clients follow the Cognito settings.
   */
  readonly cognitoStandIn?: string;
  /**
   * The issuer type of the Cognito pool (lib/contract/issuers.ts), whose JWKS the authorizer loads
   * at init; absent without identity.cognito.
   */
  readonly cognitoIssuerType?: CognitoIssuerType;
  /** Tier name -> usage plan API key value (returned as usageIdentifierKey). */
  readonly usageKeys: Readonly<Record<string, string>>;
  readonly truncateClientIp: boolean;
  /**
   * `domains.mtls` of the environment, lower case: requests API Gateway received on it must carry
   * a verified client certificate and may only reach mtls routes.
   */
  readonly mtlsDomain?: string;
  /** Service name -> trial calls per half-open period of its breaker; a service without a breaker is absent. */
  readonly breakers: Readonly<Record<string, { readonly trickleCount: number }>>;
  /** Route name -> the 503 of its maintenance (the route's own, else its service's); routes in service are absent. */
  readonly maintenance: Readonly<Record<string, Shed>>;
}

export function toAuthorizerConfig(gateway: GatewayEnvironment): AuthorizerConfig {
  const { config } = gateway;
  const cognito = config.identity.cognito;
  const resilience = resiliencePlan(config);
  const clientTiers: Record<string, string> = {};
  for (const c of [...(cognito?.machine_clients ?? []), ...(cognito?.public_clients ?? [])]) {
    if (c.tier) clientTiers[c.name] = c.tier;
  }
  return {
    environment: gateway.name,
    routes: config.routes,
    tiers: config.tiers,
    rateLimiting: config.rate_limiting,
    canary: config.canary,
    issuers: config.identity.issuers,
    apiKeys: config.identity.api_keys,
    mtls: config.identity.mtls,
    cognitoClientTiers: clientTiers,
    cognitoClientsLimitedByClient: (cognito?.public_clients ?? []).filter((c) => c.rate_limit_by === 'client').map((c) => c.name),
    cognitoIssuerType: cognito ? cognitoIssuerType(gateway.env) : undefined,
    usageKeys: Object.fromEntries(config.tiers.map((t) => [t.name, tierUsageKey(gateway, t.name)])),
    truncateClientIp: gateway.profile.truncateClientIp,
    mtlsDomain: gateway.env.domains.mtls?.toLowerCase(),
    breakers: Object.fromEntries([...resilience.services.values()].filter((s) => s.breaker).map((s) => [s.service, { trickleCount: s.trickleCount }])),
    maintenance: Object.fromEntries([...resilience.routes.values()].flatMap((r) => (r.maintenance ? [[r.route, r.maintenance]] : []))),
  };
}
