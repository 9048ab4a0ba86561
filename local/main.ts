import { parseArgs } from 'node:util';
import { loadConfigFile, selectEnvironments, type SelectedWith } from '../lib/config/load';
import { ConfigError } from '../lib/config/errors';
import { demoCredentials, curlExamples } from './demo';
import { describeListenError, formatEnvProblems, readLocalEnv } from './env';
import { ListenError } from './listen';
import { jsonLineLogger } from './request-log';
import { demoSeedFor } from './demo-seed';
import { startLocalGateway, type LocalGateway } from './server';

const USAGE = `Usage: npm start -- [--config FILE] [--env NAME] [--seed FILE] [--print-credentials]

Runs the gateway of one environment on this machine (http://127.0.0.1:8080).
  --config FILE         gateway config (default: gateway.config.yaml, or GATEHOUSE_CONFIG)
  --env NAME            environment to serve (default: dev)
  --seed FILE           demo consumers (default: derived from the config; docs/local-gateway.md)
  --print-credentials   start, print the demo credentials as JSON on stdout, and stop
Environment: PORT (8080; 0-65535, 0 = any free port), ISSUER_PORT (PORT+1), HOST (127.0.0.1),
  REDIS_URL (redis://HOST[:PORT][/DB]: Redis limiter; a warning at startup when it does not answer),
  DYNAMODB_ENDPOINT + CONSUMERS_TABLE_NAME (DynamoDB consumer store; the table is checked at startup),
  LOG=off (no request log),
  STAGE_THROTTLE=RATE/BURST (stage throttle of an account with a raised quota; default from traffic).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      env: { type: 'string', default: 'dev' },
      seed: { type: 'string' },
      'print-credentials': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) { process.stdout.write(`${USAGE}\n`); return 0; }
  const printOnly = values['print-credentials'];
  // The variables first: a typo there is reported before the config and seed are read.
  const env = readLocalEnv(process.env, printOnly);
  if (Array.isArray(env)) throw new Error(formatEnvProblems(env));
  const stageThrottle = stageThrottleFrom(process.env.STAGE_THROTTLE);
  const file = values.config ?? process.env.GATEHOUSE_CONFIG ?? 'gateway.config.yaml';
  const selectedWith: SelectedWith = { config: '--config FILE', env: '--env NAME' };
  const [gateway] = selectEnvironments(loadConfigFile(file, selectedWith), [values.env!], selectedWith);
  const { seed, source: seedSource } = demoSeedFor(gateway.config, values.seed);
  const quiet = printOnly || process.env.LOG === 'off';
  const log = quiet ? undefined : jsonLineLogger(process.stdout);

  let local: LocalGateway;
  try {
    local = await startLocalGateway({
      gateway, seed, port: env.port, issuerPort: env.issuerPort, host: env.host,
      redisUrl: env.redisUrl,
      dynamodb: env.dynamodbEndpoint ? { endpoint: env.dynamodbEndpoint, tableName: env.consumersTableName ?? `${gateway.config.name}-${gateway.name}-consumers` } : undefined,
      log,
      stageThrottle,
      notice: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    throw err instanceof ListenError ? new Error(describeListenError(err, env)) : err;
  }
  const credentials = demoCredentials(local, seed, gateway, { config: file, consumers: seedSource });
  if (printOnly) {
    process.stdout.write(`${JSON.stringify(credentials, null, 2)}\n`);
    for (const warning of local.warnings) process.stderr.write(`${warning}\n`);
    await local.close();
    return 0;
  }
  process.stderr.write(`${curlExamples(credentials)}\n`);
  // Last, so they are not scrolled away by the examples.
  for (const warning of local.warnings) process.stderr.write(`\n${warning}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: finishing requests in flight, then stopping\n`);
    local.close().then(() => { log?.flush(); process.exit(0); }, () => { log?.flush(); process.exit(1); });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return -1;
}

/** `10000/5000` -> { rateLimit: 10000, burstLimit: 5000 }. */
function stageThrottleFrom(value: string | undefined): { rateLimit: number; burstLimit: number } | undefined {
  if (!value) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw new Error(`STAGE_THROTTLE: expected RATE/BURST in requests, e.g. 20000/5000; got "${value}"`);
  return { rateLimit: Number(match[1]), burstLimit: Number(match[2]) };
}

main().then((code) => { if (code >= 0) process.exit(code); }, (err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
