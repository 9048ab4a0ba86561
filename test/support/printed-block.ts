import { spawn } from 'node:child_process';

/**
 * Runs a block of printed commands as a user pastes it: one bash, variables carry from line to
 * line, the first failing command (a curl answered non-2xx with --fail-with-body) stops it.
 */
export function runPrintedBlock(block: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', block], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
