/**
 * API Gateway REQUEST authorizer identity sources (`method.request.header.X`,
 * `method.request.querystring.x`, `context.httpMethod`, `context.resourcePath`, ...): their
 * values form the result-cache key, and when any of them is missing or empty API Gateway answers
 * 401 UNAUTHORIZED without invoking the authorizer.
 */
export interface IdentityFacts {
  /** Lower-cased header names -> value (multi-value headers joined with `,`). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly httpMethod: string;
  readonly resourcePath: string;
  readonly stageVariables?: Readonly<Record<string, string>>;
}

export type IdentityResult =
  | { readonly ok: true; readonly values: readonly string[] }
  | { readonly ok: false; readonly missing: string };

export function resolveIdentitySources(sources: readonly string[], facts: IdentityFacts): IdentityResult {
  const values: string[] = [];
  for (const source of sources) {
    const value = valueOf(source, facts);
    if (value === undefined || value === '') return { ok: false, missing: source };
    values.push(value);
  }
  return { ok: true, values };
}

function valueOf(source: string, facts: IdentityFacts): string | undefined {
  const header = /^method\.request\.header\.(.+)$/.exec(source);
  if (header) return facts.headers[header[1].toLowerCase()];
  const query = /^method\.request\.querystring\.(.+)$/.exec(source);
  if (query) return facts.query[query[1]];
  const stage = /^stageVariables\.(.+)$/.exec(source);
  if (stage) return facts.stageVariables?.[stage[1]];
  switch (source) {
    case 'context.httpMethod': return facts.httpMethod;
    case 'context.resourcePath': return facts.resourcePath;
    default: throw new Error(`unsupported identity source ${source}`);
  }
}
