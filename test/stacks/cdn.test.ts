import { runInNewContext } from 'node:vm';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { parse as parseYaml } from 'yaml';
import { GatewayConfigSchema } from '../../lib/config/schema';
import { planEdgeBehaviors } from '../../lib/contract/edge-cache-plan';
import { forwardedHostFunctionCode } from '../../lib/constructs/cdn-forwarded-host-function';
import { mergeOverrides } from '../../lib/config/merge';
import { minimalConfig } from '../support/config-text';
import { findingsIn, formatFindings, synthesize, type Synthesized } from '../support/synth';

/** Managed policy ids (CloudFront documentation). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/**
 * A gateway with a custom domain, Shield Advanced, a geo list and edge-cacheable routes:
 * minimalConfig() with a `live` environment instead of `dev`, plus `extra` (merged by name).
 */
function variant(compliance: string, geo: Record<string, string[]> = { allow: ['DE', 'FR', 'NL'] }, extra: Record<string, unknown> = {}): string {
  const none = { strategies: ['none'] };
  const partner = { strategies: ['jwt'], issuers: ['partner'] };
  return minimalConfig(mergeOverrides({
    organization: { name: 'Acme', type: 'fintech-startup' },
    traffic: { steady_rps: 100, peak_rps: 500 },
    compliance: compliance ? [compliance] : [],
    targets: { p99_latency_ms: 300, availability: 99.95 },
    environments: {
      dev: null,
      live: {
        account: '333333333333',
        region: 'eu-central-1',
        shield_advanced: true,
        domains: { edge: 'api.acme.example', api: 'origin.acme.example', tenants: '*.api.acme.example' },
        certificates: {
          cloudfront: 'arn:aws:acm:us-east-1:333333333333:certificate/00000000-0000-4000-8000-000000000009',
          regional: 'arn:aws:acm:eu-central-1:333333333333:certificate/00000000-0000-4000-8000-000000000010',
        },
      },
    },
    services: [{ name: 'catalog', url: 'https://catalog.acme.example' }],
    routes: [
      { name: 'prices', paths: ['/v1/prices'], service: 'catalog', auth: none, cache: { ttl: 60, cdn_ttl: 120, key_headers: ['Accept-Language'], key_query: ['currency', 'page'] } },
      { name: 'prices-admin', paths: ['/v1/prices/admin'], methods: ['GET', 'POST'], service: 'catalog', auth: partner },
      { name: 'statements', paths: ['/v1/statements'], service: 'catalog', auth: partner, cache: { ttl: 30, cdn_ttl: 30, allow_authenticated_cdn: true } },
      { name: 'keyed', paths: ['/v1/keyed'], service: 'catalog', auth: { strategies: ['api_key'] }, cache: { ttl: 30, cdn_ttl: 45, allow_authenticated_cdn: true } },
      { name: 'profile', paths: ['/v1/profile'], service: 'catalog', auth: { strategies: ['api_key'] }, cache: { ttl: 30, cdn_ttl: 300 } },
    ],
    identity: {
      issuers: [{ name: 'partner', issuer: 'https://login.partner.example', audiences: ['acme-api'] }],
      api_keys: { header: 'X-Acme-Key' },
    },
    transformations: { response: { remove_headers: ['X-Powered-By', 'Server'], add_headers: { 'X-Api-Version': '2026-01', 'Strict-Transport-Security': 'max-age=1' } } },
    security: { geo },
  }, extra) as Record<string, unknown>);
}

