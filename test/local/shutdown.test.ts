import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../rate-limit/redis-server';

const ROOT = join(__dirname, '../..');

describe.each(['SIGINT', 'SIGTERM'] as const)('npm start stops gracefully on %s', (signal) => {
  it('prints the curl commands, serves, then exits 0 after the signal', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      // stdout unused (LOG=off): an unread pipe would stay open after the child exits.
      cwd: ROOT, env: { ...process.env, PORT: String(port), ISSUER_PORT: '0', LOG: 'off' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const end = Date.now() + 20_000;
      while (!stderr.includes('curl -s') && Date.now() < end && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(stderr).toContain(`curl -sS --fail-with-body http://127.0.0.1:${port}/v1/users -H 'x-api-key: `);
      const key = /x-api-key: ([^']+)'/.exec(stderr)![1];
      const inFlight = fetch(`http://127.0.0.1:${port}/v1/users`, { headers: { 'x-api-key': key } });
      const res = await inFlight;
      expect(res.status).toBe(200);
      child.kill(signal);
      let hung: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise((r) => { hung = setTimeout(() => r('hung'), 10_000); })]);
      clearTimeout(hung); // a pending 10 s timer kept Jest from exiting after the run
      expect(code).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/v1/users`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 40_000);
});
