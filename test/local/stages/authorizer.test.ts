import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { RateLimiterUnavailableError } from '../../../lib/rate-limit/rate-limiter';
import { compileIdentitySources } from '../../../local/api-gateway/identity-sources';
import { authorizerCache, authorizerOutcome, authorizerPolicy, identitySources, invokeAuthorizer } from '../../../local/api-gateway/stages/authorizer';
import type { CompiledGateway } from '../../../local/api-gateway/stages/context';
import { allow, apiMethod, apiRequest, bodyOf, compiledMethod, deny, matchedContext, NOW } from './fixtures';

const withIdentity = compiledMethod({ identity: compileIdentitySources(['method.request.header.Authorization']) });

/** An authorizer result cache as a plain map, recording what is stored for how long. */
function memoryCache(entries: Record<string, APIGatewayAuthorizerResult> = {}) {
  const stored: [string, APIGatewayAuthorizerResult, number][] = [];
  const cache: CompiledGateway['authorizerCache'] = { get: (key) => entries[key], set: (key, result, ttl) => { stored.push([key, result, ttl]); } };
  return { cache, stored };
}

describe('identitySources', () => {
  it('answers 401 UNAUTHORIZED, reason identity_source_missing, without invoking the authorizer when a source is missing', () => {
    const ctx = matchedContext(apiRequest(), {}, apiMethod(), withIdentity);
    const res = identitySources(ctx);
    expect(res).toMatchObject({ statusCode: 401, log: { route: 'users', reason: 'identity_source_missing', error: 'UNAUTHORIZED' } });
    expect(ctx.log.reason).toBeUndefined();
  });

  it('keys the result cache on the authorizer id and the identity values', () => {
    const ctx = matchedContext(apiRequest({ rawHeaders: [['Authorization', 'Bearer t1']] }), {}, apiMethod(), withIdentity);
    expect(identitySources(ctx)).toBeUndefined();
    expect(ctx.cacheKey).toBe('300|method.request.header.Authorization\u0000Bearer t1');
  });

  it('parses the query (last value wins) whether or not the method caches results', () => {
    const ctx = matchedContext(apiRequest({ rawQuery: 'a=1&a=2&b=x%20y' }));
    expect(identitySources(ctx)).toBeUndefined();
    expect(ctx.query).toEqual({ a: '2', b: 'x y' });
    expect(ctx.cacheKey).toBeUndefined();
  });
});

describe('authorizerCache', () => {
  it('replays a cached result and logs the hit', () => {
    const cached = allow({ consumer: 'acme' });
    const ctx = matchedContext(apiRequest(), { authorizerCache: memoryCache({ k: cached }).cache });
    ctx.cacheKey = 'k';
    expect(authorizerCache(ctx)).toBeUndefined();
    expect(ctx.result).toBe(cached);
    expect(ctx.log.authorizerCacheHit).toBe(true);
    expect(ctx.methodArn).toBe('arn:aws:execute-api:eu-west-1:123456789012:local/live/GET/v1/users/42');
  });

  it('logs a miss when the method caches nothing', () => {
    const ctx = matchedContext(apiRequest(), { authorizerCache: memoryCache({ k: allow() }).cache });
    authorizerCache(ctx);
    expect(ctx.result).toBeUndefined();
    expect(ctx.log.authorizerCacheHit).toBe(false);
  });
});

describe('invokeAuthorizer', () => {
  it('calls the authorizer with the REQUEST event on a miss and returns its promise as the await point', async () => {
    const events: APIGatewayRequestAuthorizerEvent[] = [];
    const decision = { result: allow(), limiterDegraded: false };
    const ctx = matchedContext(apiRequest({ rawHeaders: [['Host', 'api.example.com'], ['User-Agent', 'curl/8']] }), { authorize: async (event) => { events.push(event); return decision; } });
    ctx.methodArn = 'arn:m';
    const out = invokeAuthorizer(ctx);
    expect(out).toBeInstanceOf(Promise);
    expect(await out).toBe(decision);
    expect(events[0]).toMatchObject({
      type: 'REQUEST', methodArn: 'arn:m', resource: '/v1/users/{id}', path: '/v1/users/42', httpMethod: 'GET', pathParameters: { id: '42' },
      requestContext: { requestId: ctx.requestId, accountId: '123456789012', apiId: 'local', stage: 'live', domainName: 'api.example.com', requestTimeEpoch: NOW, identity: { sourceIp: '203.0.113.7', userAgent: 'curl/8' } },
    });
  });

  it('does not invoke the authorizer when the result came from the cache', () => {
    const ctx = matchedContext(apiRequest(), { authorize: () => { throw new Error('not reached'); } });
    ctx.result = allow();
    expect(invokeAuthorizer(ctx)).toBeUndefined();
  });

  it('takes an authorizer that throws synchronously as a failure', () => {
    const err = new Error('Unauthorized');
    const ctx = matchedContext(apiRequest(), { authorize: () => { throw err; } });
    expect(invokeAuthorizer(ctx)).toBeUndefined();
    expect(ctx.failed).toBe(true);
    expect(ctx.failure).toBe(err);
  });
});

