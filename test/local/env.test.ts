import { redisDownWarning } from '../../local/authorizer-adapter';
import { describeListenError, endpointProblem, formatEnvProblems, parsePort, readLocalEnv, redactUrl, redisUrlProblem } from '../../local/env';
import { ListenError } from '../../local/listen';

describe('local gateway environment variables (local/env.ts)', () => {
  it('accepts the defaults and derives ISSUER_PORT from PORT', () => {
    expect(readLocalEnv({})).toEqual({ port: 8080, issuerPort: 8081, issuerPortSet: false, host: '127.0.0.1', redisUrl: undefined, dynamodbEndpoint: undefined, consumersTableName: undefined });
    expect(readLocalEnv({ PORT: '0' })).toMatchObject({ port: 0, issuerPort: 0 });
    expect(readLocalEnv({ PORT: '9000', ISSUER_PORT: '0' })).toMatchObject({ port: 9000, issuerPort: 0, issuerPortSet: true });
    // --print-credentials listens on free ports whatever PORT says.
    expect(readLocalEnv({ PORT: '9000' }, true)).toMatchObject({ port: 0, issuerPort: 0 });
  });

  it.each([
    ['abc'], ['99999'], ['8080.5'], ['-1'], [''], ['1e3'], ['0x50'],
  ])('refuses PORT=%j naming the variable and the value as typed', (value) => {
    expect(parsePort('PORT', value)).toEqual({ variable: 'PORT', message: `${JSON.stringify(value)} is not a port; expected an integer from 0 to 65535 (0: any free port)` });
  });

  it('reports every bad variable at once, with the value the user typed (not PORT + 1)', () => {
    const problems = readLocalEnv({ PORT: '99999', ISSUER_PORT: 'abc', REDIS_URL: 'garbage', DYNAMODB_ENDPOINT: 'notaurl' });
    expect(Array.isArray(problems) && formatEnvProblems(problems)).toBe([
      'Invalid environment (4 problems)',
      '  PORT: "99999" is not a port; expected an integer from 0 to 65535 (0: any free port)',
      '  ISSUER_PORT: "abc" is not a port; expected an integer from 0 to 65535 (0: any free port)',
      '  REDIS_URL: "garbage" is not a Redis URL; expected redis://HOST[:PORT][/DB] or rediss://HOST[:PORT][/DB], e.g. redis://127.0.0.1:6379',
      '  DYNAMODB_ENDPOINT: "notaurl" is not an endpoint URL; expected an http:// or https:// URL, e.g. http://127.0.0.1:4567 (dynalite)',
    ].join('\n'));
    expect(readLocalEnv({ PORT: '65535' })).toEqual([{ variable: 'ISSUER_PORT', message: 'not set, and its default PORT + 1 = 65536 is above 65535; set ISSUER_PORT (0: any free port)' }]);
    expect(readLocalEnv({ HOST: '' })).toEqual([expect.objectContaining({ variable: 'HOST' })]);
  });

  it('accepts redis:// and rediss:// URLs and refuses what ioredis would guess at', () => {
    for (const ok of ['redis://127.0.0.1:6379', 'redis://localhost', 'rediss://user:pw@cache.example.com:6380/2', 'redis://[::1]:6379', 'redis://h:6379?family=6']) expect(redisUrlProblem(ok)).toBeUndefined();
    expect(redisUrlProblem('http://127.0.0.1:6379')).toMatch(/^"http:\/\/127\.0\.0\.1:6379" is not a Redis URL; expected redis:\/\//);
    expect(redisUrlProblem('127.0.0.1:6379')).toMatch(/is not a Redis URL/);
    expect(redisUrlProblem('redis://127.0.0.1:99999')).toMatch(/^"redis:\/\/127\.0\.0\.1:99999" is not a valid URL \(port 99999 is above 65535\)/);
    expect(redisUrlProblem('redis://127.0.0.1:0')).toMatch(/port 0 is not a Redis port/);
    expect(redisUrlProblem('redis://127.0.0.1:6379/cache')).toMatch(/the path must be a database number/);
    // A password never reaches the terminal.
    expect(redisUrlProblem('redis://user:s3cret@h:99999')).not.toContain('s3cret');
    expect(redactUrl('rediss://user:s3cret@h:6380/1')).toBe('rediss://user:***@h:6380/1');
  });

  it('accepts http(s) DynamoDB endpoints only', () => {
    for (const ok of ['http://127.0.0.1:4567', 'https://dynamodb.eu-west-1.amazonaws.com']) expect(endpointProblem(ok)).toBeUndefined();
    for (const bad of ['notaurl', '127.0.0.1:4567', 'ftp://127.0.0.1:4567', 'http://127.0.0.1:0']) expect(endpointProblem(bad)).toMatch(/DynamoDB|endpoint URL|port 0/);
    expect(endpointProblem('http://127.0.0.1:70000')).toMatch(/port 70000 is above 65535/);
  });

  it('turns a listen failure into one line naming HOST, PORT or ISSUER_PORT and the address', () => {
    const err = (listener: 'gateway' | 'issuer' | 'upstream', host: string, port: number, code: string) => new ListenError(listener, host, port, code, Object.assign(new Error(`listen ${code}: x ${host}:${port}`), { code }));
    const env = { port: 18079, issuerPortSet: false };
    expect(describeListenError(err('issuer', '127.0.0.1', 18080, 'EADDRINUSE'), env))
      .toBe('ISSUER_PORT (not set: PORT + 1 = 18080): cannot start the local OAuth issuer on 127.0.0.1:18080: the port is already in use; set ISSUER_PORT to a free port (0: any free port)');
    expect(describeListenError(err('issuer', '127.0.0.1', 18080, 'EADDRINUSE'), { ...env, issuerPortSet: true })).toMatch(/^ISSUER_PORT=18080: /);
    expect(describeListenError(err('gateway', '127.0.0.1', 80, 'EACCES'), env)).toBe('PORT=80: cannot start the gateway on 127.0.0.1:80: permission denied (ports below 1024 need privileges); set PORT to a free port (0: any free port)');
    expect(describeListenError(err('upstream', '999.1.1.1', 0, 'ENOTFOUND'), env)).toMatch(/^HOST=999\.1\.1\.1: cannot listen there: the name or address does not resolve \(ENOTFOUND\)/);
    expect(describeListenError(err('gateway', '10.9.9.9', 8080, 'EADDRNOTAVAIL'), env)).toMatch(/^HOST=10\.9\.9\.9: cannot listen on 10\.9\.9\.9:8080: not an address of this machine/);
  });

  it('says what rate limiting does while a well-formed REDIS_URL does not answer', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    expect(redisDownWarning('redis://:pw@127.0.0.1:1', cause, true)).toBe('WARNING REDIS_URL=redis://:***@127.0.0.1:1: Redis does not answer (connect ECONNREFUSED 127.0.0.1:1); rate limiting runs degraded: rate_limiting.fault_tolerant is true, so requests are admitted without being counted (request log: "limiter":"degraded") until it does. Start Redis there, fix REDIS_URL, or unset it for the in-memory limiter.');
    expect(redisDownWarning('redis://127.0.0.1:1', undefined, false)).toMatch(/fault_tolerant is false, so every request that reaches the authorizer is refused with 403 rate_limiter_unavailable/);
  });

  it('refuses look-alikes of its own variables and unknown GATEHOUSE_ ones instead of silently ignoring them', () => {
    expect(readLocalEnv({ REDIS_URI: 'redis://127.0.0.1:6380', GATEHOUSE_CONFG: 'x.yaml', PATH: '/usr/bin' })).toEqual([
      { variable: 'REDIS_URI', message: 'not a variable the local gateway reads; did you mean REDIS_URL?' },
      { variable: 'GATEHOUSE_CONFG', message: 'unknown variable; did you mean GATEHOUSE_CONFIG?' },
    ]);
  });
});
