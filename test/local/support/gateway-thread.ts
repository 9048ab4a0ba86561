import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../../lib/config/load';
import { mergeOverrides } from '../../../lib/config/merge';
import { demoCredentials } from '../../../local/demo';
import type { RequestLogLine } from '../../../local/request-log';
import { loadSeed } from '../../../local/seed';
import { startLocalGateway } from '../../../local/server';

export interface GatewayThreadArgs {
  /** Deep-merged over gateway.config.yaml (named lists merge by name). */
  readonly overrides?: Record<string, unknown>;
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
  const raw = mergeOverrides(parse(readFileSync(join(ROOT, 'gateway.config.yaml'), 'utf8')), args.overrides ?? {});
  const gateway = parseConfig(stringify(raw), 'gateway.config.yaml (test overrides)').environments[args.env ?? 'dev'];
  const seed = loadSeed(join(ROOT, 'local/seed.yaml'));
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
    else if (msg.type === 'close') local.close().then(() => { answer(); port.close(); });
  });
  port.postMessage({ type: 'ready', result: { url: local.url, credentials: demoCredentials(local, seed, gateway) } });
  return undefined;
}
