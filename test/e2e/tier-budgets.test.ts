import { join } from 'node:path';
import { apiKey, runInThread, startTestGateway, type TestGateway } from '../local/support/harness';
import { demoUserPassword } from '../../local/user-passwords';
import type { FlowTokens } from '../local/support/oidc-flows';

/** Issue 10: whose budget a request draws on, seen through the local twin's HTTP interface. */
const FLOWS = join(__dirname, '../local/support/oidc-flows.ts');
/** An hour boundary in the near future: minute and hour windows start together. */
const T0 = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;

describe('the hour limit (a test config: free = 10/min, 25/h)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ manualClockStart: T0, overrides: { tiers: [{ name: 'free', minute: 10, hour: 25 }] } });
  });
  afterAll(async () => { await gw.close(); });

  it('refuses at exactly the hour limit while the minute still has room', async () => {
    const key = apiKey(gw.credentials, 'demo-free');
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let minute = 0; minute < 4; minute++) {
      for (let i = 0; i < 8; i++) {
        last = await fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': key } });
        statuses.push(last.status);
        if (last.status === 429) break;
        await gw.advance(1000);
      }
      if (last?.status === 429) break;
      await gw.advance(120_000 - 8000); // two minutes on: the minute window is empty again
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(25);
    expect(statuses.at(-1)).toBe(429);
    expect({
      remainingMinute: last!.headers.get('x-ratelimit-remaining-minute'), remainingHour: last!.headers.get('x-ratelimit-remaining-hour'),
    }).toEqual({ remainingMinute: '9', remainingHour: '0' });
    // The hour refused: Retry-After reaches past the minute.
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(last!.headers.get('ratelimit')).toMatch(/^"minute";r=9;t=\d+, "hour";r=0;t=\d+$/);
  });
});

describe('per-consumer budgets (shipped config and seed)', () => {
  let gw: TestGateway;
  beforeAll(async () => { gw = await startTestGateway({ manualClockStart: T0 }); });
  afterAll(async () => { await gw.close(); });

  it('never refuses two free consumers at 1 request/s each (they share only the tier\'s metering key)', async () => {
    const keys = [apiKey(gw.credentials, 'demo-free'), apiKey(gw.credentials, 'demo-free-second')];
    const statuses: number[] = [];
    for (let i = 0; i < 48; i++) {
      const res = await fetch(`${gw.url}/v1/users`, { headers: { 'x-api-key': keys[i % 2] } });
      statuses.push(res.status);
      await gw.advance(500);
    }
    expect(statuses).toEqual(Array(48).fill(200));
  });
});

describe.each([
  ['user', 'each user has the free tier\'s 60/min'],
  ['client', 'the users share one budget'],
] as const)('users of one public client (web-console, rate_limit_by: %s)', (rateLimitBy, what) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ overrides: { identity: { cognito: { public_clients: [{ name: 'web-console', rate_limit_by: rateLimitBy }] } } } });
  });
  afterAll(async () => { await gw.close(); });

  it(what, async () => {
    const token = async (loginHint: string) => (await runInThread<FlowTokens>(FLOWS, 'authorizationCodeWithPkce', {
      issuer: gw.credentials.issuer!.url, clientId: 'web-console', scope: 'openid users/read', redirectUri: 'http://localhost:3000/callback',
      loginHint, password: demoUserPassword(loginHint), // the login page prefills the username from login_hint
    })).accessToken;
    const [first, second] = [await token('demo-user'), await token('demo-user-2')];
    const call = (t: string) => fetch(`${gw.url}/v2/users`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status);
    const firstUser: number[] = [];
    for (let i = 0; i < 61; i++) firstUser.push(await call(first));
    expect(firstUser).toEqual([...Array(60).fill(200), 429]);
    expect(await call(second)).toBe(rateLimitBy === 'user' ? 200 : 429);
  });
});
