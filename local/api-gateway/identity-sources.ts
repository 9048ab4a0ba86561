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
  return compileIdentitySources(sources)(facts);
}

/** Resolves one method's identity sources; compiled once per method, called per request. */
export type IdentityResolver = (facts: IdentityFacts) => IdentityResult;

/** Parses the source expressions once (throws on an unsupported one) into a resolver. */
export function compileIdentitySources(sources: readonly string[]): IdentityResolver {
  const readers = sources.map((source) => ({ source, read: readerOf(source) }));
  return (facts) => {
    const values: string[] = [];
    for (const { source, read } of readers) {
      const value = read(facts);
      if (value === undefined || value === '') return { ok: false, missing: source };
      values.push(value);
    }
    return { ok: true, values };
  };
}

function readerOf(source: string): (facts: IdentityFacts) => string | undefined {
  const header = /^method\.request\.header\.(.+)$/.exec(source);
  if (header) { const name = header[1].toLowerCase(); return (f) => f.headers[name]; }
  const query = /^method\.request\.querystring\.(.+)$/.exec(source);
  if (query) { const name = query[1]; return (f) => f.query[name]; }
  const stage = /^stageVariables\.(.+)$/.exec(source);
  if (stage) { const name = stage[1]; return (f) => f.stageVariables?.[name]; }
  switch (source) {
    case 'context.httpMethod': return (f) => f.httpMethod;
    case 'context.resourcePath': return (f) => f.resourcePath;
    default: throw new Error(`unsupported identity source ${source}`);
  }
}
