import { InvalidArgumentError, Option, type Command } from 'commander';
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
    .addOption(new Option('--regions <list>', 'serve these regions, primary first (eu-west-2,eu-west-1), instead of the environment\'s: 2 or more run one gateway per region behind the edge router on PORT (an environment with regions in the config does so without this option)').argParser(regionList))
    .addOption(new Option('--time-scale <factor>', 'multiply the edge router\'s probe interval, probe timeout, period and DNS TTL by FACTOR (0.001 to 1; 0.1: a 60 s TTL lasts 6 s) to try a failover quickly; rate-limit windows are not scaled').argParser(timeScale))
    .addHelpText('after', `
Environment: PORT (8080; 0 = any free port; the edge router's with 2+ regions), ISSUER_PORT (PORT+1), HOST (127.0.0.1),
  REDIS_URL (redis://HOST[:PORT][/DB]: Redis limiter; with 2+ regions one per region, comma-separated), DYNAMODB_ENDPOINT + CONSUMERS_TABLE_NAME
  (DynamoDB consumer store, checked at startup), LOG=off (no request log),
  STAGE_THROTTLE=RATE/BURST (stage throttle of an account with a raised quota).
Stops on SIGINT or SIGTERM (also when sent to the npm process of npm start), finishing requests in flight.`)
    .action(async (opts: { config: string; env: string; seed?: string; credentialsFile?: string; printCredentials?: boolean; watch?: boolean; regions?: string[]; timeScale?: number }, command: Command) => {
      // Loaded here: --help and the other commands do not pay for fastify, oidc-provider and the AWS SDK.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runLocalGateway } = require('../local/main') as typeof import('../local/main');
      process.exitCode = await runLocalGateway({ ...opts, configFrom: configSource(command) });
    });
}

/** `--regions a,b`: the names, checked here (exit 2 for a list that is not one); against the config once it is read. */
function regionList(value: string): string[] {
  // Loaded here: the twin's modules stay unloaded for --help.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseRegionList } = require('../local/twin-regions') as typeof import('../local/twin-regions');
  try {
    return parseRegionList(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** `--time-scale 0.1`: a number from 0.001 to 1. */
function timeScale(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0.001 || n > 1) throw new InvalidArgumentError('expected a number from 0.001 to 1 (0.1: the edge router\'s timers run 10 times as fast)');
  return n;
}
