/**
 * `gatehouse verify` (issue 18, docs/verify.md): black-box checks of a running gateway derived
 * from its config. Each check is one or a few bounded requests; none spends more than one
 * request of a consumer's budget. This slice: authentication on every API method, the API key,
 * the security headers, request validation and the payload limit.
 */
import type { GatewayEnvironment } from '../config/environments';
import { BODY_METHODS, compileRouteTable, type ApiMethod } from '../contract/route-table';
import { securityHeaderValues } from '../contract/response-headers-policy';

export type CheckStatus = 'pass' | 'fail' | 'skip';
export interface CheckResult { readonly id: string; readonly title: string; readonly status: CheckStatus; readonly reason: string }

/** One HTTP exchange as the checks see it. */
export interface Answer { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
export type Send = (request: { method: string; path: string; headers?: Record<string, string>; body?: string }) => Promise<Answer>;

export interface VerifyCredentials {
  /** An active API key of a verification consumer; without it, checks that need one are skipped. */
  readonly apiKey?: string;
}

interface Check {
  readonly id: string;
  readonly title: string;
  readonly run: (send: Send, credentials: VerifyCredentials) => Promise<Omit<CheckResult, 'id' | 'title'>>;
}

/** A path of the method a request can take: `{proxy+}` and `{param}` filled with a probe segment. */
export function probePath(resourcePath: string): string {
  return resourcePath.replace('{proxy+}', 'gatehouse-verify').replace(/\{[^}]+\}/g, 'gatehouse-verify');
}

const pass = (reason: string) => ({ status: 'pass' as const, reason });
const fail = (reason: string) => ({ status: 'fail' as const, reason });
const skip = (reason: string) => ({ status: 'skip' as const, reason });

/** Every check of the environment, in a stable order. */
export function verifyChecks(gateway: GatewayEnvironment): Check[] {
  const { config } = gateway;
  const header = config.identity.api_keys.header;
  const methods = compileRouteTable(config).filter((m) => m.httpMethod !== 'OPTIONS' && m.httpMethod !== 'HEAD');
  const checks: Check[] = [];
  for (const method of methods) {
    const name = `${method.httpMethod} ${method.resourcePath}`;
    const path = probePath(method.resourcePath);
    const hostOnly = method.routes.every((r) => r.hosts.length > 0);
    const anonymous = method.routes.some((r) => r.auth.strategies.includes('none'));
    const keyed = method.routes.some((r) => r.auth.strategies.includes('api_key'));
    const needsBody = BODY_METHODS.includes(method.httpMethod);
    const send = (s: Send, headers: Record<string, string> = {}) => s({ method: method.httpMethod, path, headers: { ...(needsBody ? { 'content-type': 'application/json' } : {}), ...headers }, body: needsBody ? '{}' : undefined });
    checks.push({
      id: `auth.required ${name}`,
      title: `${name} refuses a call without credentials (401 with a challenge and the gateway's error body)`,
      run: async (s) => {
        if (hostOnly) return skip('host-based routes only: the call needs a tenant host name');
        if (anonymous) return skip('the route allows anonymous calls (auth: none)');
        const answer = await send(s);
        if (answer.status !== 401) return fail(`answered ${answer.status}, not 401`);
        if (!answer.headers['www-authenticate']) return fail('401 without WWW-Authenticate');
        return isGatewayError(answer.body) ? pass('401, WWW-Authenticate, {message, code, requestId}') : fail(`401 body is not the gateway's error body: ${answer.body.slice(0, 120)}`);
      },
    });
    if (keyed) {
      checks.push({
        id: `auth.wrong-key ${name}`,
        title: `${name} refuses an API key the gateway never issued`,
        run: async (s) => {
          if (hostOnly) return skip('host-based routes only: the call needs a tenant host name');
          const answer = await send(s, { [header]: 'ghk_gatehouse_verify_not_a_key_000000' });
          return answer.status === 401 || answer.status === 403 ? pass(`answered ${answer.status}`) : fail(`answered ${answer.status} to a key that does not exist`);
        },
      });
      checks.push({
        id: `auth.accepts-key ${name}`,
        title: `${name} accepts the verification consumer's API key`,
        run: async (s, c) => {
          if (hostOnly) return skip('host-based routes only: the call needs a tenant host name');
          if (!c.apiKey) return skip('no API key given (--api-key or GATEHOUSE_VERIFY_API_KEY)');
          const answer = await send(s, { [header]: c.apiKey });
          return answer.status === 401 || answer.status === 403 ? fail(`answered ${answer.status}: the key was refused`) : pass(`answered ${answer.status} (not refused by the gateway)`);
        },
      });
    }
    const schema = needsBody ? method.primary.request_schema : undefined;
    if (schema && keyed && !hostOnly) checks.push(validationCheck(method, name, path, header));
  }
  checks.push(securityHeadersCheck(methods));
  const bodyMethod = methods.find((m) => BODY_METHODS.includes(m.httpMethod) && m.routes.every((r) => r.hosts.length === 0));
  if (bodyMethod) checks.push(payloadLimitCheck(bodyMethod, config.security.max_body_bytes));
  return checks;
}

