import { connect } from 'node:net';
import { apiKey, startTestGateway, type TestGateway } from './support/harness';

/** Sends raw bytes and returns the status line (or '' when the server closed without one). */
function raw(url: string, text: string, { endAfterWrite = true, timeoutMs = 5000 } = {}): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => { socket.destroy(); resolve(`TIMEOUT ${data.split('\r\n')[0]}`); }, timeoutMs);
    socket.on('data', (d) => { data += d.toString('latin1'); });
    socket.on('close', () => { clearTimeout(timer); resolve(data.split('\r\n')[0]); });
    socket.on('error', () => undefined);
    socket.write(text, 'latin1', () => { if (endAfterWrite) socket.end(); });
  });
}

describe('hostile input gets the right 4xx, never a crash or a hang', () => {
  let gw: TestGateway;
  let key: string;
  beforeAll(async () => {
    gw = await startTestGateway({ requestTimeoutSeconds: 2 });
    key = apiKey(gw.credentials, 'demo-enterprise');
  });
  // One gateway for the file: each spec starts from fresh counters, whatever the others spent.
  beforeEach(() => gw.resetCounters());
  afterAll(async () => { await gw.close(); });

  it('answers oversized headers with 431', async () => {
    const res = await fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': key, 'x-big': 'a'.repeat(21_000) } });
    expect(res.status).toBe(431);
    expect(await res.json()).toEqual({ message: 'Request header fields too large', code: 'header_too_large' });
    expect(await raw(gw.url, `GET /v1/users HTTP/1.1\r\nHost: x\r\nX-Huge: ${'b'.repeat(40_000)}\r\n\r\n`)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
  });

  it('answers bodies over security.max_body_bytes with 413 (the WAF rule body)', async () => {
    const res = await fetch(`${gw.url}/v1/users`, { method: 'POST', body: 'x'.repeat(1_048_577), headers: { 'x-api-key': key, 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ message: 'Request body too large (limit 1048576 bytes)', code: 'request_too_large' });
  });

  it('answers URLs over 8,192 bytes with 414', async () => {
    const res = await fetch(`${gw.url}/v1/users?q=${'c'.repeat(9000)}`, { headers: { 'x-api-key': key } });
    expect(res.status).toBe(414);
  });

  it('refuses path traversal and invalid percent-encoding with 400', async () => {
    for (const path of ['/v1/users/%2e%2e/plans', '/v1/users/..%2fplans', '/v1/users/%E0%A4%A', '/v1/users/%00']) {
      const status = await raw(gw.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${key}\r\nConnection: close\r\n\r\n`);
      expect([path, status]).toEqual([path, 'HTTP/1.1 400 Bad Request']);
    }
    expect(await raw(gw.url, `GET /v1/users/../plans HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${key}\r\nConnection: close\r\n\r\n`)).toBe('HTTP/1.1 400 Bad Request');
  });

  it('answers methods CloudFront does not accept with 405, and garbage with 400', async () => {
    expect(await raw(gw.url, 'TRACE /v1/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(await raw(gw.url, 'PROPFIND /v1/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(await raw(gw.url, 'FOO /v1/users HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(await raw(gw.url, '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03')).toBe('HTTP/1.1 400 Bad Request');
  });

  it('answers malformed JSON on a route without a schema by passing it through (API Gateway does not parse it)', async () => {
    const res = await fetch(`${gw.url}/v1/users`, { method: 'POST', body: '{"broken', headers: { 'x-api-key': key, 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ body: '{"broken' });
  });

  it('drops a slow client after the request timeout and keeps serving others', async () => {
    const started = Date.now();
    const slow = raw(gw.url, 'GET /v1/users HTTP/1.1\r\nHost: x\r\n', { endAfterWrite: false, timeoutMs: 15_000 });
    const meanwhile = await fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': key } });
    expect(meanwhile.status).toBe(200);
    expect(await slow).toMatch(/^(HTTP\/1.1 408|$)/);
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it('still serves normally after all of the above', async () => {
    expect((await fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': key } })).status).toBe(200);
  });
});

/** Issue 12: what the framework would have answered itself goes through the gateway's own answers. */
describe('requests the HTTP framework rejects, and Expect: 100-continue', () => {
  let gw: TestGateway;
  let key: string;
  beforeAll(async () => {
    gw = await startTestGateway();
    key = apiKey(gw.credentials, 'demo-enterprise');
    await gw.logs();
  });
  // One gateway for the file: each spec starts from fresh counters, whatever the others spent.
  beforeEach(() => gw.resetCounters());
  afterAll(async () => { await gw.close(); });

  /** The whole answer to raw bytes: status line, lower-case headers, body. */
  function exchange(text: string): Promise<{ status: string; headers: Record<string, string>; body: string }> {
    const { port } = new URL(gw.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let data = '';
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer: ${data}`)); }, 5000);
      socket.on('data', (d) => {
        data += d.toString('latin1');
        const final = data.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
        const end = final.indexOf('\r\n\r\n');
        const length = /\r\ncontent-length: (\d+)/i.exec(final)?.[1];
        if (end < 0 || length === undefined || final.length < end + 4 + Number(length)) return;
        clearTimeout(timer);
        socket.destroy();
        const [head, body] = [final.slice(0, end), final.slice(end + 4)];
        const [status, ...lines] = head.split('\r\n');
        resolve({ status, headers: Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])), body });
      });
      socket.on('error', reject);
      socket.write(text, 'latin1');
    });
  }

  it('answers an invalid percent-encoding with the gateway\'s 400, CloudFront\'s headers, a request id and a log line', async () => {
    const res = await exchange(`GET /v1/users%zz HTTP/1.1\r\nHost: x\r\nx-api-key: ${key}\r\n\r\n`);
    expect(res.status).toBe('HTTP/1.1 400 Bad Request');
    const body = JSON.parse(res.body);
    expect(body).toEqual({ message: 'Bad request', code: 'bad_request', requestId: res.headers['x-amzn-requestid'] });
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers).toMatchObject({ 'strict-transport-security': expect.any(String), 'x-content-type-options': 'nosniff', server: 'CloudFront' });
    expect(res.body).not.toMatch(/FST_|valid url component/);
    expect((await gw.logs()).pop()).toMatchObject({ status: 400, path: '/v1/users%zz', requestId: body.requestId, error: 'DEFAULT_4XX' });
  });

  it('answers Expect: 100-continue with 100, then forwards the body to the upstream', async () => {
    const res = await exchange(`POST /v1/users HTTP/1.1\r\nHost: x\r\nx-api-key: ${key}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n{}`);
    expect(res.status).toBe('HTTP/1.1 200 OK');
    expect(JSON.parse(res.body)).toMatchObject({ method: 'POST', service: 'user-service-v1' });
    expect(JSON.parse(res.body).headers.expect).toBeUndefined();
  });
});
