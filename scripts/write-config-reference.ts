/** Writes docs/config-reference.md from the zod schema (via its JSON Schema). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_REFERENCE_FILE, renderConfigReference } from '../lib/config/config-reference';

const file = join(__dirname, '..', CONFIG_REFERENCE_FILE);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, renderConfigReference());
process.stdout.write(`wrote ${CONFIG_REFERENCE_FILE}\n`);
