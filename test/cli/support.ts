import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'bin/gatehouse-cli.cjs');
/** What must never reach a terminal for bad input. */
export const STACK_TRACE = /\n\s+at |node:internal|Node\.js v\d/;

export interface Run { readonly status: number | null; readonly stdout: string; readonly stderr: string }

/**
 * This process's environment without what would change which config or table a command uses
 * (the AWS SDK's Node 20 notice is switched off: it is not ours).
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1', AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1' };
  for (const name of Object.keys(env)) {
    if (name.startsWith('GATEHOUSE_') || name.startsWith('AWS_ENDPOINT_URL') || ['REDIS_URL', 'DYNAMODB_ENDPOINT', 'CONSUMERS_TABLE_NAME', 'LOG', 'STAGE_THROTTLE', 'HOST', 'PORT', 'ISSUER_PORT'].includes(name)) delete env[name];
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs `gatehouse ARGS` through the bin shim, as `npx gatehouse` does, and waits for it. */
export function gatehouse(args: readonly string[], env: Record<string, string | undefined> = {}): Run {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv(env), encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same, without blocking this process (a dynalite or a fake AWS endpoint in it must answer meanwhile). */
export function gatehouseAsync(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

/** Waits for a child to exit, with what it wrote. */
export function collect(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => { stdout += String(d); });
  child.stderr?.on('data', (d) => { stderr += String(d); });
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

/** Every process below `pid` (children, grandchildren, ...), from ps. */
export function descendants(pid: number): number[] {
  const table = spawnSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const below: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table) if (ppid === parent) { below.push(child); queue.push(child); }
  }
  return below;
}

/** Whether a process with this pid still exists (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return stat !== '' && !stat.startsWith('Z');
}

/** Polls `check` every 100 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}
