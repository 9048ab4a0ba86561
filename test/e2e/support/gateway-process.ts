import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { RequestLogLine } from '../../../local/request-log';
import { freePort } from '../../rate-limit/redis-server';

const ROOT = join(__dirname, '../../..');

/** A gateway started as `npm start` runs it (`tsx local/main.ts`), in its own process group. */
export interface GatewayProcess {
  readonly url: string;
  /** Request log lines (stdout, one JSON line per request) since the last call. */
  logs(): RequestLogLine[];
  stop(): Promise<void>;
}

export async function startGatewayProcess(env: Record<string, string> = {}, args: string[] = []): Promise<GatewayProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts', ...args], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited(), NODE_NO_WARNINGS: '1', PORT: String(port), ISSUER_PORT: '0', ...env },
  });
  let stderr = '';
  let partial = '';
  const lines: RequestLogLine[] = [];
  child.stderr!.on('data', (d) => { stderr += String(d); });
  child.stdout!.on('data', (d) => {
    const text = partial + String(d);
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as RequestLogLine);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const until = Date.now() + 30_000;
  while (!stderr.includes('curl -s') && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  if (!stderr.includes('curl -s')) {
    await stop();
    throw new Error(`the gateway did not start:\n${stderr}`);
  }
  return { url: `http://127.0.0.1:${port}`, logs: () => lines.splice(0), stop };
}

export interface Answer { readonly status: number; readonly headers: Readonly<Record<string, string | string[] | undefined>>; readonly body: string }

/** One GET on `agent` (keep-alive: `connections` sockets at most). */
export function get(url: string, headers: Record<string, string>, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.end();
  });
}

/** `count` GETs, all sent at once, over at most `connections` keep-alive connections per URL. */
export async function burst(urls: readonly string[], headers: Record<string, string>, count: number, connections: number): Promise<Answer[]> {
  const agents = urls.map(() => new Agent({ keepAlive: true, maxSockets: connections }));
  try {
    return await Promise.all(Array.from({ length: count }, (_, i) => get(urls[i % urls.length], headers, agents[i % urls.length])));
  } finally {
    for (const a of agents) a.destroy();
  }
}

/** This process's environment without the variables that would change which gateway starts. */
function inherited(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('GATEHOUSE_') || ['REDIS_URL', 'DYNAMODB_ENDPOINT', 'CONSUMERS_TABLE_NAME', 'LOG', 'STAGE_THROTTLE', 'HOST'].includes(name)) delete env[name];
  }
  return env;
}