describe('authorizerOutcome', () => {
  const settledWith = (settled: unknown, parts: Partial<CompiledGateway> = {}) => {
    const ctx = matchedContext(apiRequest(), parts);
    ctx.settled = settled;
    return ctx;
  };
  const failedWith = (failure: unknown) => {
    const ctx = settledWith(undefined);
    ctx.failed = true;
    ctx.failure = failure;
    return ctx;
  };

  it('answers a thrown Unauthorized with UNAUTHORIZED', () => {
    expect(authorizerOutcome(failedWith(new Error('Unauthorized')))).toMatchObject({ statusCode: 401, log: { error: 'UNAUTHORIZED' } });
  });

  it('answers any other failure with AUTHORIZER_FAILURE; a limiter that did not answer is logged unavailable', () => {
    expect(authorizerOutcome(failedWith(new Error('boom')))).toMatchObject({ statusCode: 500, log: { error: 'AUTHORIZER_FAILURE' } });
    expect(authorizerOutcome(failedWith(new RateLimiterUnavailableError('redis timeout')))).toMatchObject({ statusCode: 500, log: { limiter: 'unavailable', error: 'AUTHORIZER_FAILURE' } });
    expect(authorizerOutcome(settledWith(undefined))).toMatchObject({ statusCode: 500, log: { error: 'AUTHORIZER_FAILURE' } });
  });

  it('answers a result without principalId or policy statements with AUTHORIZER_CONFIGURATION_ERROR', () => {
    const res = authorizerOutcome(settledWith({ result: { principalId: 'x', policyDocument: {} }, limiterDegraded: true }));
    expect(res).toMatchObject({ statusCode: 500, log: { limiter: 'degraded', error: 'AUTHORIZER_CONFIGURATION_ERROR' } });
  });

  it('caches a valid result for the method\'s TTL and carries it on', () => {
    const { cache, stored } = memoryCache();
    const result = allow();
    const ctx = settledWith({ result, limiterDegraded: false }, { authorizerCache: cache });
    ctx.cacheKey = 'k';
    expect(authorizerOutcome(ctx)).toBeUndefined();
    expect(ctx.result).toBe(result);
    expect(stored).toEqual([['k', result, 300]]);
  });

  it('passes a cached result on untouched', () => {
    const ctx = settledWith(undefined);
    ctx.result = allow();
    expect(authorizerOutcome(ctx)).toBeUndefined();
  });
});

describe('authorizerPolicy', () => {
  const withResult = (result: APIGatewayAuthorizerResult) => {
    const ctx = matchedContext(apiRequest());
    ctx.methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:local/live/GET/v1/users/42';
    ctx.result = result;
    return ctx;
  };

  it('logs consumer, tier and reason from the context and lets an Allow through as limiter allowed', () => {
    const ctx = withResult(allow({ consumer: 'acme', tier: 'pro', reason: '' }));
    expect(authorizerPolicy(ctx)).toBeUndefined();
    expect(ctx.log).toMatchObject({ consumer: 'acme', tier: 'pro', reason: undefined, limiter: 'allowed' });
    expect(ctx.authorizer).toEqual({ consumer: 'acme', tier: 'pro', reason: '' });
  });

  it('answers a Deny with ACCESS_DENIED rendered with the context; a limiter refusal is logged limited', () => {
    const res = authorizerPolicy(withResult(deny({ consumer: 'acme', reason: 'rate_limited' })));
    expect(res).toMatchObject({ statusCode: 403, log: { consumer: 'acme', reason: 'rate_limited', limiter: 'limited', error: 'ACCESS_DENIED' } });
    expect(bodyOf(res as { body: string })).toEqual({ type: 'ACCESS_DENIED', authorizer: { consumer: 'acme', reason: 'rate_limited' } });
  });

  it('denies a result whose Allow covers another method ARN', () => {
    const result = allow();
    result.policyDocument.Statement[0] = { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:local/live/POST/*' };
    expect(authorizerPolicy(withResult(result))).toMatchObject({ statusCode: 403, log: { error: 'ACCESS_DENIED' } });
  });
});
