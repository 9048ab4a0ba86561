import { EventEmitter } from 'node:events';
import { jsonLineLogger } from '../../local/request-log';

/** A writable stand-in that records each write and can refuse (backpressure). */
class RecordingStream extends EventEmitter {
  readonly writes: string[] = [];
  accept = true;
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return this.accept;
  }
}

const line = (n: number) => ({ time: '2026-11-28T09:00:00.000Z', requestId: `r${n}`, method: 'GET', path: '/v1/users', status: 200, latencyMs: 1 });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('the request log (JSON lines, batched)', () => {
  it('writes the lines of one event-loop turn in one write, one JSON object per line', async () => {
    const stream = new RecordingStream();
    const log = jsonLineLogger(stream as unknown as NodeJS.WritableStream);
    log(line(1));
    log(line(2));
    log(line(3));
    expect(stream.writes).toEqual([]);
    await nextTurn();
    expect(stream.writes).toHaveLength(1);
    expect(stream.writes[0].split('\n')).toEqual([JSON.stringify(line(1)), JSON.stringify(line(2)), JSON.stringify(line(3)), '']);
  });

  it('writes pending lines at once on flush (before exiting)', () => {
    const stream = new RecordingStream();
    const log = jsonLineLogger(stream as unknown as NodeJS.WritableStream);
    log(line(1));
    log.flush();
    expect(stream.writes).toEqual([`${JSON.stringify(line(1))}\n`]);
  });

  it('writes early when a batch reaches batchBytes', () => {
    const stream = new RecordingStream();
    const log = jsonLineLogger(stream as unknown as NodeJS.WritableStream, { batchBytes: 200 });
    for (let i = 0; i < 3; i++) log(line(i));
    expect(stream.writes).toHaveLength(1);
  });

  it('keeps memory bounded under backpressure: drops beyond maxPendingBytes, resumes on drain', async () => {
    const stream = new RecordingStream();
    stream.accept = false;
    const log = jsonLineLogger(stream as unknown as NodeJS.WritableStream, { batchBytes: 1, maxPendingBytes: 500 });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      for (let i = 0; i < 100; i++) log(line(i)); // first write refused: the rest wait for 'drain'
      expect(stream.writes).toHaveLength(1);
      stream.accept = true;
      stream.emit('drain');
      expect(stream.writes).toHaveLength(2);
      const kept = stream.writes[1].trim().split('\n');
      expect(kept.length).toBeLessThan(99);
      expect(stderr).toHaveBeenCalledWith(`request log: ${99 - kept.length} lines dropped (output too slow)\n`);
    } finally {
      stderr.mockRestore();
    }
    await nextTurn();
  });
});
