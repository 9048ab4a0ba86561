import type { Server } from 'node:http';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { requestEvent } from './events';
import { API_KEYS, cognitoClaims, harness, jwksServer, keyPair, sign, testConfig, type Keys } from './fixtures';

/** Random and mutated events: the only outcomes are `Unauthorized` or a well-formed policy. */
let keys: Keys;
let partners: { url: string; server: Server; hits: () => number };
beforeAll(async () => { keys = await keyPair('RS256', 'cognito-1'); partners = await jwksServer({ keys: [] }); });
afterAll(() => partners.server.close());

let seed = 1234567;
const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const junk = (): unknown => pick<() => unknown>([
  () => undefined, () => null, () => 42, () => -1, () => true, () => [], () => ({}), () => '', () => 'x'.repeat(Math.floor(rnd() * 20000)),
  () => '\u0000\r\n', () => '../../etc/passwd', () => '{"a":', () => 'Bearer ', () => 'Bearer a.b.c', () => ['a', 'b'], () => ({ toString: 1 }),
  () => String.fromCharCode(...Array.from({ length: 40 }, () => Math.floor(rnd() * 0xffff))),
])();

function mutate(event: Record<string, any>): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const paths = [
    ['methodArn'], ['httpMethod'], ['path'], ['headers'], ['multiValueHeaders'], ['requestContext'], ['requestContext', 'identity'],
    ['requestContext', 'identity', 'sourceIp'], ['requestContext', 'identity', 'clientCert'], ['multiValueHeaders', 'Authorization'],
    ['multiValueHeaders', 'x-api-key'], ['multiValueHeaders', 'X-Forwarded-Host'], ['multiValueHeaders', 'x-canary'], ['headers', 'Authorization'],
  ];
  const path = pick(paths);
  let target = event;
  for (const key of path.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) return;
    target = target[key];
  }
  const last = path[path.length - 1];
  if (rnd() < 0.2) delete target[last];
  else target[last] = last === 'Authorization' || last === 'x-api-key' ? pick([[junk()], junk(), [JSON.stringify(junk()) ?? "" ]]) : junk();
}

describe('fuzzing the authorizer', () => {
  it('answers 1500 random and mutated events with Unauthorized or a valid policy', async () => {
    const config = testConfig(partners.url);
    const { authorize } = harness({ config, cognitoKeys: keys, partnersUrl: partners.url });
    const token = await sign(keys, cognitoClaims());
    const seeds = [
      () => requestEvent({ path: '/v2/users', headers: { Authorization: `Bearer ${token}` } }),
      () => requestEvent({ headers: { 'x-api-key': API_KEYS.free } }),
      () => requestEvent({ path: '/status' }),
      () => requestEvent({ method: 'POST', path: '/internal/billing', clientCert: { subjectDN: 'CN=billing-service,OU=internal,O=Example Corp', serialNumber: '1' } }),
      () => requestEvent({ path: '/x', headers: { 'X-Forwarded-Host': 'acme.api.example.com', 'x-api-key': API_KEYS.tenant } }),
    ];
    const counts = { unauthorized: 0, allow: 0, deny: 0 };
    for (let i = 0; i < 1500; i++) {
      let event: unknown;
      if (i % 10 === 0) event = junk();
      else {
        event = pick(seeds)();
        for (let m = 0; m < 1 + Math.floor(rnd() * 4); m++) mutate(event as Record<string, unknown>);
        if (i % 7 === 0) { // mutate the token itself
          const bytes = [...token];
          bytes[Math.floor(rnd() * bytes.length)] = pick(['A', '.', '-', '_', '=', '+', 'z']);
          (event as APIGatewayRequestAuthorizerEvent).multiValueHeaders = { Authorization: [`Bearer ${bytes.join('')}`] };
        }
      }
      try {
        const result = await authorize(event as APIGatewayRequestAuthorizerEvent);
        const statement = result.policyDocument.Statement[0] as { Effect: string; Resource: string; Action: string };
        expect(statement.Action).toBe('execute-api:Invoke');
        expect(statement.Resource).toMatch(/^arn:aws:execute-api:[a-z0-9-]+:\d{12}:[a-z0-9]+\/[\w-]+\/\*\/\*$/);
        expect(typeof result.principalId).toBe('string');
        for (const v of Object.values(result.context ?? {})) {
          expect(['string', 'number', 'boolean']).toContain(typeof v);
          // Context values become upstream headers: printable ASCII only.
          if (typeof v === 'string') expect(v).toMatch(/^[\x20-\x7e]*$/);
        }
        counts[statement.Effect === 'Allow' ? 'allow' : 'deny'] += 1;
      } catch (err) {
        expect(err).toEqual(new Error('Unauthorized'));
        counts.unauthorized += 1;
      }
    }
    expect(counts.unauthorized).toBeGreaterThan(100);
    expect(counts.allow).toBeGreaterThan(100);
    expect(counts.deny).toBeGreaterThan(10);
  });
});
