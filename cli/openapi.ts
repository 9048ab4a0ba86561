import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, usageError } from './errors';
import { announceConfig, configOption, SELECTED_WITH } from './config-option';
import { writeFailure } from './plan';

interface OpenApiOptions { config: string; env: string; out?: string; server?: string[] }

/** `gatehouse openapi`: the OpenAPI 3.1 document of one environment as its consumers see it (docs/openapi.md). */
export function openapiCommand(program: Command): Command {
  return program.command('openapi')
    .description('write the OpenAPI 3.1 document of an environment: routes, security, the gateway\'s errors, tiers (docs/openapi.md)')
    .addOption(configOption())
    .option('-e, --env <name>', 'environment', 'dev')
    .option('-o, --out <file>', 'write to FILE (.json, or .yaml / .yml for YAML) instead of stdout')
    .option('--server <url>', 'list this server instead of the environment\'s (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .action((opts: OpenApiOptions, command: Command) => {
      if (opts.out !== undefined && opts.out.trim() === '') usageError(command, '--out needs a file name');
      announceConfig(command, opts.config);
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { loadConfigFile } = require('../lib/checks/load') as typeof import('../lib/checks/load');
      const { selectEnvironments } = require('../lib/config/environments') as typeof import('../lib/config/environments');
      const { openApiDocument } = require('../lib/openapi/openapi-document') as typeof import('../lib/openapi/openapi-document');
      const { stringify } = require('yaml') as typeof import('yaml');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const [gateway] = selectEnvironments(loadConfigFile(opts.config, SELECTED_WITH), [opts.env], SELECTED_WITH);
      const servers = opts.server?.map((url) => {
        if (!/^https?:\/\/[^\s/]+/.test(url)) usageError(command, `--server ${url}: an http:// or https:// URL`);
        return { url, description: 'given with --server' };
      });
      const document = openApiDocument(gateway, { servers });
      // No YAML aliases for shared objects: readers refuse many of them ("resource exhaustion").
      const text = opts.out && /\.ya?ml$/i.test(opts.out) ? stringify(document, { aliasDuplicateObjects: false }) : `${JSON.stringify(document, null, 2)}\n`;
      if (!opts.out) {
        process.stdout.write(text);
        return;
      }
      try {
        writeFileSync(opts.out, text);
      } catch (err) {
        throw new InputError(`openapi: cannot write ${opts.out}: ${writeFailure(err)}`);
      }
      process.stderr.write(`gatehouse openapi: wrote ${opts.out} (${Object.keys(document.paths).length} paths, environment ${gateway.name})\n`);
    });
}
