import type { GatewayEnvironment } from '../lib/config/environments';
import { toAuthorizerConfig, type AuthorizerConfig } from '../lambdas/authorizer/config';
import { COGNITO_ISSUER_NAME } from '../lib/contract/issuers';
import { LOCAL_AUDIENCE, LOCAL_ISSUER_NAME, startLocalIssuer, type LocalIssuer, type SigningKey } from './oidc-issuer';
import type { Seed } from './seed';

/**
 * The OAuth issuers of the twin: `local`, the stand-in for Cognito (Cognito cannot run on a
 * laptop), and one stand-in per external issuer the config's routes use (its real IdP is not
 * reachable, or would not issue tokens to a demo client). Each is a real OIDC issuer on its own
 * port whose clients are the seed's clients of that issuer.
 */
export interface LocalIssuers {
  /** The stand-in for Cognito, when the config has Cognito or the seed has clients of `local`. */
  readonly cognito?: LocalIssuer;
  /** Stand-in by external issuer name (identity.issuers[].name). */
  readonly standIns: Readonly<Record<string, LocalIssuer>>;
  close(): Promise<void>;
}

/**
 * What a restart of the twin keeps of its issuers (`--watch`): each one's port and signing key by
 * name (`local` for the Cognito stand-in), so its `iss` and its tokens stay valid.
 */
export type IssuerContinuity = Readonly<Record<string, { readonly port: number; readonly signingKey: SigningKey }>>;

/** The continuity of running issuers, for the next start. */
export function issuerContinuity(issuers: Pick<LocalIssuers, 'cognito' | 'standIns'>): IssuerContinuity {
  const entries = [...(issuers.cognito ? [[LOCAL_ISSUER_NAME, issuers.cognito] as const] : []), ...Object.entries(issuers.standIns)];
  return Object.fromEntries(entries.map(([name, i]) => [name, { port: Number(new URL(i.url).port), signingKey: i.signingKey }]));
}

/**
 * Starts the issuers: the Cognito stand-in on `port` (0: any free port), the external stand-ins
 * on free ports. Scopes are the config's (Cognito resource servers; the routes' scopes of each
 * external issuer) plus what the seed's clients ask for.
 */
export async function startLocalIssuers(gateway: GatewayEnvironment, seed: Seed, host: string, port: number, previous: IssuerContinuity = {}): Promise<LocalIssuers> {
  const { config } = gateway;
  const started: LocalIssuer[] = [];
  const close = async () => { for (const i of started.reverse()) await i.close().catch(() => undefined); };
  try {
    const clientsOf = (issuer: string) => seed.oauth_clients.filter((c) => c.issuer === issuer);
    let cognito: LocalIssuer | undefined;
    if (config.identity.cognito || clientsOf(LOCAL_ISSUER_NAME).length > 0) {
      cognito = await startLocalIssuer({
        clients: clientsOf(LOCAL_ISSUER_NAME), users: seed.users,
        scopes: (config.identity.cognito?.resource_servers ?? []).flatMap((rs) => rs.scopes.map((s) => `${rs.identifier}/${s.name}`)),
        audience: LOCAL_AUDIENCE, claims: COGNITO_STAND_IN_CLAIMS, host,
        port: previous[LOCAL_ISSUER_NAME]?.port ?? port, signingKey: previous[LOCAL_ISSUER_NAME]?.signingKey,
      });
      started.push(cognito);
    }
    const standIns: Record<string, LocalIssuer> = {};
    for (const issuer of usedExternalIssuers(gateway)) {
      standIns[issuer.name] = await startLocalIssuer({
        clients: clientsOf(issuer.name), users: seed.users,
        scopes: config.routes.filter((r) => r.auth.issuers.includes(issuer.name)).flatMap((r) => r.auth.scopes),
        audience: issuer.audiences[0], claims: { tier: issuer.tier_claim, tenant: issuer.tenant_claim, groups: 'groups', scope: issuer.scope_claim }, host,
        port: previous[issuer.name]?.port ?? 0, signingKey: previous[issuer.name]?.signingKey,
      });
      started.push(standIns[issuer.name]);
    }
    return { cognito, standIns, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The claims the Cognito stand-in puts its clients' tier and tenant in (Cognito's come from the client record). */
const COGNITO_STAND_IN_CLAIMS = { tier: 'tier', tenant: 'tenant', groups: 'cognito:groups' } as const;

/** External issuers that at least one JWT route accepts. */
export function usedExternalIssuers(gateway: GatewayEnvironment): GatewayEnvironment['config']['identity']['issuers'] {
  const used = new Set(gateway.config.routes.filter((r) => r.auth.strategies.includes('jwt')).flatMap((r) => r.auth.issuers));
  return gateway.config.identity.issuers.filter((i) => used.has(i.name));
}

/**
 * The authorizer's config with the local issuers trusted: routes that accept Cognito tokens also
 * accept the Cognito stand-in's, whose tokens go through the external-issuer path (issuer,
 * audience, JWKS, tier and tenant claims) with the Cognito client settings (`cognitoStandIn`);
 * an external issuer keeps its name, audiences and claims, and its `iss` and JWKS become its
 * stand-in's.
 */
export function localAuthorizerConfig(gateway: GatewayEnvironment, issuers?: Pick<LocalIssuers, 'cognito' | 'standIns'>): AuthorizerConfig {
  const base = toAuthorizerConfig(gateway);
  if (!issuers) return base;
  const external = base.issuers.map((i) => {
    const standIn = issuers.standIns[i.name];
    return standIn ? { ...i, issuer: standIn.url, jwks_uri: standIn.jwksUri } : i;
  });
  const cognito = issuers.cognito;
  if (!cognito) return { ...base, issuers: external };
  return {
    ...base,
    cognitoStandIn: LOCAL_ISSUER_NAME,
    issuers: [...external, {
      name: LOCAL_ISSUER_NAME, issuer: cognito.url, audiences: [cognito.audience], jwks_uri: cognito.jwksUri,
      scope_claim: 'scope', tier_claim: COGNITO_STAND_IN_CLAIMS.tier, tenant_claim: COGNITO_STAND_IN_CLAIMS.tenant, rate_limit_by: 'user',
    }],
    routes: base.routes.map((r) => (r.auth.issuers.includes(COGNITO_ISSUER_NAME)
      ? { ...r, auth: { ...r.auth, issuers: [...r.auth.issuers, LOCAL_ISSUER_NAME] } }
      : r)),
  };
}
