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
  return {
    $schema: schema.$schema,
    title: 'Gatehouse gateway config',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

/** The committed file's exact text. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(gatewayConfigJsonSchema(), null, 2)}\n`;
}
