/**
 * The path templates of google.api.HttpRule (google/api/http.proto):
 *
 *     Template = "/" Segments [ Verb ] ;
 *     Segments = Segment { "/" Segment } ;
 *     Segment  = "*" | "**" | LITERAL | Variable ;
 *     Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *     FieldPath = IDENT { "." IDENT } ;
 *     Verb     = ":" LITERAL ;
 *
 * `{name}` is `{name=*}`; `**` matches zero or more segments and only ends a template. A
 * variable of one segment is fully percent-decoded; one of several keeps `%2F` (the spec's
 * reserved expansion), so a captured `a%2Fb/c` stays two segments.
 */

export type TemplateSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'rest' };

export interface TemplateVariable {
  /** `a.b` -> ['a', 'b']: the request field the captured text goes to. */
  readonly fieldPath: readonly string[];
  /** Its segments: [start, end) of {@link PathTemplate.segments}. */
  readonly start: number;
  readonly end: number;
}

export interface PathTemplate {
  readonly text: string;
  readonly segments: readonly TemplateSegment[];
  readonly variables: readonly TemplateVariable[];
  readonly verb?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** RFC 3986 path characters, less the ones the template syntax uses (`/ { } = * :`). */
const LITERAL = /^(?:[A-Za-z0-9._~!$&'()+,;@-]|%[0-9A-Fa-f]{2})+$/;

/** Parses a template; a problem says what is wrong, in the template's own words. */
export function parsePathTemplate(text: string): PathTemplate | { readonly problem: string } {
  if (!text.startsWith('/')) return { problem: `"${text}" does not start with /` };
  let body = text.slice(1);
  let verb: string | undefined;
  const lastSlash = body.lastIndexOf('/');
  const colon = body.indexOf(':', lastSlash + 1);
  // A verb follows the last segment; a ':' inside a variable's braces is not one.
  if (colon >= 0 && !body.slice(colon).includes('}')) {
    verb = body.slice(colon + 1);
    body = body.slice(0, colon);
    if (!LITERAL.test(verb)) return { problem: `"${text}": the verb ":${verb}" must be a literal (letters, digits, - . _ ~)` };
  }
  if (body === '') return { problem: `"${text}" has no segment after /` };
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  for (const part of splitOutsideBraces(body)) {
    if (part.startsWith('{')) {
      const m = /^\{([^=}]*)(?:=([^}]*))?\}$/.exec(part);
      if (!m) return { problem: `"${text}": variable ${part} is not {field} or {field=segments} (variables do not nest)` };
      const fieldPath = m[1].split('.');
      if (!fieldPath.every((p) => IDENT.test(p))) return { problem: `"${text}": "${m[1]}" is not a field path (identifiers joined by .)` };
      if (variables.some((v) => v.fieldPath.join('.') === m[1])) return { problem: `"${text}": field ${m[1]} is bound twice` };
      const inner = m[2] === undefined ? ['*'] : m[2].split('/');
      const start = segments.length;
      for (const s of inner) {
        const segment = plainSegment(s);
        if ('problem' in segment) return { problem: `"${text}": in {${m[1]}=${m[2]}}: ${segment.problem}` };
        segments.push(segment);
      }
      variables.push({ fieldPath, start, end: segments.length });
      continue;
    }
    const segment = plainSegment(part);
    if ('problem' in segment) return { problem: `"${text}": ${segment.problem}` };
    segments.push(segment);
  }
  const rest = segments.findIndex((s) => s.kind === 'rest');
  if (rest >= 0 && rest !== segments.length - 1) return { problem: `"${text}": ** must be the last segment (before a :verb)` };
  return { text, segments, variables, ...(verb !== undefined ? { verb } : {}) };
}

function plainSegment(s: string): TemplateSegment | { problem: string } {
  if (s === '*') return { kind: 'any' };
  if (s === '**') return { kind: 'rest' };
  if (s === '') return { problem: 'an empty segment (//)' };
  if (s.includes('{') || s.includes('}')) return { problem: `"${s}": braces only around a whole variable segment` };
  if (!LITERAL.test(s)) return { problem: `"${s}" is not a literal segment (letters, digits, - . _ ~ and %XX)` };
  return { kind: 'literal', value: safeDecode(s) ?? s };
}

/** `a/{b=c/*}/d` -> ['a', '{b=c/*}', 'd']. */
function splitOutsideBraces(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of body) {
    if (ch === '{') depth += 1;
    if (ch === '}') depth -= 1;
    if (ch === '/' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

/**
 * The variables of `path` (percent-encoded, no query) if it matches `template`, by field path
 * (`a.b`); undefined when it does not match. A verb is recognised as `:verb` or `%3Averb`.
 */
export function matchPathTemplate(template: PathTemplate, path: string): Record<string, string> | undefined {
  if (!path.startsWith('/')) return undefined;
  let rest = path.slice(1);
  if (template.verb !== undefined) {
    const suffix = [`:${template.verb}`, `%3A${template.verb}`, `%3a${template.verb}`].find((s) => rest.endsWith(s) && rest.length > s.length);
    if (!suffix) return undefined;
    rest = rest.slice(0, -suffix.length);
  }
  const raw = rest.split('/');
  if (raw.some((s) => s === '')) return undefined;
  const segments = template.segments;
  const restIndex = segments.length > 0 && segments[segments.length - 1].kind === 'rest' ? segments.length - 1 : -1;
  if (restIndex < 0 ? raw.length !== segments.length : raw.length < restIndex) return undefined;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s.kind !== 'literal') continue;
    if (safeDecode(raw[i]) !== s.value) return undefined;
  }
  const out: Record<string, string> = {};
  for (const v of template.variables) {
    const end = v.end === restIndex + 1 && restIndex >= 0 ? raw.length : v.end;
    const captured = raw.slice(v.start, end);
    const single = v.end - v.start === 1 && segments[v.start].kind === 'any';
    const value = single ? safeDecode(captured[0]) : keepSlashes(captured);
    if (value === undefined) return undefined;
    out[v.fieldPath.join('.')] = value;
  }
  return out;
}

/** Segments decoded one by one, `%2F` kept, joined by `/`. */
function keepSlashes(segments: readonly string[]): string | undefined {
  const decoded = segments.map((s) => {
    const parts = s.split(/%2F/i).map(safeDecode);
    return parts.some((p) => p === undefined) ? undefined : parts.join('%2F');
  });
  return decoded.some((d) => d === undefined) ? undefined : decoded.join('/');
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * Which of two templates that both match a path wins: a verb over none, then segment by segment
 * a literal over `*` over `**`, then the longer (Envoy's and grpc-gateway's order). Negative: `a` wins.
 */
export function compareTemplates(a: PathTemplate, b: PathTemplate): number {
  if ((a.verb !== undefined) !== (b.verb !== undefined)) return a.verb !== undefined ? -1 : 1;
  const rank = (s: TemplateSegment | undefined) => (s === undefined ? 0 : s.kind === 'literal' ? 3 : s.kind === 'any' ? 2 : 1);
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
    const d = rank(b.segments[i]) - rank(a.segments[i]);
    if (d !== 0) return d;
  }
  return 0;
}

/** The template with variable names left out: two templates with one shape match the same paths. */
export function templateShape(template: PathTemplate): string {
  const parts = template.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'any' ? '*' : '**'));
  return `/${parts.join('/')}${template.verb !== undefined ? `:${template.verb}` : ''}`;
}

/**
 * Whether some path the template matches lies under the route path `prefix` (Kong prefix
 * semantics: the path itself or below it; `{param}` segments of the route match any one
 * segment). Route paths carry no verb, so the segment a verb ends is matched by a parameter only.
 */
export function templateUnderPrefix(template: PathTemplate, prefix: string): boolean {
  const routeSegments = prefix.split('/').filter((s) => s !== '');
  const last = template.segments.length - 1;
  for (let i = 0; i < routeSegments.length; i++) {
    const r = routeSegments[i];
    const param = /^\{[^}]+\}$/.test(r);
    const t = template.segments[i];
    if (t === undefined) return false;
    if (t.kind === 'rest') return true;
    const endsInVerb = i === last && template.verb !== undefined;
    if (param) continue;
    if (endsInVerb) return false;
    if (t.kind === 'literal' && t.value !== r) return false;
  }
  return true;
}