/** Runs every check in order; a check that throws (a connection refused) fails with the reason. */
export async function runChecks(checks: readonly Check[], send: Send, credentials: VerifyCredentials): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push({ id: check.id, title: check.title, ...(await check.run(send, credentials)) });
    } catch (err) {
      results.push({ id: check.id, title: check.title, status: 'fail', reason: `the request failed: ${(err as Error).message}` });
    }
  }
  return results;
}

function validationCheck(method: ApiMethod, name: string, path: string, header: string): Check {
  return {
    id: `validation.schema ${name}`,
    title: `${name} refuses a body that breaks the route's request schema (400)`,
    run: async (s, c) => {
      if (!c.apiKey) return skip('no API key given: the body is checked after authentication');
      // A JSON array breaks any schema whose root is an object, which every request schema here is.
      if (method.primary.request_schema?.type !== 'object') return skip('the schema\'s root is not an object: no body is known to break it');
      const answer = await s({ method: method.httpMethod, path, headers: { 'content-type': 'application/json', [header]: c.apiKey }, body: '[]' });
      return answer.status === 400 ? pass('400') : fail(`answered ${answer.status} to a body the schema refuses`);
    },
  };
}

function securityHeadersCheck(methods: readonly ApiMethod[]): Check {
  const expected = securityHeaderValues();
  return {
    id: 'edge.security-headers',
    title: `responses carry the security headers (${Object.keys(expected).join(', ')})`,
    run: async (s) => {
      const method = methods.find((m) => m.routes.every((r) => r.hosts.length === 0)) ?? methods[0];
      const answer = await s({ method: 'GET', path: probePath(method.resourcePath) });
      const wrong = Object.entries(expected).filter(([h, v]) => answer.headers[h.toLowerCase()] !== v).map(([h, v]) => `${h}: expected "${v}", got ${answer.headers[h.toLowerCase()] === undefined ? 'none' : `"${answer.headers[h.toLowerCase()]}"`}`);
      return wrong.length === 0 ? pass('all present') : fail(wrong.join('; '));
    },
  };
}

function payloadLimitCheck(method: ApiMethod, maxBodyBytes: number): Check {
  return {
    id: 'edge.payload-limit',
    title: `a body over security.max_body_bytes (${maxBodyBytes} bytes) is refused with 413`,
    run: async (s) => {
      const answer = await s({ method: method.httpMethod, path: probePath(method.resourcePath), headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(maxBodyBytes)}"` });
      return answer.status === 413 ? pass('413') : fail(`answered ${answer.status} to ${maxBodyBytes + 2} bytes`);
    },
  };
}

function isGatewayError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return typeof parsed.message === 'string' && typeof parsed.code === 'string' && typeof parsed.requestId === 'string';
  } catch {
    return false;
  }
}
