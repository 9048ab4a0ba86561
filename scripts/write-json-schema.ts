/** Writes schema/gateway.config.schema.json from the zod schema (`npm run schema`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JSON_SCHEMA_FILE, renderJsonSchema } from '../lib/config/json-schema';

const file = join(__dirname, '..', JSON_SCHEMA_FILE);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, renderJsonSchema());
process.stdout.write(`wrote ${JSON_SCHEMA_FILE}\n`);
