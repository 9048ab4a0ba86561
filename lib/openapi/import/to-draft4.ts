/**
 * An OpenAPI 3.0/3.1 schema as what API Gateway models accept (JSON Schema draft 4): local
 * `$ref`s inlined, `nullable` and 3.1 type lists as draft-4 type lists, numeric exclusive bounds
 * as draft 4's booleans, `const` as a one-value enum; annotations draft 4 lacks dropped. What
 * draft 4 cannot express (recursion, prefixItems, if/then/else, unevaluated*, dependentSchemas,
 * discriminator, ...) is reported with its JSON pointer, never silently dropped.
 */

export interface Draft4Conversion {
  readonly schema: Record<string, unknown>;
  /** `#/properties/x/prefixItems: ...`: what could not be converted. */
  readonly unconvertible: readonly string[];
}

/** Annotations without a draft-4 meaning for validation: dropped, not reported. */
const DROPPED = new Set(['example', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'xml', 'externalDocs', '$comment', 'contentMediaType', 'contentEncoding', '$schema']);
const NOT_IN_DRAFT4 = new Set(['prefixItems', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems', 'dependentSchemas', 'dependentRequired', 'discriminator', '$dynamicRef', '$anchor', 'contains', 'propertyNames', 'minContains', 'maxContains']);

export function toDraft4(schema: Record<string, unknown>, root: Record<string, unknown>): Draft4Conversion {
  const unconvertible: string[] = [];
  const visit = (node: unknown, pointer: string, refs: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((n, i) => visit(n, `${pointer}/${i}`, refs));
    if (!node || typeof node !== 'object') return node;
    const src = node as Record<string, unknown>;
    if (typeof src.$ref === 'string') {
      const ref = src.$ref;
      if (!ref.startsWith('#/')) { unconvertible.push(`${pointer}: $ref ${ref} is not in this document`); return {}; }
      if (refs.includes(ref)) { unconvertible.push(`${pointer}: $ref ${ref} is recursive; an API Gateway model cannot refer to itself`); return {}; }
      const target = ref.slice(2).split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], root);
      if (target === undefined) { unconvertible.push(`${pointer}: $ref ${ref} names nothing in the document`); return {}; }
      return visit(target, pointer, [...refs, ref]);
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(src)) {
      if (DROPPED.has(key) || key.startsWith('x-')) continue;
      if (NOT_IN_DRAFT4.has(key)) { unconvertible.push(`${pointer}/${key}: draft 4 has no ${key}`); continue; }
      if (key === 'nullable') continue;
      if (key === 'const') { out.enum = [value]; continue; }
      if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
        out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
        out[key] = true;
        continue;
      }
      if (key === 'properties' || key === 'patternProperties' || key === 'definitions' || key === '$defs') {
        out[key === '$defs' ? 'definitions' : key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, visit(v, `${pointer}/${key}/${k}`, refs)]));
        continue;
      }
      out[key] = visit(value, `${pointer}/${key}`, refs);
    }
    if (src.nullable === true && out.type !== undefined) out.type = [...(Array.isArray(out.type) ? out.type : [out.type]), 'null'];
    return out;
  };
  return { schema: visit(schema, '#', []) as Record<string, unknown>, unconvertible };
}
