import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../../lib/checks/load';
import { mergeOverrides } from '../../../lib/config/merge';
import { curlExamples, demoCredentials } from '../../../local/demo';
import { deriveDemoSeed } from '../../../local/demo-seed';
import type { RequestLogLine } from '../../../local/request-log';
import { loadSeed } from '../../../local/seed';
import { startLocalGateway } from '../../../local/server';

export interface GatewayThreadArgs {
  /** The config served (relative to the repository root). @default gateway.config.yaml */
  readonly configFile?: string;
  /** Deep-merged over the config (named lists merge by name). */
  readonly overrides?: Record<string, unknown>;
  /** `derived`: the demo consumers derived from the config, as `npm start` without --seed. @default local/seed.yaml */
  readonly seed?: 'derived';
  readonly env?: string;
  readonly redisUrl?: string;
  /** Start the clock here and only move it with `advance` messages. */
  readonly manualClockStart?: number;
  readonly requestTimeoutSeconds?: number;
  /** Consumer store in DynamoDB (dynalite) instead of the in-memory seed. */
  readonly dynamodb?: { readonly endpoint: string; readonly tableName: string };
}

const ROOT = join(__dirname, '../../..');

/** Started in a worker thread by harness.ts; answers messages until told to close. */
export async function serve(args: GatewayThreadArgs, port: MessagePort): Promise<undefined> {
  const configFile = args.configFile ?? 'gateway.config.yaml';
  const raw = mergeOverrides(parse(readFileSync(join(ROOT, configFile), 'utf8')), args.overrides ?? {});
  const gateway = parseConfig(stringify(raw), `${configFile} (test overrides)`).environments[args.env ?? 'dev'];
  const seed = args.seed === 'derived' ? deriveDemoSeed(gateway.config) : loadSeed(join(ROOT, 'local/seed.yaml'));
  let now = args.manualClockStart ?? 0;
  const clock = args.manualClockStart === undefined ? Date.now : () => now;
  const logs: RequestLogLine[] = [];
  const local = await startLocalGateway({
    gateway, seed, clock, redisUrl: args.redisUrl, dynamodb: args.dynamodb, requestTimeoutSeconds: args.requestTimeoutSeconds, log: (line) => { logs.push(line); if (logs.length > 500) logs.shift(); },
  });
  port.on('message', (msg: { id: number; type: string; ms?: number }) => {
    const answer = (result?: unknown) => port.postMessage({ type: 'answer', id: msg.id, result });
    if (msg.type === 'advance') { now += msg.ms ?? 0; answer(now); }
    else if (msg.type === 'logs') answer(logs.splice(0));
    else if (msg.type === 'clear-authorizer-cache') { local.api.clearAuthorizerCache(); answer(); }
    else if (msg.type === 'reset-counters') { local.resetCounters(); answer(); }
    else if (msg.type === 'close') local.close().then(() => { answer(); port.close(); });
  });
  const credentials = demoCredentials(local, seed, gateway, { config: configFile, consumers: args.seed === 'derived' ? 'derived from the config' : 'seed file local/seed.yaml' });
  port.postMessage({ type: 'ready', result: { url: local.url, credentials, printed: curlExamples(credentials) } });
  return undefined;
}
