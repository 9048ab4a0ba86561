import * as client from 'openid-client';

/** openid-client 6 against the local issuer (run in a worker thread: openid-client is ESM-only). */
export interface FlowArgs {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly scope: string;
  readonly redirectUri?: string;
  /** Sent as `login_hint`: the login page prefills the username with it. */
  readonly loginHint?: string;
  /** Typed into the login page's username field; the prefilled value (from loginHint) otherwise. */
  readonly username?: string;
  /** Typed into the login page's password field (authorization code only). */
  readonly password?: string;
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

/**
 * Authorization code + PKCE (S256) as a browser runs it: follows the issuer's redirects with its
 * cookies, fills in and submits the login page's form (local/login-page.ts), then a refresh.
 */
export async function authorizationCodeWithPkce(args: FlowArgs): Promise<FlowTokens> {
  const config = await discover(args);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const start = client.buildAuthorizationUrl(config, {
    redirect_uri: args.redirectUri!, scope: args.scope, state, prompt: 'consent',
    ...(args.loginHint ? { login_hint: args.loginHint } : {}),
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }).href;
  const browser = cookieJarFetch();
  let res = await browser.follow(start, args.redirectUri!);
  if (!res.url.startsWith(args.redirectUri!)) {
    const form = loginForm(res.html, res.url);
    const username = args.username ?? form.fields.get('username') ?? '';
    const body = new URLSearchParams({ ...Object.fromEntries(form.fields), username, password: args.password ?? '' });
    res = await browser.follow(form.action, args.redirectUri!, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    if (!res.url.startsWith(args.redirectUri!)) throw new Error(`the login page did not sign ${username} in: ${res.status} ${res.html}`);
  }
  const location = res.url;
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

interface Page { readonly url: string; readonly status: number; readonly html: string }

/** fetch with a cookie jar that follows redirects by hand until `stopAt` (the client's redirect URI, which nobody serves). */
function cookieJarFetch(): { follow(url: string, stopAt: string, init?: RequestInit): Promise<Page> } {
  const cookies = new Map<string, string>();
  return {
    async follow(url, stopAt, init = {}) {
      let location = url;
      let request = init;
      for (let hop = 0; hop < 10; hop++) {
        if (location.startsWith(stopAt)) return { url: location, status: 302, html: '' };
        const res = await fetch(location, { ...request, redirect: 'manual', headers: { ...request.headers as Record<string, string>, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const eq = pair.indexOf('=');
          cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        const next = res.headers.get('location');
        if (!next) return { url: location, status: res.status, html: await res.text() };
        location = new URL(next, location).href;
        request = {}; // 303: the next hop is a GET
      }
      throw new Error(`more than 10 redirects from ${url}`);
    },
  };
}

/** The login page's form: its action and the values of its inputs (a prefilled username included). */
function loginForm(html: string, pageUrl: string): { action: string; fields: Map<string, string> } {
  const form = /<form[^>]*\saction="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`expected the login page at ${pageUrl}, got: ${html.slice(0, 500)}`);
  const fields = new Map<string, string>();
  for (const input of form[2].matchAll(/<input\b[^>]*>/g)) {
    const name = /\sname="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields.set(name, unescapeHtml(/\svalue="([^"]*)"/.exec(input[0])?.[1] ?? ''));
  }
  return { action: new URL(unescapeHtml(form[1]), pageUrl).href, fields };
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}
