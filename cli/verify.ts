import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, ReportedFailure, usageError } from './errors';
import { announceConfig, configOption, SELECTED_WITH } from './config-option';
import { writeFailure } from './plan';
import type { CheckResult } from '../lib/verify/checks';

interface VerifyOptions { config: string; env: string; url?: string; apiKey?: string; tier?: string; json?: boolean; junit?: string }

/** `gatehouse verify`: the config's promises, checked from outside against a running gateway (docs/verify.md). */
export function verifyCommand(program: Command): Command {
  return program.command('verify')
    .description('check a running gateway (the twin, started for the run, or --url) against its config: auth on every method, keys, headers, validation, limits (docs/verify.md)')
    .addOption(configOption())
    .option('-e, --env <name>', 'environment', 'dev')
    .option('--url <url>', 'the gateway to check (default: the twin, started for the run with its demo consumers)')
    .option('--api-key <key>', 'an active API key of a verification consumer (or GATEHOUSE_VERIFY_API_KEY); checks that need one are skipped without it')
    .option('--tier <name>', 'the verification consumer\'s tier (or GATEHOUSE_VERIFY_TIER): the limit check spends its minute limit + 1 requests')
    .option('--json', 'print the results as JSON')
    .option('--junit <file>', 'also write the results as JUnit XML to FILE (for CI)')
    .addHelpText('after', '\nExit 0 when every applicable check passes, 1 when one fails (or the config does not load), 2 for bad usage.')
    .action(async (opts: VerifyOptions, command: Command) => {
      if (opts.url !== undefined && !/^https?:\/\/[^\s/]+/.test(opts.url)) usageError(command, `--url ${opts.url}: an http:// or https:// URL`);
      announceConfig(command, opts.config);
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { loadConfigFile } = require('../lib/checks/load') as typeof import('../lib/checks/load');
      const { selectEnvironments } = require('../lib/config/environments') as typeof import('../lib/config/environments');
      const { runChecks, verifyChecks } = require('../lib/verify/checks') as typeof import('../lib/verify/checks');
      const { junitXml, textReport } = require('../lib/verify/report') as typeof import('../lib/verify/report');
      const { httpSend } = require('../lib/verify/http-send') as typeof import('../lib/verify/http-send');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const [gateway] = selectEnvironments(loadConfigFile(opts.config, SELECTED_WITH), [opts.env], SELECTED_WITH);
      const target = opts.url ? { url: opts.url.replace(/\/+$/, ''), apiKey: undefined, tier: undefined, close: async () => undefined } : await startTwin(gateway);
      let results: CheckResult[];
      try {
        const apiKey = opts.apiKey ?? process.env.GATEHOUSE_VERIFY_API_KEY ?? target.apiKey;
        const tier = opts.tier ?? process.env.GATEHOUSE_VERIFY_TIER ?? target.tier;
        results = await runChecks(verifyChecks(gateway), httpSend(target.url), { apiKey, tier });
      } finally {
        await target.close();
      }
      if (opts.junit) {
        try {
          writeFileSync(opts.junit, junitXml(results, `gatehouse verify ${gateway.name}`));
        } catch (err) {
          throw new InputError(`verify: cannot write ${opts.junit}: ${writeFailure(err)}`);
        }
      }
      process.stdout.write(opts.json ? `${JSON.stringify({ environment: gateway.name, url: target.url, results }, null, 2)}\n` : textReport(results, target.url));
      if (results.some((r) => r.status === 'fail')) throw new ReportedFailure();
    });
}

/** The twin of `gateway` on a free port, with its derived demo consumers; one active key verifies. */
async function startTwin(gateway: import('../lib/config/environments').GatewayEnvironment): Promise<{ url: string; apiKey?: string; tier?: string; close(): Promise<void> }> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startLocalGateway } = require('../local/server') as typeof import('../local/server');
  const { deriveDemoSeed } = require('../local/demo-seed') as typeof import('../local/demo-seed');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const seed = deriveDemoSeed(gateway.config);
  const local = await startLocalGateway({ gateway, seed, port: 0, issuerPort: 0, log: () => undefined });
  const key = seed.api_keys.find((k) => k.status === 'active' && k.allowed_cidrs.length === 0 && !k.tenant);
  return { url: local.url, apiKey: key?.key, tier: key?.tier, close: () => local.close() };
}