const distribution = (t: Template) => Object.values(t.findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
/** The API's cache behaviours (the developer portal's, /docs and /docs/*, are test/stacks/portal.test.ts's). */
const behaviors = (t: Template): Array<Record<string, any>> => (distribution(t).CacheBehaviors ?? []).filter((b: { PathPattern: string }) => !/^\/docs(\/\*)?$/.test(b.PathPattern));
const cdnFindings = (s: Synthesized) => findingsIn(s.findings, 'Cdn');
/** The edge web ACL's geo rules, name and statement. */
const geoRules = (edge: Template) => Object.values(edge.findResources('AWS::WAFv2::WebACL'))
  .flatMap((acl) => acl.Properties.Rules as Array<{ Name: string; Statement: Record<string, unknown> }>)
  .filter((r) => r.Name.startsWith('Geo')).map((r) => ({ Name: r.Name, ...r.Statement }));
const cachePolicyOf = (t: Template, behavior: Record<string, any>) => t.toJSON().Resources[behavior.CachePolicyId.Ref].Properties.CachePolicyConfig;

describe('CDN stack with the default gateway.config.yaml', () => {
  const synth = synthesize({ file: 'gateway.config.yaml' });
  const dev = synth.template('dev', 'Cdn');
  const prod = synth.template('prod', 'Cdn');

  it('has no unacknowledged nag finding (AwsSolutions + NIST for soc2)', () => {
    expect(formatFindings(cdnFindings(synth))).toBe('');
  });

  it('does not cache by default, forwards all viewer headers but Host, allows every method over HTTPS', () => {
    expect(distribution(dev).DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      ViewerProtocolPolicy: 'redirect-to-https',
    });
  });

  it('does not cache the api_key route /v1/plans at the edge (no allow_authenticated_cdn)', () => {
    expect(behaviors(dev)).toEqual([]);
    expect(Object.keys(dev.findResources('AWS::CloudFront::CachePolicy')).filter((id) => !id.startsWith('Portal'))).toEqual([]);
  });

  it('attaches the web ACL of the Edge stack', () => {
    // A weak cross-stack reference (@aws-cdk/core:defaultCrossStackReferences): an output of the Edge stack.
    expect(distribution(dev).WebACLId).toEqual({
      'Fn::GetStackOutput': { StackName: 'gatehouse-dev-edge', Region: 'us-east-1', OutputName: expect.stringMatching(/WafWebAcl.*Arn/) },
    });
  });

  it('reaches the API over HTTPS/TLS 1.2 only with the origin-verify secret as a dynamic reference', () => {
    const [origin] = distribution(dev).Origins;
    // Without domains.api the origin is the default execute-api host, whose first path segment is
    // the stage: without OriginPath every request would name a stage "v1" and get a 403.
    expect(origin.OriginPath).toBe('/live');
    // Behind domains.api the base path mapping selects the stage.
    expect(distribution(prod).Origins[0].OriginPath).toBeUndefined();
    expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], OriginReadTimeout: 30 });
    expect(origin.OriginCustomHeaders).toEqual([{
      HeaderName: 'X-Origin-Verify',
      HeaderValue: '{{resolve:secretsmanager:gatehouse/dev/origin-verify:SecretString:::}}',
    }]);
  });

  it('serves HTTP/2 and 3 from every edge location (p99 target 150 ms)', () => {
    expect(distribution(dev)).toMatchObject({ HttpVersion: 'http2and3', PriceClass: 'PriceClass_All', IPV6Enabled: true });
  });

  it('adds the CORS headers of the cors setting to responses for allowed origins (origin override)', () => {
    const policy = Object.values(dev.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties.ResponseHeadersPolicyConfig;
    expect(policy.CorsConfig).toEqual({
      AccessControlAllowOrigins: { Items: ['https://console.example.com', 'http://localhost:3000'] },
      AccessControlAllowMethods: { Items: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] },
      AccessControlAllowHeaders: { Items: ['Authorization', 'Content-Type', 'X-Api-Key'] },
      AccessControlExposeHeaders: { Items: ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Amzn-RequestId'] },
      AccessControlAllowCredentials: false,
      AccessControlMaxAgeSec: 600,
      OriginOverride: true,
    });
  });

  it('sends HSTS for two years with preload, nosniff, DENY and a referrer policy; removes X-Powered-By but not Server', () => {
    const policy = Object.values(dev.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties.ResponseHeadersPolicyConfig;
    expect(policy.SecurityHeadersConfig).toEqual({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Preload: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    // The config asks to remove Server too; CloudFront would answer "Server: CloudFront" instead.
    expect(policy.RemoveHeadersConfig).toEqual({ Items: [{ Header: 'X-Powered-By' }] });
    expect(distribution(dev).DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: expect.stringMatching(/^ResponseHeaders/) });
  });

  it('copies Host into X-Forwarded-Host on viewer request', () => {
    const fn = Object.values(dev.findResources('AWS::CloudFront::Function'))[0].Properties;
    expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    // Function names are unique per account: two gateways' dev environments must not collide.
    expect(fn.Name).toBe('gatehouse-dev-cdn-fwd-host');
    expect(fn.FunctionCode).toBe(forwardedHostFunctionCode());
    expect(fn.FunctionCode).toContain('"x-forwarded-host"');
    expect(distribution(dev).DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/^ForwardedHost/), 'FunctionARN'] } },
    ]);
  });

  it('uses the default certificate without a custom domain, and the custom one with TLS 1.2 (soc2) in prod', () => {
    // No ViewerCertificate: CloudFront's default *.cloudfront.net certificate (nag CFR4 acknowledged).
    expect(distribution(dev).ViewerCertificate).toBeUndefined();
    expect(distribution(dev).Aliases).toBeUndefined();
    expect(distribution(prod).ViewerCertificate).toEqual({
      AcmCertificateArn: 'arn:aws:acm:us-east-1:222222222222:certificate/00000000-0000-4000-8000-000000000002',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(distribution(prod).Aliases).toEqual(['api.example.com', '*.api.example.com']);
  });

  it('logs to an ACL-enabled, SSL-only bucket', () => {
    expect(distribution(dev).Logging).toEqual({ Bucket: { 'Fn::GetAtt': [expect.stringMatching(/^AccessLogsBucket/), 'RegionalDomainName'] }, IncludeCookies: false, Prefix: 'cloudfront/gatehouse-dev/' });
    dev.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    dev.hasResourceProperties('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
    dev.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 'kms:GenerateDataKey*' })]) } });
  });

  it('has no geo restriction and no Shield protection when neither is configured', () => {
    expect(distribution(dev).Restrictions).toBeUndefined();
    expect(Object.keys(prod.findResources('AWS::Shield::Protection'))).toEqual([]);
  });
});

