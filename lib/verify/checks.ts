/**
 * `gatehouse verify` (issue 18, docs/verify.md): black-box checks of a running gateway derived
 * from its config. Each check is one or a few bounded requests; none spends more than one
 * request of a consumer's budget. This slice: authentication on every API method, the API key,
 * the security headers, request validation and the payload limit.
 */
import type { GatewayEnvironment } from '../config/environments';
import { BODY_METHODS, compileRouteTable, type ApiMethod } from '../contract/route-table';
import { securityHeaderValues } from '../contract/response-headers-policy';
import { USAGE_PLAN_CODE } from '../contract/responses';

export type CheckStatus = 'pass' | 'fail' | 'skip';
export interface CheckResult { readonly id: string; readonly title: string; readonly status: CheckStatus; readonly reason: string }

/** One HTTP exchange as the checks see it. */
export interface Answer { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
export type Send = (request: { method: string; path: string; headers?: Record<string, string>; body?: string }) => Promise<Answer>;

export interface VerifyCredentials {
  /** An active API key of a verification consumer; without it, checks that need one are skipped. */
  readonly apiKey?: string;
  /** The verification consumer's tier: the limit check needs it. */
  readonly tier?: string;
}

/** What the run has spent of the verification consumer's minute, by rate-limit bucket (a route's rate_limit_group, '' = consumer-wide). */
type Spent = Map<string, number>;

interface Check {
  readonly id: string;
  readonly title: string;
  readonly run: (send: Send, credentials: VerifyCredentials, spent: Spent) => Promise<Omit<CheckResult, 'id' | 'title'>>;
}

const spend = (spent: Spent, bucket: string) => spent.set(bucket, (spent.get(bucket) ?? 0) + 1);

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
        run: async (s, c, spent) => {
          if (hostOnly) return skip('host-based routes only: the call needs a tenant host name');
          if (!c.apiKey) return skip('no API key given (--api-key or GATEHOUSE_VERIFY_API_KEY)');
          spend(spent, method.primary.rate_limit_group ?? '');
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
  // Last: it uses up the verification consumer's minute.
  checks.push(minuteLimitCheck(gateway, methods));
  return checks;
}

/** Runs every check in order; a check that throws (a connection refused) fails with the reason. */
export async function runChecks(checks: readonly Check[], send: Send, credentials: VerifyCredentials): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const spent: Spent = new Map();
  await outsideMinuteEnd();
  for (const check of checks) {
    try {
      results.push({ id: check.id, title: check.title, ...(await check.run(send, credentials, spent)) });
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
    run: async (s, c, spent) => {
      if (!c.apiKey) return skip('no API key given: the body is checked after authentication');
      // A JSON array breaks any schema whose root is an object, which every request schema here is.
      if (method.primary.request_schema?.type !== 'object') return skip('the schema\'s root is not an object: no body is known to break it');
      spend(spent, method.primary.rate_limit_group ?? '');
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

/**
 * The run's requests must share one minute window for the limit check's count to be exact (a
 * sliding window weighs the previous minute): a run takes seconds, so start it early in a minute.
 */
async function outsideMinuteEnd(now = Date.now()): Promise<void> {
  const second = (now / 1000) % 60;
  if (second >= LATEST_START_SECOND) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
}
const LATEST_START_SECOND = 45;

/**
 * The verification consumer's minute limit holds exactly: what is left of it after the run's
 * other requests is admitted, the next request is refused with rate_limiting.error_code, its
 * message and Retry-After (and the limit in the rate-limit headers unless hidden). At most the
 * tier's minute limit + 1 requests, all the verification consumer's own.
 */
function minuteLimitCheck(gateway: GatewayEnvironment, methods: readonly ApiMethod[]): Check {
  const { config } = gateway;
  const header = config.identity.api_keys.header;
  const { error_code, error_message, hide_client_headers } = config.rate_limiting;
  const method = methods.find((m) => m.httpMethod === 'GET' && m.routes.every((r) => r.hosts.length === 0 && r.auth.limits === 'exact' && r.auth.strategies.includes('api_key')));
  return {
    id: 'limits.minute',
    title: `the verification consumer's minute limit is exact: its tier's limit admitted, then ${error_code} with Retry-After and "${error_message}"`,
    run: async (s, c, spent) => {
      if (!c.apiKey || !c.tier) return skip('needs the verification consumer\'s API key and tier (--api-key and --tier)');
      const tier = config.tiers.find((t) => t.name === c.tier);
      if (!tier) return fail(`tier ${c.tier} is not in the config (tiers: ${config.tiers.map((t) => t.name).join(', ')})`);
      if (!method) return skip('no GET route with API keys and limits: exact outside host rules');
      const bucket = method.primary.rate_limit_group ?? '';
      const left = tier.minute - (spent.get(bucket) ?? 0);
      const path = probePath(method.resourcePath);
      let throttled = 0;
      for (let admitted = 0; admitted <= left; admitted++) {
        const answer = await s({ method: 'GET', path, headers: { [header]: c.apiKey } });
        if (answer.status !== error_code) continue;
        // A throttle (the stage's or the usage plan's token bucket) is not the tier limit: wait, ask again.
        if (refusalCode(answer) === USAGE_PLAN_CODE.throttled && throttled < MAX_THROTTLED_RETRIES) {
          throttled++;
          admitted--;
          await new Promise((r) => setTimeout(r, THROTTLE_BACKOFF_MS));
          continue;
        }
        if (admitted < left) return fail(`refused after ${admitted} of the ${left} requests left of ${tier.minute}/min`);
        return refusalProblem(answer, error_message, hide_client_headers, tier.minute) ?? pass(`${left} admitted (${tier.minute}/min less the run's ${tier.minute - left}), then ${error_code} with Retry-After`);
      }
      return fail(`admitted ${left + 1} requests, one more than the ${left} left of ${tier.minute}/min`);
    },
  };
}

/** Bounded: the check never sends more than the tier's minute + 1 + this many requests. */
const MAX_THROTTLED_RETRIES = 10;
const THROTTLE_BACKOFF_MS = 1000;

function refusalCode(answer: Answer): unknown {
  try { return (JSON.parse(answer.body) as { code?: unknown }).code; } catch { return undefined; }
}

function refusalProblem(answer: Answer, message: string, hidden: boolean, limit: number): ReturnType<typeof fail> | undefined {
  if (!answer.headers['retry-after']) return fail('the refusal has no Retry-After');
  let body: { message?: unknown };
  try { body = JSON.parse(answer.body) as { message?: unknown }; } catch { return fail(`the refusal's body is not JSON: ${answer.body.slice(0, 80)}`); }
  if (body.message !== message) return fail(`the refusal says "${String(body.message)}", the config says "${message}"`);
  const shown = answer.headers['x-ratelimit-limit-minute'];
  if (!hidden && shown !== String(limit)) return fail(`X-RateLimit-Limit-Minute is ${shown ?? 'missing'}, the tier's limit is ${limit}`);
  if (hidden && shown !== undefined) return fail('rate_limiting.hide_client_headers is set, but the refusal shows X-RateLimit-Limit-Minute');
  return undefined;
}

function isGatewayError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return typeof parsed.message === 'string' && typeof parsed.code === 'string' && typeof parsed.requestId === 'string';
  } catch {
    return false;
  }
}
