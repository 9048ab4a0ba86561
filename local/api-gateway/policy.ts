import type { PolicyDocument, Statement } from 'aws-lambda';
import { escapeRegExp } from '../../lib/contract/request-checks';

/**
 * Evaluates an authorizer's IAM policy against the request's method ARN the way API Gateway
 * does: an explicit Deny wins, otherwise an Allow on `execute-api:Invoke` whose Resource matches
 * (IAM wildcards: `*` any run of characters, `?` one character), otherwise implicit deny.
 */
export type PolicyEffect = 'Allow' | 'Deny';

export function evaluatePolicy(policy: PolicyDocument | undefined, methodArn: string): PolicyEffect {
  let allowed = false;
  for (const statement of policy?.Statement ?? []) {
    if (!actionMatches(statement) || !resourceMatches(statement, methodArn)) continue;
    if (String(statement.Effect).toLowerCase() === 'deny') return 'Deny';
    if (String(statement.Effect).toLowerCase() === 'allow') allowed = true;
  }
  return allowed ? 'Allow' : 'Deny';
}

/** The method ARN API Gateway puts in a REQUEST authorizer event (the actual request path). */
export function methodArn(parts: { region: string; account: string; apiId: string; stage: string; httpMethod: string; path: string }): string {
  return methodArnOf(methodArnPrefix(parts), parts.httpMethod, parts.path);
}

/** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/`: the constant part, built once per API. */
export function methodArnPrefix(parts: { region: string; account: string; apiId: string; stage: string }): string {
  return `arn:aws:execute-api:${parts.region}:${parts.account}:${parts.apiId}/${parts.stage}/`;
}

/** The method ARN from its prefix: `<prefix><METHOD>/<path without leading slashes>`. */
export function methodArnOf(prefix: string, httpMethod: string, path: string): string {
  let start = 0;
  while (path.charCodeAt(start) === 47) start++; // '/'
  return `${prefix}${httpMethod}/${start === 0 ? path : path.slice(start)}`;
}

function actionMatches(statement: Statement): boolean {
  const s = statement as { Action?: string | string[]; NotAction?: string | string[] };
  if (s.NotAction !== undefined) return !list(s.NotAction).some((a) => wildcard(a.toLowerCase(), 'execute-api:invoke'));
  return list(s.Action).some((a) => wildcard(a.toLowerCase(), 'execute-api:invoke'));
}

function resourceMatches(statement: Statement, arn: string): boolean {
  const s = statement as { Resource?: string | string[]; NotResource?: string | string[] };
  if (s.NotResource !== undefined) return !list(s.NotResource).some((r) => wildcard(r, arn));
  return list(s.Resource).some((r) => wildcard(r, arn));
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const patterns = new Map<string, RegExp>();

/** IAM string matching: `*` and `?`, everything else literal, case-sensitive. */
export function wildcard(pattern: string, value: string): boolean {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegExp(c))).join('')}$`, 's');
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re.test(value);
}