describe.each(['pci-dss', 'hipaa', 'gdpr'])('CDN stack for compliance [%s], custom domain, Shield Advanced', (compliance) => {
  const synth = synthesize({ yaml: variant(compliance) });
  const live = synth.template('live', 'Cdn');

  it('has no unacknowledged nag finding', () => {
    expect(formatFindings(cdnFindings(synth))).toBe('');
  });

  it('sets the viewer TLS policy from the profile (TLS 1.3 only for PCI DSS and HIPAA)', () => {
    const expected = compliance === 'gdpr' ? 'TLSv1.2_2021' : 'TLSv1.3_2025';
    expect(distribution(live).ViewerCertificate).toMatchObject({ MinimumProtocolVersion: expected, SslSupportMethod: 'sni-only' });
  });

  it('restricts viewers to the geo allow list in the edge web ACL, not with a CloudFront restriction that would answer first', () => {
    expect(distribution(live).Restrictions).toBeUndefined();
    expect(geoRules(synth.template('live', 'Edge'))).toEqual([{ Name: 'GeoAllowList', NotStatement: { Statement: { GeoMatchStatement: { CountryCodes: ['DE', 'FR', 'NL'] } } } }]);
  });

  it('protects the distribution with Shield Advanced and an L7 automatic response that blocks', () => {
    live.hasResourceProperties('AWS::Shield::Protection', {
      Name: 'acme-live-cdn',
      ResourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['arn:aws:cloudfront::333333333333:distribution/', { Ref: Match.stringLikeRegexp('^Distribution') }])] }),
      ApplicationLayerAutomaticResponseConfiguration: { Status: 'ENABLED', Action: { Block: {} } },
    });
  });
});

describe('CDN cache behaviors (custom domain variant)', () => {
  const synth = synthesize({ yaml: variant('pci-dss') });
  const live = synth.template('live', 'Cdn');
  const byPattern = () => Object.fromEntries(behaviors(live).map((b) => [b.PathPattern, b]));

  it('caches the anonymous route per path pattern with its TTL and key', () => {
    for (const pattern of ['/v1/prices', '/v1/prices/*']) {
      const behavior = byPattern()[pattern];
      expect(behavior).toMatchObject({ OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER, ViewerProtocolPolicy: 'redirect-to-https', CachedMethods: ['GET', 'HEAD'] });
      expect(cachePolicyOf(live, behavior)).toMatchObject({
        Name: expect.stringMatching(/^[a-z0-9-]+-live-cdn-cache-\d+$/),
        DefaultTTL: 120, MaxTTL: 120, MinTTL: 0,
        ParametersInCacheKeyAndForwardedToOrigin: {
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Accept-Language'] },
          QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['currency', 'page'] },
          CookiesConfig: { CookieBehavior: 'none' },
        },
      });
    }
  });

  it('puts the credential in the key of authenticated routes that allow edge caching', () => {
    const jwt = cachePolicyOf(live, byPattern()['/v1/statements']);
    expect(jwt.DefaultTTL).toBe(30);
    expect(jwt.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig.Headers).toEqual(['Authorization']);
    const apiKey = cachePolicyOf(live, byPattern()['/v1/keyed/*']);
    expect(apiKey.DefaultTTL).toBe(45);
    expect(apiKey.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig.Headers).toEqual(['X-Acme-Key']);
  });

  it('does not cache an authenticated route without allow_authenticated_cdn', () => {
    expect(Object.keys(byPattern())).not.toContain('/v1/profile');
    expect(Object.keys(byPattern())).not.toContain('/v1/profile/*');
  });

  it('keeps a nested non-cached route out of the cached prefix, ordered before it', () => {
    const patterns = behaviors(live).map((b) => b.PathPattern);
    expect(byPattern()['/v1/prices/admin/*'].CachePolicyId).toBe(CACHING_DISABLED);
    expect(byPattern()['/v1/prices/admin'].CachePolicyId).toBe(CACHING_DISABLED);
    expect(patterns.indexOf('/v1/prices/admin/*')).toBeLessThan(patterns.indexOf('/v1/prices/*'));
  });

  it('adds the configured response headers (not the ones the security policy owns)', () => {
    const policy = Object.values(live.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0].Properties.ResponseHeadersPolicyConfig;
    expect(policy.CustomHeadersConfig).toEqual({ Items: [{ Header: 'X-Api-Version', Value: '2026-01', Override: true }] });
    expect(policy.SecurityHeadersConfig.StrictTransportSecurity.AccessControlMaxAgeSec).toBe(63072000);
  });

  it('uses the cheaper price class for a looser latency target and serves the tenant wildcard', () => {
    expect(distribution(live).PriceClass).toBe('PriceClass_100');
    expect(distribution(live).Aliases).toEqual(['api.acme.example', '*.api.acme.example']);
  });
});

