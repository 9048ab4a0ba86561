import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { createInteractionHandler, INTERACTION_PATH } from './interactions';
import { hostPort, listen } from './listen';
import type { Seed, SeedClient } from './seed';
import { closeServer } from './upstreams';

/**
 * Issuer name the local gateway adds to the authorizer config (routes accepting `cognito` accept
 * it too; lib/contract/issuers.ts); the seed's OAuth client records are bound to it (local/seed.ts).
 */
export { LOCAL_ISSUER_NAME } from '../lib/contract/issuers';
/** `aud` of the Cognito stand-in's access tokens (its one resource server). */
export const LOCAL_AUDIENCE = 'https://gatehouse.local/api';

export interface LocalIssuer {
  /** The issuer identifier (`iss`), e.g. http://127.0.0.1:8081 */
  readonly url: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  /** `<url>/.well-known/openid-configuration` */
  readonly discovery: string;
  /** `aud` of its access tokens. */
  readonly audience: string;
  /** Its RS256 signing key (private JWK with kid): handed to the next start so issued tokens stay valid (`--watch`). */
  readonly signingKey: SigningKey;
  close(): Promise<void>;
}

/** A private RSA JWK with its kid, as oidc-provider takes it. */
export type SigningKey = Readonly<Record<string, unknown>> & { readonly kid: string };

/** What one local issuer serves: its clients and users, the scopes and audience of its tokens, its claim names. */
export interface LocalIssuerProps {
  /** The seed's clients of this issuer (`oauth_clients[].issuer`). */
  readonly clients: readonly SeedClient[];
  readonly users: Seed['users'];
  /** Every scope a client may ask for besides openid, email, profile and offline_access. */
  readonly scopes: readonly string[];
  /** `aud` of its access tokens. */
  readonly audience: string;
  /** Names of the claims that carry a client's tier, tenant and groups, and the scopes when not `scope`. */
  readonly claims: { readonly tier?: string; readonly tenant?: string; readonly groups: string; readonly scope?: string };
  readonly host: string;
  readonly port: number;
  /** Sign with this key instead of a new one (a reload keeps the tokens it issued valid). */
  readonly signingKey?: SigningKey;
}

/** Where a local issuer serves its JWKS (oidc-provider's `routes.jwks`). */
const JWKS_PATH = '/jwks';

/** The standard scopes every local issuer knows (Cognito's hosted UI knows the first three and phone). */
const OIDC_SCOPES = ['openid', 'email', 'profile', 'phone', 'offline_access'];

/**
 * A local OAuth 2.0 / OpenID Connect issuer (oidc-provider 8, certified): discovery, JWKS,
 * client credentials, authorization code + PKCE (S256 required), refresh tokens. Access tokens
 * are RFC 9068 JWTs (RS256) for `audience` with `scope`, `client_id`, and the seed client's tier,
 * tenant and groups in the claims the config names. The twin runs one as the stand-in for Cognito
 * and one per external issuer the routes use (local/issuers.ts).
 */
export async function startLocalIssuer(props: LocalIssuerProps): Promise<LocalIssuer> {
  const server: Server = createServer();
  await listen(server, 'issuer', props.port, props.host);
  const { port } = server.address() as AddressInfo;
  const url = `http://${hostPort(props.host, port)}`;

  const jwk = props.signingKey ?? newSigningKey();
  const clients = new Map(props.clients.map((c) => [c.client_id, c]));
  const users = new Map(props.users.map((u) => [u.id, u]));
  const resourceScopes = [...new Set([...props.scopes, ...props.clients.flatMap((c) => c.scope.split(' '))])].filter((s) => s && !OIDC_SCOPES.includes(s)).join(' ');
  const tokenClaims = (client: SeedClient, scope: string | undefined): Record<string, unknown> => ({
    ...(props.claims.scope && props.claims.scope !== 'scope' && scope ? { [props.claims.scope]: scope } : {}),
    ...(props.claims.tier ? { [props.claims.tier]: client.tier } : {}),
    ...(client.tenant && props.claims.tenant ? { [props.claims.tenant]: client.tenant } : {}),
    ...(client.groups.length > 0 ? { [props.claims.groups]: client.groups } : {}),
  });

  // The in-memory adapter is what a local issuer wants; its "development-only" notice would only confuse users.
  const restore = { warn: console.warn, info: console.info };
  console.warn = console.info = () => {};
  let provider: Provider;
  try {
  provider = new Provider(url, {
    clients: props.clients.map((c) => ({
      client_id: c.client_id,
      ...(c.client_secret ? { client_secret: c.client_secret } : { token_endpoint_auth_method: 'none' }),
      grant_types: c.grant_types,
      response_types: c.grant_types.includes('authorization_code') ? ['code'] : [],
      redirect_uris: c.redirect_uris,
      ...(c.scope ? { scope: c.scope } : {}),
    })),
    jwks: { keys: [jwk] },
    scopes: [...OIDC_SCOPES, ...resourceScopes.split(' ').filter(Boolean)],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    pkce: { methods: ['S256'], required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A resource indicator must be an absolute URI; the token's aud is the configured audience.
        defaultResource: () => LOCAL_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: resourceScopes, audience: props.audience, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    findAccount: (_ctx: unknown, id: string) => {
      const user = users.get(id);
      return user ? { accountId: id, claims: () => ({ sub: id, email: user.email, email_verified: true }) } : undefined;
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string; scope?: string }) => {
      const client = token.clientId ? clients.get(token.clientId) : undefined;
      return client ? tokenClaims(client, token.scope) : undefined;
    },
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: 3600, AccessToken: 3600, ClientCredentials: 3600, AuthorizationCode: 60, RefreshToken: 86_400, Session: 3600, Interaction: 600, Grant: 86_400 },
    cookies: { keys: [randomUUID()] },
    // The issuer listens on loopback http only; oidc-provider would refuse http redirect URIs otherwise.
    enabledJWA: { authorizationSigningAlgValues: ['RS256'], idTokenSigningAlgValues: ['RS256'] },
    routes: { jwks: JWKS_PATH },
    renderError: (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(out);
    },
  });
  } finally {
    Object.assign(console, restore);
  }
  provider.on('server_error', () => { /* surfaced to the client as a JSON error */ });
  const callback = provider.callback();

  // The login page (local/login-page.ts) at the interaction URL; everything else is oidc-provider's.
  const interactions = createInteractionHandler({ provider, users: props.users, issuer: url });
  server.on('request', (req, res) => {
    if (INTERACTION_PATH.test(req.url ?? '')) interactions(req, res);
    else callback(req, res);
  });

  return {
    url, tokenEndpoint: `${url}/token`, jwksUri: `${url}${JWKS_PATH}`, discovery: `${url}/.well-known/openid-configuration`,
    audience: props.audience, signingKey: jwk, close: () => closeServer(server),
  };
}

function newSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: `local-${randomUUID().slice(0, 8)}`, alg: 'RS256', use: 'sig' };
}
