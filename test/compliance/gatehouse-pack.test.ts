import { App, Duration, Stack, aws_cloudfront as cloudfront, aws_cloudfront_origins as origins, aws_logs as logs, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import { GatehouseChecks } from '../../lib/compliance/gatehouse-pack';
import { GatewayConfigSchema, type RouteConfig } from '../../lib/config/schema';

/** Gatehouse's own invariants (lib/compliance/gatehouse-rules/), each shown to catch its defect. */
function findings(build: (stack: Stack) => void, routes: readonly RouteConfig[] = []): string[] {
  const app = new App();
  const stack = new Stack(app, 'S');
  build(stack);
  const report = new GatehouseChecks(app, { apiKeyHeader: 'x-api-key', routes }).validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${(r as { constructPath?: string }).constructPath}`));
}

const logging = (stack: Stack, headers: string[]) => new wafv2.CfnLoggingConfiguration(stack, 'Logging', {
  resourceArn: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1', logDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-x'],
  redactedFields: headers.map((name) => ({ singleHeader: { Name: name } })),
});

describe('the Gatehouse rule pack', () => {
  it('GH1 passes a WAF logging configuration that redacts every credential header', () => {
    expect(findings((s) => { logging(s, ['authorization', 'x-api-key', 'cookie', 'x-origin-verify']); })).toEqual([]);
  });

  it('GH1 flags one that forgets the API key header or the origin secret', () => {
    expect(findings((s) => { logging(s, ['authorization', 'cookie']); }).sort()).toEqual([
      'Gatehouse-GH1[header x-api-key not redacted] S/Logging', 'Gatehouse-GH1[header x-origin-verify not redacted] S/Logging',
    ]);
  });

  it('GH2 flags a WAF, authorizer or access log group without a data protection policy, and ignores others', () => {
    const got = findings((s) => {
      new logs.CfnLogGroup(s, 'Waf', { logGroupName: 'aws-waf-logs-acme' });
      new logs.CfnLogGroup(s, 'Authorizer', { logGroupName: '/aws/lambda/acme-prod-authorizer' });
      new logs.CfnLogGroup(s, 'Protected', { logGroupName: 'aws-waf-logs-ok', dataProtectionPolicy: { Name: 'p' } });
      new logs.CfnLogGroup(s, 'Other', { logGroupName: '/aws/lambda/acme-prod-audit-transformer' });
      new logs.LogGroup(s, 'AccessLogs'); // the API stack's access log group (ApiLogGroups 'AccessLogs')
    });
    expect(got.sort()).toEqual(['Gatehouse-GH2 S/AccessLogs/Resource', 'Gatehouse-GH2 S/Authorizer', 'Gatehouse-GH2 S/Waf']);
  });

  describe('GH3: authenticated routes are not edge-cached unless opted in and keyed on their credentials', () => {
    const routes = (...raw: object[]) => GatewayConfigSchema.shape.routes.parse(raw.map((r) => ({ service: 's', ...r })));
    const anonymousPlans = { name: 'plans', paths: ['/v1/plans'], auth: { strategies: ['none'] }, cache: { ttl: 0, cdn_ttl: 60 } };
    const distribution = (stack: Stack, behaviors: Record<string, { headers?: string[]; cached?: boolean }>, defaultPolicy = cloudfront.CachePolicy.CACHING_DISABLED) => {
      const origin = new origins.HttpOrigin('api.example.com');
      const policy = (name: string, b: { headers?: string[]; cached?: boolean }) => (b.cached === false ? cloudfront.CachePolicy.CACHING_DISABLED : new cloudfront.CachePolicy(stack, `Policy-${name}`, {
        defaultTtl: Duration.seconds(60), maxTtl: Duration.seconds(60), minTtl: Duration.seconds(0),
        headerBehavior: b.headers ? cloudfront.CacheHeaderBehavior.allowList(...b.headers) : cloudfront.CacheHeaderBehavior.none(),
      }));
      new cloudfront.Distribution(stack, 'Cdn', {
        defaultBehavior: { origin, cachePolicy: defaultPolicy },
        additionalBehaviors: Object.fromEntries(Object.entries(behaviors).map(([pattern, b]) => [pattern, { origin, cachePolicy: policy(pattern, b) }])),
      });
    };

    it('passes an anonymous route cached at the edge, and an authenticated one behind CachingDisabled', () => {
      const got = findings((s) => distribution(s, { '/v1/plans': {}, '/v1/plans/*': {} }), routes(anonymousPlans, { name: 'users', paths: ['/v1/users'], auth: { strategies: ['jwt'] } }));
      expect(got).toEqual([]);
    });

    it('passes an opted-in JWT and API key route whose key holds Authorization and the API key header', () => {
      const orders = { name: 'orders', paths: ['/v1/orders'], auth: { strategies: ['jwt', 'api_key'] }, cache: { ttl: 0, cdn_ttl: 30, allow_authenticated_cdn: true } };
      expect(findings((s) => distribution(s, { '/v1/orders': { headers: ['Authorization', 'x-api-key'] } }), routes(orders))).toEqual([]);
    });

    it('flags an authenticated route cached without opting in', () => {
      const got = findings((s) => distribution(s, { '/v1/users': { headers: ['Authorization'] } }), routes({ name: 'users', paths: ['/v1/users'], auth: { strategies: ['jwt'] } }));
      expect(got).toEqual(['Gatehouse-GH3[/v1/users: authenticated route users is cached without cache.allow_authenticated_cdn] S/Cdn/Resource']);
    });

    it('flags an opted-in route whose cache key lacks one of its credential headers', () => {
      const orders = { name: 'orders', paths: ['/v1/orders/{id}'], auth: { strategies: ['jwt', 'api_key'] }, cache: { ttl: 0, cdn_ttl: 30, allow_authenticated_cdn: true } };
      expect(findings((s) => distribution(s, { '/v1/orders/*': { headers: ['Authorization'] } }), routes(orders))).toEqual([
        'Gatehouse-GH3[/v1/orders/*: route orders is cached without x-api-key in the cache key] S/Cdn/Resource',
      ]);
    });

    it('flags an mTLS route cached even when opted in', () => {
      const partners = { name: 'partners', paths: ['/partners'], auth: { strategies: ['mtls'] }, cache: { ttl: 0, cdn_ttl: 30, allow_authenticated_cdn: true } };
      expect(findings((s) => distribution(s, { '/partners*': { headers: ['Authorization'] } }), routes(partners))).toEqual(['Gatehouse-GH3[/partners*: mTLS route partners is cached] S/Cdn/Resource']);
    });

    it('takes the first matching behavior: a non-caching pattern ahead of a cached prefix protects the route below it', () => {
      const nested = { name: 'private', paths: ['/v1/plans/{id}/private'], auth: { strategies: ['jwt'] } };
      expect(findings((s) => distribution(s, { '/v1/plans/*/private*': { cached: false }, '/v1/plans/*': {} }), routes(anonymousPlans, nested))).toEqual([]);
      expect(findings((s) => distribution(s, { '/v1/plans/*': {}, '/v1/plans/*/private*': { cached: false } }), routes(anonymousPlans, nested))).toEqual([
        'Gatehouse-GH3[/v1/plans/*: authenticated route private is cached without cache.allow_authenticated_cdn] S/Cdn/Resource',
      ]);
    });

    it('flags a managed caching policy on the default behavior for every authenticated route', () => {
      const got = findings((s) => distribution(s, {}, cloudfront.CachePolicy.CACHING_OPTIMIZED), routes(anonymousPlans, { name: 'users', paths: ['/v1/users'], auth: { strategies: ['api_key'] } }));
      expect(got).toEqual(['Gatehouse-GH3[*: authenticated route users is cached without cache.allow_authenticated_cdn] S/Cdn/Resource']);
    });
  });
});