describe('CDN geo deny list', () => {
  it('blocks the deny-listed countries in the edge web ACL and passes the gate', () => {
    const synth = synthesize({ yaml: variant('hipaa', { deny: ['KP', 'IR'] }) });
    expect(distribution(synth.template('live', 'Cdn')).Restrictions).toBeUndefined();
    expect(geoRules(synth.template('live', 'Edge'))).toEqual([{ Name: 'GeoDenyList', GeoMatchStatement: { CountryCodes: ['KP', 'IR'] } }]);
    expect(formatFindings(cdnFindings(synth))).toBe('');
  });
});

describe('edge cache plan', () => {
  it('does not cache a path shared with a non-cacheable route, and keys on header conditions and hosts', () => {
    const yaml = variant('', { allow: ['DE'] }, {
      services: [{ name: 'internal', private: { port: 8080 } }],
      routes: [
        { name: 'prices-canary', paths: ['/v1/prices'], service: 'internal', headers: { 'x-canary': 'true' }, auth: { strategies: ['none'] }, cache: { ttl: 5, cdn_ttl: 10 } },
        { name: 'tenant-news', paths: ['/v1/news'], hosts: ['*.api.acme.example'], service: 'internal', auth: { strategies: ['none'] }, cache: { ttl: 5, cdn_ttl: 10 } },
        { name: 'orders', paths: ['/v1/statements'], methods: ['POST'], service: 'catalog', auth: { strategies: ['api_key'] } },
      ],
    });
    // The schema alone (defaults applied): the plan does not depend on deploy-time reference checks.
    const config = GatewayConfigSchema.parse(parseYaml(yaml));
    const plan = Object.fromEntries(planEdgeBehaviors(config).map((b) => [b.pathPattern, b.cache]));
    // Routes in config order (the canary is merged in after the minimal config's routes), the shortest TTL, every key.
    expect(plan['/v1/prices']).toEqual({ routes: ['prices', 'prices-canary'], ttl: 10, headers: ['Accept-Language', 'x-canary'], queryStrings: ['currency', 'page'] });
    expect(plan['/v1/news']?.headers).toEqual(['X-Forwarded-Host']);
    expect(Object.keys(plan)).not.toContain('/v1/statements');
  });
});

describe('the viewer-request function', () => {
  const run = (headers: Record<string, { value: string }>, ip = '198.51.100.7') =>
    runInNewContext(`${forwardedHostFunctionCode()}\nhandler(event)`, { event: { request: { headers }, viewer: { ip } } }).headers;

  it('copies the viewer Host', () => {
    expect(run({ host: { value: 'acme.api.example.com' } })['x-forwarded-host']).toEqual({ value: 'acme.api.example.com' });
  });

  it('overwrites a client-supplied X-Forwarded-Host', () => {
    expect(run({ host: { value: 'acme.api.example.com' }, 'x-forwarded-host': { value: 'evil.example' } })['x-forwarded-host']).toEqual({ value: 'acme.api.example.com' });
  });

  it('sets the viewer IP, overwriting a client-supplied X-Gatehouse-Client-IP', () => {
    expect(run({ host: { value: 'api.example.com' }, 'x-gatehouse-client-ip': { value: '10.0.0.1' } }, '2001:db8::7')['x-gatehouse-client-ip']).toEqual({ value: '2001:db8::7' });
  });

  it('drops a client-supplied X-Forwarded-Host when there is no Host', () => {
    expect(run({ 'x-forwarded-host': { value: 'evil.example' } })).not.toHaveProperty('x-forwarded-host');
  });
});
