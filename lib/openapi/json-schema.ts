/**
 * A route's request schema (JSON Schema draft 4, what API Gateway models take) as an OpenAPI 3.1
 * schema (JSON Schema 2020-12). Most of draft 4 reads the same; what changed is converted
 * (boolean exclusiveMinimum/Maximum, `id`), and what 3.1 cannot say the same way is reported
 * rather than dropped silently.
 */

export interface ConvertedSchema {
  readonly schema: Record<string, unknown>;
  /** JSON pointers of what was changed, and why. */
  readonly notes: readonly string[];
}

export function draft4ToOpenApi31(schema: Record<string, unknown>): ConvertedSchema {
  const notes: string[] = [];
  const visit = (node: unknown, pointer: string): unknown => {
    if (Array.isArray(node)) return node.map((n, i) => visit(n, `${pointer}/${i}`));
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    const src = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(src)) {
      if (key === '$schema') continue;
      if (key === 'id' && typeof value === 'string') { out.$id = value; notes.push(`${pointer}/id: renamed $id`); continue; }
      if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
        const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
        if (value && typeof src[bound] === 'number') { out[key] = src[bound]; notes.push(`${pointer}/${key}: draft 4's boolean became the number ${String(src[bound])}`); }
        continue;
      }
      if ((key === 'minimum' || key === 'maximum') && src[key === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true) continue;
      out[key] = visit(value, `${pointer}/${key}`);
    }
    return out;
  };
  return { schema: visit(schema, '#') as Record<string, unknown>, notes };
}
