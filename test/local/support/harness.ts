import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DemoCredentials } from '../../../local/demo';
import type { RequestLogLine } from '../../../local/request-log';
import type { GatewayThreadArgs } from './gateway-thread';

const THREAD = join(__dirname, 'thread.mjs');

export interface TestGateway {
  readonly url: string;
  readonly credentials: DemoCredentials;
  /** The block of commands `npm start` prints for these credentials. */
  readonly printed: string;
  /** Moves the manual clock (manualClockStart) forward. */
  advance(ms: number): Promise<number>;
  /** Request log lines since the last call. */
  logs(): Promise<RequestLogLine[]>;
  clearAuthorizerCache(): Promise<void>;
  /** Authorizer cache, usage plans and in-memory tier windows as at startup (beforeEach of a shared gateway). */
  resetCounters(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a local gateway in a worker thread of this process, on a free loopback port. */
export async function startTestGateway(args: GatewayThreadArgs = {}): Promise<TestGateway> {
  const worker = new Worker(THREAD, { workerData: { module: join(__dirname, 'gateway-thread.ts'), fn: 'serve', args } });
  let next = 0;
  const pending = new Map<number, (v: unknown) => void>();
  const ready = new Promise<{ url: string; credentials: DemoCredentials; printed: string }>((resolve, reject) => {
    worker.on('message', (msg: { type: string; id?: number; result?: unknown; message?: string }) => {
      if (msg.type === 'ready') resolve(msg.result as { url: string; credentials: DemoCredentials; printed: string });
      else if (msg.type === 'error') reject(new Error(msg.message));
      else if (msg.type === 'answer') pending.get(msg.id!)?.(msg.result);
    });
    worker.once('error', reject);
    // A thread that dies before it is ready would otherwise leave the caller waiting forever.
    worker.once('exit', (code) => reject(new Error(`the gateway thread exited (code ${code}) before it was ready`)));
  });
  const ask = <T>(type: string, extra: Record<string, unknown> = {}) => new Promise<T>((resolve) => {
    const id = next++;
    pending.set(id, (v) => { pending.delete(id); resolve(v as T); });
    worker.postMessage({ id, type, ...extra });
  });
  const { url, credentials, printed } = await ready;
  return {
    url, credentials, printed,
    advance: (ms) => ask<number>('advance', { ms }),
    logs: () => ask<RequestLogLine[]>('logs'),
    clearAuthorizerCache: () => ask<void>('clear-authorizer-cache'),
    resetCounters: () => ask<void>('reset-counters'),
    close: async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ask('close'), new Promise((r) => { timer = setTimeout(r, 8000); })]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}

/** Runs one exported async function of a TypeScript module in a worker thread (ESM-only deps). */
export async function runInThread<T>(module: string, fn: string, args: unknown): Promise<T> {
  const worker = new Worker(THREAD, { workerData: { module, fn, args } });
  try {
    return await new Promise<T>((resolve, reject) => {
      worker.on('message', (msg: { type: string; result?: unknown; message?: string }) => {
        if (msg.type === 'result') resolve(msg.result as T);
        else if (msg.type === 'error') reject(new Error(msg.message));
      });
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

export const apiKey = (c: DemoCredentials, consumer: string): string => c.apiKeys.find((k) => k.consumer === consumer)!.key;
