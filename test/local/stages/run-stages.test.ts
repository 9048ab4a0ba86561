import { CONTINUE, runStages, type ApiResponse, type Stage } from '../../../local/api-gateway/stages/context';
import { apiRequest, contextFor } from './fixtures';

const answer = (statusCode: number): ApiResponse => ({ statusCode, headers: {}, body: '', log: {} });

describe('runStages: the pipeline runner', () => {
  it('runs the stages in order and returns the first answer, leaving the rest unrun', async () => {
    const ran: string[] = [];
    const stages: Stage[] = [
      () => { ran.push('a'); return CONTINUE; },
      () => { ran.push('b'); return answer(418); },
      () => { ran.push('c'); return answer(200); },
    ];
    const res = await runStages(stages, contextFor(apiRequest()));
    expect(res.statusCode).toBe(418);
    expect(ran).toEqual(['a', 'b']);
  });

  it('waits for an await point and hands its value to the next stage', async () => {
    const ctx = contextFor(apiRequest());
    const stages: Stage[] = [() => Promise.resolve(204), (c) => answer(c.settled as number)];
    expect((await runStages(stages, ctx)).statusCode).toBe(204);
    expect(ctx.failed).toBe(false);
  });

  it('hands a rejected await point to the next stage as the failure', async () => {
    const ctx = contextFor(apiRequest());
    const err = new Error('Unauthorized');
    const stages: Stage[] = [() => Promise.reject(err), (c) => answer(c.failed && c.failure === err ? 401 : 500)];
    expect((await runStages(stages, ctx)).statusCode).toBe(401);
    expect(ctx.settled).toBeUndefined();
  });

  it('clears the failure of an earlier await point when a later one succeeds', async () => {
    const ctx = contextFor(apiRequest());
    const stages: Stage[] = [() => Promise.reject(new Error('x')), () => Promise.resolve('ok'), (c) => answer(c.failed ? 500 : 200)];
    expect((await runStages(stages, ctx)).statusCode).toBe(200);
    expect(ctx.failure).toBeUndefined();
  });

  it('rejects when a stage throws, and when no stage answers', async () => {
    await expect(runStages([() => { throw new Error('boom'); }], contextFor(apiRequest()))).rejects.toThrow('boom');
    await expect(runStages([() => CONTINUE], contextFor(apiRequest()))).rejects.toThrow('no stage answered the request');
  });

  it('starts every request with its id in the log and lower-cased, comma-joined headers', () => {
    const ctx = contextFor(apiRequest({ rawHeaders: [['X-Tag', 'a'], ['x-tag', 'b'], ['Content-Type', 'application/json']] }));
    expect(ctx.log).toEqual({ requestId: '11111111-2222-3333-4444-555555555555' });
    expect(ctx.headers).toEqual({ 'x-tag': 'a,b', 'content-type': 'application/json' });
    expect(ctx.now).toBe(Date.UTC(2026, 0, 15, 12, 0, 0));
  });
});
