import { createHash } from 'node:crypto';
import { userPassword, type SeedUser } from './user-passwords';

/**
 * The sign-in page of the local issuers: the local stand-in for Cognito's hosted UI. Plain
 * server-rendered HTML, no script, no external asset; every value is escaped. Cognito shows no
 * consent screen to first-party clients, so neither does this page (local/interactions.ts).
 */
export interface LoginPageView {
  /** The interaction uid (oidc-provider): the form posts to `/interaction/<uid>/login`. */
  readonly uid: string;
  readonly clientId: string;
  readonly issuer: string;
  /** Prefilled username: what was typed last, or `login_hint`. */
  readonly username?: string;
  /** Shown above the form (a wrong password, a missing field). */
  readonly error?: string;
  /** The demo users and their passwords, listed on the page (it only runs on this machine). */
  readonly users: readonly SeedUser[];
}

/** The one message for an unknown user and a wrong password (Cognito's), so it reveals neither. */
export const WRONG_CREDENTIALS = 'Incorrect username or password.';
export const MISSING_CREDENTIALS = 'Enter your username (or email) and password.';
/** The label every page carries: nobody should mistake it for a real identity provider. */
export const LOCAL_LOGIN_LABEL = 'LOCAL stand-in for the Amazon Cognito hosted UI';

const STYLE = [
  'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}',
  '.local{background:#fff3cd;border:2px dashed #b58100;padding:.5rem 1rem;font-weight:600}',
  '.error{background:#fde2e1;border-left:4px solid #c0392b;padding:.5rem 1rem}',
  'label{display:block;margin-top:1rem}input{font:inherit;width:100%;box-sizing:border-box;padding:.4rem}',
  'button{font:inherit;margin-top:1rem;padding:.5rem 1.5rem}',
  'table{border-collapse:collapse;margin-top:.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}',
  'code{font-size:.95em}',
].join('');
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/**
 * Response headers of the page. The CSP allows no script and only the inline style above; the
 * form may post to the issuer and, since browsers check `form-action` along the redirect chain
 * the submission starts, redirect to the client's redirect URI (its origin only).
 */
export function loginPageHeaders(redirectUri?: string): Record<string, string> {
  const formAction = ["'self'", ...(redirectUri && URL.canParse(redirectUri) ? [new URL(redirectUri).origin] : [])];
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; form-action ${formAction.join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // Not no-referrer: under it browsers send `Origin: null` with the form POST, which the CSRF check refuses.
    'referrer-policy': 'same-origin',
  };
}

export function renderLoginPage(view: LoginPageView): string {
  const users = view.users.map((u) => `<tr><td><code>${escapeHtml(u.id)}</code></td><td><code>${escapeHtml(u.email)}</code></td><td><code>${escapeHtml(userPassword(u))}</code></td></tr>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in (local) - Gatehouse</title>
<style>${STYLE}</style>
</head>
<body>
<p class="local" id="local-label">${LOCAL_LOGIN_LABEL}. Not Cognito, not a real identity provider: demo users only, served by the Gatehouse twin's issuer at <code>${escapeHtml(view.issuer)}</code>.</p>
<h1>Sign in</h1>
<p>to <strong id="client">${escapeHtml(view.clientId)}</strong></p>
${view.error ? `<p class="error" role="alert" id="error">${escapeHtml(view.error)}</p>\n` : ''}<form method="post" action="/interaction/${encodeURIComponent(view.uid)}/login">
<label for="username">Username or email</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${escapeHtml(view.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<h2>Demo users</h2>
${users.length > 0
    ? `<table id="demo-users">\n<tr><th>username</th><th>email</th><th>password</th></tr>\n${users.join('\n')}\n</table>`
    : '<p>The seed has no users: add some under <code>users:</code> in the seed file.</p>'}
</body>
</html>
`;
}

/** Text and attribute values: the five characters HTML gives a meaning. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
