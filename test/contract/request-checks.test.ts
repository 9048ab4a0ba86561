import { cacheKeyQueries, requestChecks, type RequestCheckSettings } from '../../lib/contract/request-checks';

const settings: RequestCheckSettings = { maxBodyBytes: 1024, allowedContentTypes: ['application/json'], cacheKeyQueries: ['currency'], mtlsDomain: false };
const summary = (s: RequestCheckSettings) => requestChecks(s).map((c) => [c.rule, c.scope, c.priority, c.statusCode, c.bodyKey, c.body.code]);

describe('the request-check table', () => {
  it('lists the checks in the order they run: the edge size rule, then the regional ones by priority', () => {
    expect(summary(settings)).toEqual([
      ['MaxBodySize', 'edge', 0, 413, 'payload-too-large', 'request_too_large'],
      ['RequireOriginVerify', 'regional', 0, 403, 'Forbidden', 'forbidden'],
      ['AllowedContentTypes', 'regional', 1, 415, 'UnsupportedMediaType', 'unsupported_media_type'],
      ['RepeatedCacheKeyParameter', 'regional', 3, 400, 'RepeatedParameter', 'repeated_parameter'],
    ]);
  });

  it('adds the mTLS domain\'s rules when the environment has one', () => {
    expect(summary({ ...settings, mtlsDomain: true }).map(([rule, , priority, status]) => [rule, priority, status])).toEqual([
      ['MaxBodySize', 0, 413], ['RequireOriginVerify', 0, 403], ['AllowedContentTypes', 1, 415],
      ['MtlsDomainNoEdgeHeaders', 2, 403], ['RepeatedCacheKeyParameter', 3, 400], ['MtlsDomainMaxBodySize', 4, 413],
    ]);
    const mtlsRules = requestChecks({ ...settings, mtlsDomain: true }).filter((c) => c.domain === 'mtls').map((c) => c.rule);
    expect(mtlsRules).toEqual(['MtlsDomainNoEdgeHeaders', 'MtlsDomainMaxBodySize']);
  });

  it('carries each rule\'s pattern: the limit, the content-type expression, one expression per cache-keyed parameter', () => {
    const [size, , types, repeated] = requestChecks(settings);
    expect(size).toMatchObject({ maxBodyBytes: 1024, body: { message: 'Request body too large (limit 1024 bytes)' } });
    expect(types).toMatchObject({ methods: ['POST', 'PUT', 'PATCH'], contentTypePattern: '^(?:application/json)[ \\t]*(?:;|$)' });
    expect(repeated).toMatchObject({ parameters: ['currency'], patterns: ['(?:^|&)currency=.*&currency='] });
  });

  it('keeps the repeated-parameter row without parameters when no stage cache is keyed on the query', () => {
    expect(requestChecks({ ...settings, cacheKeyQueries: [] }).find((c) => c.rule === 'RepeatedCacheKeyParameter')).toMatchObject({ parameters: [], patterns: [] });
  });

  it('collects each cache-keyed query parameter once', () => {
    const cached = (...keyQuery: string[]) => ({ cache: { ttl: 60, keyQuery, keyHeaders: [] } });
    expect(cacheKeyQueries([cached('currency', 'page'), { cache: undefined }, cached('currency')])).toEqual(['currency', 'page']);
  });
});
