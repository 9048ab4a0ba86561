import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { LOCAL_LOGIN_LABEL, WRONG_CREDENTIALS } from '../../local/login-page';
import { demoUserPassword } from '../../local/user-passwords';
import { startTestGateway, type TestGateway } from './support/harness';

/** The config's public client (identity.cognito.public_clients), with the scopes it may ask for. */
const CLIENT_ID = 'web-console';
const SCOPE = 'openid email users/read';

/**
 * The client's redirect URI: a tiny server that records what reached it. On a free port (the
 * config's own callback, localhost:3000, may be taken on this machine), so the config's public
 * client gets it as its callback URL through the test overrides. `/cross-site` serves a form that
 * posts to another origin, for the CSRF test.
 */
async function startCallbackServer(): Promise<{ url: string; origin: string; hits: URL[]; close(): Promise<void> }> {
  const hits: URL[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/cross-site') {
      const action = url.searchParams.get('action')!.replace(/"/g, '&quot;');
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<form method="post" action="${action}"><input name="username" value="demo-user"><input name="password" value="${demoUserPassword('demo-user')}"><button>go</button></form>`);
      return;
    }
    if (url.pathname !== '/callback') { res.writeHead(404).end(); return; } // the browser's /favicon.ico
    hits.push(url);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<p id="callback">signed in</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${origin}/callback`, origin, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the login page of the local issuer, in headless Chromium (authorization code + PKCE)', () => {
  let browser: Browser;
  let gw: TestGateway;
  let callback: Awaited<ReturnType<typeof startCallbackServer>>;
  let issuer: { authorization_endpoint: string; token_endpoint: string };
  let context: BrowserContext;
  let page: Page;
  let cspViolations: string[];

  beforeAll(async () => {
    browser = await launchChromium();
    callback = await startCallbackServer();
    gw = await startTestGateway({
      seed: 'derived',
      overrides: { identity: { cognito: { public_clients: [{ name: CLIENT_ID, callback_urls: [callback.url] }] } } },
    });
    issuer = await (await fetch(`${gw.credentials.issuer!.url}/.well-known/openid-configuration`)).json() as typeof issuer;
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await callback?.close();
  });
  beforeEach(async () => {
    callback.hits.length = 0;
    cspViolations = [];
    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
  });
  afterEach(async () => { await context.close(); });

  /** A fresh PKCE pair and state, and the authorize URL of the public client. */
  function authorizeRequest(extra: Record<string, string> = {}) {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const url = new URL(issuer.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: CLIENT_ID, response_type: 'code', redirect_uri: callback.url, scope: SCOPE, state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...extra,
    }).toString();
    return { url: url.href, verifier, state };
  }

  const tokenRequest = async (params: Record<string, string>) => {
    const res = await fetch(issuer.token_endpoint, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT_ID, ...params }) });
    return { status: res.status, body: await res.json() as Record<string, string> };
  };
  const callApi = (token: string) => fetch(`${gw.url}/v2/users`, { headers: { authorization: `Bearer ${token}` } });

  async function signIn(username: string, password: string) {
    await page.fill('#username', username);
    await page.fill('#password', password);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/login')),
      page.click('button[type=submit]'),
    ]);
    return response;
  }

  it('signs a demo user in, exchanges the code with the PKCE verifier, calls the API with the token and refreshes it', async () => {
    const auth = authorizeRequest();
    const shown = await page.goto(auth.url);
    expect(shown!.status()).toBe(200);
    expect(shown!.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; form-action 'self' http:\/\/127\.0\.0\.1:\d+; frame-ancestors 'none'; base-uri 'none'$/);
    expect(await page.textContent('#local-label')).toContain(LOCAL_LOGIN_LABEL);
    expect(await page.textContent('#client')).toBe(CLIENT_ID);
    expect(await page.textContent('#demo-users')).toContain(demoUserPassword('demo-user'));

    await signIn('demo-user', demoUserPassword('demo-user'));
    await page.waitForURL((u) => u.href.startsWith(callback.url));
    expect(await page.textContent('#callback')).toBe('signed in');
    expect(callback.hits).toHaveLength(1);
    const [hit] = callback.hits;
    expect(hit.searchParams.get('state')).toBe(auth.state);
    const code = hit.searchParams.get('code')!;

    const tokens = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: callback.url, code_verifier: auth.verifier });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String) });
    const api = await callApi(tokens.body.access_token);
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ headers: { 'x-gatehouse-principal': 'demo-user', 'x-gatehouse-tier': 'free', 'x-gatehouse-scopes': expect.stringContaining('users/read') } });

    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(tokens.body.access_token);
    expect((await callApi(refreshed.body.access_token)).status).toBe(200);
    expect(cspViolations).toEqual([]);
  });

  it('does not exchange the code without the PKCE verifier it was issued for', async () => {
    const auth = authorizeRequest();
    await page.goto(auth.url);
    await signIn('demo-user', demoUserPassword('demo-user'));
    await page.waitForURL((u) => u.href.startsWith(callback.url));
    const code = callback.hits[0].searchParams.get('code')!;
    const other = randomBytes(32).toString('base64url');
    const refused = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: callback.url, code_verifier: other });
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('shows the form again with 401 and one message for a wrong password and for an unknown user, and does not redirect', async () => {
    await page.goto(authorizeRequest().url);
    const wrong = await signIn('demo-user', 'not-the-password');
    expect(wrong.status()).toBe(401);
    expect(await page.textContent('#error')).toBe(WRONG_CREDENTIALS);
    expect(await page.inputValue('#username')).toBe('demo-user');
    expect(await page.inputValue('#password')).toBe('');

    const unknown = await signIn('nobody@example.com', 'not-the-password');
    expect(unknown.status()).toBe(401);
    expect(await page.textContent('#error')).toBe(WRONG_CREDENTIALS);
    expect(new URL(page.url()).origin).toBe(new URL(issuer.authorization_endpoint).origin);
    expect(callback.hits).toEqual([]);

    // The same page still signs the user in once the password is right.
    await signIn('demo-user', demoUserPassword('demo-user'));
    await page.waitForURL((u) => u.href.startsWith(callback.url));
    expect(callback.hits).toHaveLength(1);
  });

  it('prefills the username from login_hint and accepts the email as the username', async () => {
    await page.goto(authorizeRequest({ login_hint: 'demo-user-2' }).url);
    expect(await page.inputValue('#username')).toBe('demo-user-2');

    const auth = authorizeRequest();
    await page.goto(auth.url);
    await signIn('Second.User@example.com', demoUserPassword('demo-user-2'));
    await page.waitForURL((u) => u.href.startsWith(callback.url));
    const code = callback.hits[0].searchParams.get('code')!;
    const tokens = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: callback.url, code_verifier: auth.verifier });
    const idToken = JSON.parse(Buffer.from(tokens.body.id_token.split('.')[1], 'base64url').toString()) as { sub: string };
    expect(idToken.sub).toBe('demo-user-2');
  });

  it('escapes what it shows back (login_hint markup is text)', async () => {
    await page.goto(authorizeRequest({ login_hint: '"><b id="injected">x</b>' }).url);
    expect(await page.inputValue('#username')).toBe('"><b id="injected">x</b>');
    expect(await page.$('#injected')).toBeNull();
  });

  it('refuses the sign-in form posted from another origin (CSRF) and does not redirect', async () => {
    await page.goto(authorizeRequest().url);
    const action = new URL((await page.getAttribute('form', 'action'))!, page.url()).href;
    await page.goto(`${callback.origin}/cross-site?action=${encodeURIComponent(action)}`);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url() === action), page.click('button')]);
    expect(response.status()).toBe(403);
    expect(await page.textContent('#error')).toBe('The sign-in form was submitted from another site.');
    expect(callback.hits).toEqual([]);
  });
});
