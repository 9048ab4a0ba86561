import { Option, type Command } from 'commander';
import { configOption, configSource } from './config-option';

/** `gatehouse start`: the local twin (local/main.ts). `npm start` is `gatehouse start`. */
export function startCommand(program: Command): Command {
  return program.command('start')
    .description('run one environment of the gateway on this machine (http://127.0.0.1:8080)')
    .addOption(configOption())
    .option('-e, --env <name>', 'environment to serve', 'dev')
    .option('--seed <file>', 'demo consumers (default: derived from the config; docs/local-gateway.md)')
    .addOption(new Option('--credentials-file <file>', 'write the demo credentials with the live addresses as JSON to FILE once the gateway listens; removed when it stops').conflicts('printCredentials'))
    .option('--print-credentials', 'start on free ports, print the demo keys, clients and secrets as JSON (no addresses), stop')
    .addOption(new Option('--watch', 'restart on the same ports, with the same issuer keys, when the config or seed file changes; an edit that does not load is reported and the running twin kept').conflicts('printCredentials'))
    .addHelpText('after', `
Environment: PORT (8080; 0 = any free port), ISSUER_PORT (PORT+1), HOST (127.0.0.1),
  REDIS_URL (redis://HOST[:PORT][/DB]: Redis limiter), DYNAMODB_ENDPOINT + CONSUMERS_TABLE_NAME
  (DynamoDB consumer store, checked at startup), LOG=off (no request log),
  STAGE_THROTTLE=RATE/BURST (stage throttle of an account with a raised quota).
Stops on SIGINT or SIGTERM (also when sent to the npm process of npm start), finishing requests in flight.`)
    .action(async (opts: { config: string; env: string; seed?: string; credentialsFile?: string; printCredentials?: boolean; watch?: boolean }, command: Command) => {
      // Loaded here: --help and the other commands do not pay for fastify, oidc-provider and the AWS SDK.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runLocalGateway } = require('../local/main') as typeof import('../local/main');
      process.exitCode = await runLocalGateway({ ...opts, configFrom: configSource(command) });
    });
}
