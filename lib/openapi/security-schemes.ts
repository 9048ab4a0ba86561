/**
 * How a consumer authenticates, as OpenAPI security schemes: the API key header, OAuth 2.0 with
 * the Cognito hosted domain's endpoints and scopes (client credentials for machine clients,
 * authorization code with PKCE for public clients), a bearer JWT per external issuer, and mutual
 * TLS on domains.mtls. A route's security lists its strategies as alternatives (any one
 * suffices), the route's scopes on each OAuth requirement.
 */
import type { EnvironmentConfig, GatewayConfig, RouteConfig } from '../config/schema';
import { COGNITO_ISSUER_NAME } from '../contract/issuers';

export type SecurityScheme = Record<string, unknown>;
export type SecurityRequirement = Record<string, string[]>;

export const API_KEY_SCHEME_NAME = 'apiKey';
export const MTLS_SCHEME_NAME = 'mutualTLS';
export const COGNITO_SCHEME_NAME = 'cognito';
const issuerSchemeName = (issuer: string) => `issuer-${issuer}`;

/** The hosted domain's base URL (token, authorize), when the pool has one. */
export function cognitoDomainUrl(config: GatewayConfig, env: EnvironmentConfig): string | undefined {
  const prefix = config.identity.cognito?.domain_prefix;
  return prefix ? `https://${prefix}.auth.${env.region}.amazoncognito.com` : undefined;
}

export function securitySchemes(config: GatewayConfig, env: EnvironmentConfig): Record<string, SecurityScheme> {
  const schemes: Record<string, SecurityScheme> = {};
  const used = new Set(config.routes.flatMap((r) => r.auth.strategies));
  if (used.has('api_key')) {
    schemes[API_KEY_SCHEME_NAME] = { type: 'apiKey', in: 'header', name: config.identity.api_keys.header, description: 'An API key issued to your consumer (see "Getting credentials").' };
  }
  if (used.has('mtls')) {
    schemes[MTLS_SCHEME_NAME] = { type: 'mutualTLS', description: `A client certificate issued by the organization's CA, presented on ${env.domains.mtls ?? 'the mTLS domain'}.` };
  }
  const jwtIssuers = new Set(config.routes.filter((r) => r.auth.strategies.includes('jwt')).flatMap((r) => r.auth.issuers));
  const cognito = config.identity.cognito;
  if (cognito && jwtIssuers.has(COGNITO_ISSUER_NAME)) schemes[COGNITO_SCHEME_NAME] = cognitoScheme(config, env);
  for (const issuer of config.identity.issuers) {
    if (!jwtIssuers.has(issuer.name)) continue;
    schemes[issuerSchemeName(issuer.name)] = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: `A JWT issued by ${issuer.issuer} (audience ${issuer.audiences.join(' or ')}).` };
  }
  return schemes;
}

function cognitoScheme(config: GatewayConfig, env: EnvironmentConfig): SecurityScheme {
  const cognito = config.identity.cognito!;
  const scopes = Object.fromEntries(cognito.resource_servers.flatMap((rs) => rs.scopes.map((s) => [`${rs.identifier}/${s.name}`, s.description])));
  const base = cognitoDomainUrl(config, env);
  if (!base) return { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token of the Cognito user pool (no hosted domain is configured).' };
  const flows: Record<string, unknown> = {};
  if (cognito.machine_clients.length > 0) flows.clientCredentials = { tokenUrl: `${base}/oauth2/token`, scopes };
  if (cognito.public_clients.length > 0) {
    const userScopes = Object.fromEntries(cognito.public_clients.flatMap((c) => c.scopes).map((s) => [s, scopes[s] ?? `OpenID Connect scope ${s}`]));
    flows.authorizationCode = { authorizationUrl: `${base}/oauth2/authorize`, tokenUrl: `${base}/oauth2/token`, scopes: { ...scopes, ...userScopes } };
  }
  if (Object.keys(flows).length === 0) flows.clientCredentials = { tokenUrl: `${base}/oauth2/token`, scopes };
  return { type: 'oauth2', description: 'OAuth 2.0 access tokens of the Cognito user pool (client credentials for servers; authorization code with PKCE for apps).', flows };
}

/** A route's requirements: one alternative per strategy (and issuer); `{}` when anonymous calls are allowed. */
export function routeSecurity(route: RouteConfig): SecurityRequirement[] {
  const { strategies, issuers, scopes } = route.auth;
  const out: SecurityRequirement[] = [];
  for (const strategy of strategies) {
    if (strategy === 'api_key') out.push({ [API_KEY_SCHEME_NAME]: [] });
    else if (strategy === 'mtls') out.push({ [MTLS_SCHEME_NAME]: [] });
    else if (strategy === 'none') out.push({});
    else for (const issuer of issuers) out.push({ [issuer === COGNITO_ISSUER_NAME ? COGNITO_SCHEME_NAME : issuerSchemeName(issuer)]: [...scopes] });
  }
  return out;
}
