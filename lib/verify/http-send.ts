/** How `gatehouse verify` sends its requests: one at a time, never retried, never redirected, 10 s at most. */
import type { Answer, Send } from './checks';

const TIMEOUT_MS = 10_000;

export function httpSend(base: string): Send {
  return async ({ method, path, headers, body }) => {
    const response = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    const answer: Answer = { status: response.status, headers: Object.fromEntries([...response.headers].map(([k, v]) => [k.toLowerCase(), v])), body: await response.text() };
    return answer;
  };
}
