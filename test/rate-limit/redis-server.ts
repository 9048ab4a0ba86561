import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A throwaway redis-server on a free loopback port (never the shared 6379 one). */
export class TestRedisServer {
  private child?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port. */
  async restart(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--enable-debug-command', 'local'], { stdio: 'ignore' });
    const until = Date.now() + 5000;
    while (!(await accepts(this.port))) {
      if (Date.now() > until) throw new Error(`redis-server did not start on port ${this.port}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGKILL, as a crashed node would look to clients. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGKILL'); });
    this.child = undefined;
  }
}

/**
 * A loopback TCP proxy that accepts at once but holds each connection for `delayMs` before it
 * connects upstream and pipes: to the client it looks like a slow handshake (TLS to ElastiCache
 * at cold start). Bytes the client sends meanwhile are buffered, not lost.
 */
export class SlowProxy {
  private constructor(private readonly server: Server, private readonly sockets: Set<Socket>, readonly port: number) {}

  static async start(targetPort: number, delayMs: number): Promise<SlowProxy> {
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      client.pause();
      sockets.add(client);
      client.on('error', () => undefined).on('close', () => sockets.delete(client));
      setTimeout(() => {
        if (client.destroyed) return;
        const upstream = connect(targetPort, '127.0.0.1', () => { client.pipe(upstream); upstream.pipe(client); client.resume(); });
        sockets.add(upstream);
        upstream.on('error', () => client.destroy()).on('close', () => { sockets.delete(upstream); client.destroy(); });
        client.on('close', () => upstream.destroy());
      }, delayMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return new SlowProxy(server, sockets, (server.address() as { port: number }).port);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
