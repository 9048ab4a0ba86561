import { z } from 'zod';
import { GatewayConfigSchema } from './schema';

/** Where the generated JSON Schema is committed (relative to the repo root). */
export const JSON_SCHEMA_FILE = 'schema/gateway.config.schema.json';

/**
 * The JSON Schema (draft 2020-12) of the config file as users write it (`io: 'input'`:
 * keys with defaults are optional). Cross-reference rules (references.ts, deploy-rules.ts)
 * are not representable and only run in the loader.
 */
export function gatewayConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(GatewayConfigSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  const body = Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema'));
  return {
    $schema: schema.$schema,
    $id: JSON_SCHEMA_ID,
    title: 'Gatehouse gateway config',
    ...(forStrictValidators(body, '') as Record<string, unknown>),
  };
}

/** The schema's `$id` (a URN: the schema is shipped with the project, not served from a host). */
export const JSON_SCHEMA_ID = 'urn:gatehouse:gateway-config';

/**
 * What strict validators (ajv strict mode, yaml-language-server) need beyond zod's output:
 * - no `format` that is not a JSON Schema format: zod writes `startsWith` as `format:
 *   "starts_with"` beside the `pattern` that already says it;
 * - a `title` on every object, named by its key path, so an editor names the object a nested
 *   error is in instead of showing the root's title.
 */
function forStrictValidators(node: unknown, path: string): unknown {
  if (Array.isArray(node)) return node.map((item) => forStrictValidators(item, path));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'format' && !STANDARD_FORMATS.has(String(value))) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, forStrictValidators(child, path ? `${path}.${name}` : name)]));
    } else if (key === 'items') {
      out[key] = forStrictValidators(value, `${path}[]`);
    } else if (key === 'additionalProperties' && value && typeof value === 'object') {
      out[key] = forStrictValidators(value, `${path}.<name>`);
    } else {
      out[key] = forStrictValidators(value, path);
    }
  }
  if (path && out.type === 'object' && out.title === undefined) return { title: path, ...out };
  return out;
}

/** JSON Schema 2020-12's formats (validation vocabulary, section 7.3). */
const STANDARD_FORMATS = new Set([
  'date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6',
  'uri', 'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex',
]);

/** The committed file's exact text. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(gatewayConfigJsonSchema(), null, 2)}\n`;
}
