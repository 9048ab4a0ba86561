import * as client from 'openid-client';

/** openid-client 6 against the local issuer (run in a worker thread: openid-client is ESM-only). */
export interface FlowArgs {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly scope: string;
  readonly redirectUri?: string;
  /** Which seed user the local issuer signs in (id or email); the first one otherwise. */
  readonly loginHint?: string;
}

export interface FlowTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly refreshedAccessToken?: string;
  readonly idTokenSub?: string;
  readonly scope?: string;
}

async function discover(args: FlowArgs): Promise<client.Configuration> {
  return client.discovery(new URL(args.issuer), args.clientId, args.clientSecret, args.clientSecret ? client.ClientSecretBasic(args.clientSecret) : client.None(), {
    execute: [client.allowInsecureRequests],
  });
}

export async function clientCredentials(args: FlowArgs): Promise<FlowTokens> {
  const config = await discover(args);
  const tokens = await client.clientCredentialsGrant(config, { scope: args.scope });
  return { accessToken: tokens.access_token, scope: tokens.scope };
}

/** Authorization code + PKCE (S256), following the issuer's redirects like a browser, then a refresh. */
export async function authorizationCodeWithPkce(args: FlowArgs): Promise<FlowTokens> {
  const config = await discover(args);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  let location = client.buildAuthorizationUrl(config, {
    redirect_uri: args.redirectUri!, scope: args.scope, state, prompt: 'consent',
    ...(args.loginHint ? { login_hint: args.loginHint } : {}),
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }).href;
  const cookies = new Map<string, string>();
  for (let hop = 0; hop < 10 && !location.startsWith(args.redirectUri!); hop++) {
    const res = await fetch(location, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const next = res.headers.get('location');
    if (!next) throw new Error(`no redirect from ${location}: ${res.status} ${await res.text()}`);
    location = new URL(next, location).href;
  }
  const tokens = await client.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier, expectedState: state });
  const refreshed = tokens.refresh_token ? await client.refreshTokenGrant(config, tokens.refresh_token) : undefined;
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    refreshedAccessToken: refreshed?.access_token,
    idTokenSub: tokens.claims()?.sub,
    scope: tokens.scope,
  };
}
