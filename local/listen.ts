import type { Server } from 'node:net';

/** Which server of the local gateway could not listen. */
export type Listener = 'gateway' | 'issuer' | 'upstream';

/** A server that could not listen: the data to say which variable to change. */
export class ListenError extends Error {
  constructor(
    readonly listener: Listener,
    readonly host: string,
    readonly port: number,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(`${listener} cannot listen on ${hostPort(host, port)}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'ListenError';
  }
}

/** Listens, or rejects with a {@link ListenError} (never an unhandled 'error' event). */
export function listen(server: Server, listener: Listener, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new ListenError(listener, host, port, err.code, err));
    server.once('error', onError);
    server.listen(port, host, () => { server.off('error', onError); resolve(); });
  });
}

/** `127.0.0.1:8080`, `[::1]:8080`. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
