import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { InteractionDetails } from 'oidc-provider';
import { escapeHtml, LOCAL_LOGIN_LABEL, loginPageHeaders, MISSING_CREDENTIALS, renderLoginPage, WRONG_CREDENTIALS } from './login-page';
import { findUserByCredentials, type SeedUser } from './user-passwords';

/** Paths the interaction handler owns; everything else goes to oidc-provider. */
export const INTERACTION_PATH = /^\/interaction\/([\w-]+)(\/login)?(?:\?.*)?$/;

export interface InteractionHandlerProps {
  readonly provider: Provider;
  readonly users: readonly SeedUser[];
  /** The issuer URL, shown on the page. */
  readonly issuer: string;
}

/** Form bodies larger than this are refused: two short fields never need more. */
const MAX_FORM_BYTES = 8 * 1024;

/** A request the handler refuses with a status and a message for the person in front of the page. */
class InteractionError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'InteractionError';
  }
}

/**
 * The sign-in of the local issuers, at oidc-provider's interaction URL:
 *
 * - `GET /interaction/<uid>` with the `login` prompt shows the login page (local/login-page.ts),
 *   the username prefilled from `login_hint`;
 * - `POST /interaction/<uid>/login` checks username (or email) and password: a wrong one shows
 *   the page again with 401 and one message for every failure (no user enumeration), a right one
 *   finishes the login (`interactionFinished`);
 * - the `consent` prompt is granted without a page, as Cognito's hosted UI does for the app
 *   clients of its user pool (they are first-party: no consent screen exists).
 *
 * CSRF: the interaction is found by oidc-provider's `_interaction` cookie (SameSite=Lax, path
 * `/interaction/<uid>`), which a cross-site POST does not carry; the uid in the URL must be that
 * cookie's, and a POST whose `Origin` is another origin is refused before anything is read.
 */
export function createInteractionHandler(props: InteractionHandlerProps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(props, req, res).catch((err: unknown) => {
      if (res.headersSent) { res.destroy(); return; }
      const known = err instanceof InteractionError;
      // SessionNotFound & co. from oidc-provider: the interaction cookie is missing or expired.
      const status = known ? err.status : 400;
      const message = known ? err.message
        : 'This sign-in request has expired or belongs to another browser. Start again from the application.';
      res.writeHead(status, loginPageHeaders()).end(errorPage(message));
    });
  };
}

async function handle(props: InteractionHandlerProps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [, uid, login] = INTERACTION_PATH.exec(req.url ?? '') ?? [];
  if (!uid) throw new InteractionError(404, 'Not found.');
  const submitted = login !== undefined;
  if (req.method !== (submitted ? 'POST' : 'GET')) throw new InteractionError(405, `${req.method} is not allowed here.`);
  if (submitted) checkSameOrigin(req);

  const details = await props.provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new InteractionError(400, 'This sign-in page does not belong to the current sign-in request. Start again from the application.');
  const page = (status: number, username: string | undefined, error?: string) => {
    const view = { uid, clientId: String(details.params.client_id), issuer: props.issuer, username, error, users: props.users };
    res.writeHead(status, loginPageHeaders(redirectUriOf(details))).end(renderLoginPage(view));
  };

  if (details.prompt.name === 'login') {
    if (!submitted) { page(200, stringParam(details.params.login_hint)); return; }
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    if (!username.trim() || !password) { page(400, username, MISSING_CREDENTIALS); return; }
    const user = findUserByCredentials(props.users, username, password);
    if (!user) { page(401, username, WRONG_CREDENTIALS); return; }
    await props.provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === 'consent' && !submitted) {
    await grantConsent(props.provider, req, res, details);
    return;
  }
  throw new InteractionError(400, `Nothing to submit here (the sign-in request is at the ${details.prompt.name} step). Start again from the application.`);
}

/** Grants what the client asked for (Cognito: an app client of the pool gets its allowed scopes without a consent screen). */
async function grantConsent(provider: Provider, req: IncomingMessage, res: ServerResponse, details: InteractionDetails): Promise<void> {
  const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined)
    ?? new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params.client_id) });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/**
 * Browsers send `Origin` with every form POST; one from another origin (or `null`, an opaque
 * origin such as a sandboxed frame) is a cross-site submission. Scripts send none: they pass.
 */
function checkSameOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) {
    throw new InteractionError(403, 'The sign-in form was submitted from another site.');
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new InteractionError(415, 'The sign-in form must be sent as application/x-www-form-urlencoded.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new InteractionError(413, 'The sign-in form is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function redirectUriOf(details: InteractionDetails): string | undefined {
  return stringParam(details.params.redirect_uri);
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function errorPage(message: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Sign in (local) - Gatehouse</title></head>\n<body><p id="local-label">${LOCAL_LOGIN_LABEL}</p>\n<p id="error" role="alert">${escapeHtml(message)}</p></body></html>\n`;
}
