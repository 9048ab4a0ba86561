import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AUTHORIZER_ENTRY } from '../../lib/constructs/api-authorizer';
import { tierUsageKey } from '../../lib/contract/usage-keys';
import { findingsIn, formatFindings, ROOT, synthesize, type Synthesized } from '../support/synth';
import { guardedEdit } from '../support/config-text';

/**
 * The API stack needs the authorizer's entry file (NodejsFunction checks it even when bundling is
 * skipped); until lambdas/authorizer/handler.ts exists these specs are skipped, not faked.
 */
const describeWithAuthorizer = existsSync(AUTHORIZER_ENTRY) ? describe : describe.skip;

const ROOT_YAML = readFileSync(join(ROOT, 'gateway.config.yaml'), 'utf8');
const withCompliance = (list: string) => guardedEdit(ROOT_YAML, ['compliance: [soc2]', `compliance: ${list}`]);
const DEV_CERTIFICATES = `    certificates:
      alb: arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-4000-8000-000000000001
`;
/** dev with every custom domain, an mTLS truststore and the ALB's certificate host name. */
const WITH_DOMAINS = guardedEdit(ROOT_YAML,
  ['    domains:\n      internal: services.dev.internal.example.com       # host name on certificates.alb\n', ''],
  [DEV_CERTIFICATES, `    domains:
      api: origin.dev.example.com
      tenants: "*.dev.example.com"
      mtls: mtls.dev.example.com
      internal: internal.dev.example.com
${DEV_CERTIFICATES}      regional: arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-4000-8000-000000000005
`],
  ['  api_keys:\n    header: x-api-key\n', `  api_keys:
    header: x-api-key
  mtls:
    truststore_uri: s3://example-truststore/gatehouse/ca.pem
    truststore_version: v3
`]);

const apiFindings = (s: Synthesized) => formatFindings(findingsIn(s.findings, 'Api'));
const methodsOf = (t: Template) => Object.values(t.findResources('AWS::ApiGateway::Method')) as Array<{ Properties: Record<string, any> }>;
/** The CloudFormation Method whose resource path part and verb match, e.g. ('plans', 'GET'). */
function method(t: Template, logicalIdPart: string, verb: string) {
  const entry = Object.entries(t.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: verb } }))
    .find(([id]) => id.startsWith(`RestApi${logicalIdPart}${verb}`));
  if (!entry) throw new Error(`no method ${verb} ${logicalIdPart}`);
  return entry[1].Properties as Record<string, any>;
}

describeWithAuthorizer('ApiStack with gateway.config.yaml (dev: no custom domain)', () => {
  // Synthesized in beforeAll: a skipped describe still runs its body.
  let synth: Synthesized;
  let t: Template;
  let config: Synthesized['config']['environments'][string];
  beforeAll(() => {
    synth = synthesize({ file: 'gateway.config.yaml' }, ['dev']);
    t = synth.template('dev', 'Api');
    config = synth.config.environments.dev;
  });

  it('is a regional REST API metered by the authorizer, reachable on execute-api with TLS 1.3/1.2-PFS', () => {
    t.hasResourceProperties('AWS::ApiGateway::RestApi', {
      ApiKeySourceType: 'AUTHORIZER',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      MinimumCompressionSize: 1024,
      DisableExecuteApiEndpoint: false,
      SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09',
      EndpointAccessMode: 'STRICT',
      BinaryMediaTypes: Match.absent(),
    });
    expect(synth.stages.dev.api.originPath).toBe('/live');
  });

  it('creates per tier a consumer plan never stricter than the tier, and a metering plan without limits', () => {
    t.resourceCountIs('AWS::ApiGateway::UsagePlan', 6);
    // Burst = the minute limit, refill = ceil(minute / 60) per second, quota = hour x 24 per day (decision 0016).
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', { UsagePlanName: 'gatehouse-dev-free', Throttle: { RateLimit: 1, BurstLimit: 60 }, Quota: { Limit: 24000, Period: 'DAY' } });
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', { UsagePlanName: 'gatehouse-dev-pro', Throttle: { RateLimit: 10, BurstLimit: 600 }, Quota: { Limit: 240000, Period: 'DAY' } });
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', { UsagePlanName: 'gatehouse-dev-enterprise', Throttle: { RateLimit: 100, BurstLimit: 6000 }, Quota: { Limit: 2400000, Period: 'DAY' } });
    for (const tier of ['free', 'pro', 'enterprise']) {
      t.hasResourceProperties('AWS::ApiGateway::UsagePlan', { UsagePlanName: `gatehouse-dev-${tier}-metering`, Throttle: Match.absent(), Quota: Match.absent() });
    }
  });

  it('binds each tier\'s shared usage key, the value the authorizer returns, to its metering plan only', () => {
    for (const tier of ['free', 'pro', 'enterprise']) {
      const keys = t.findResources('AWS::ApiGateway::ApiKey', { Properties: { Value: tierUsageKey(config, tier), Enabled: true } });
      expect(Object.keys(keys)).toHaveLength(1);
      const plans = t.findResources('AWS::ApiGateway::UsagePlan', { Properties: { UsagePlanName: `gatehouse-dev-${tier}-metering` } });
      const bindings = t.findResources('AWS::ApiGateway::UsagePlanKey', { Properties: { KeyId: { Ref: Object.keys(keys)[0] } } });
      expect(Object.values(bindings).map((b) => b.Properties.UsagePlanId)).toEqual([{ Ref: Object.keys(plans)[0] }]);
    }
  });

  it('answers throttling with the configured 429 message, its own code and Retry-After', () => {
    t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      StatusCode: '429',
      ResponseParameters: { 'gatewayresponse.header.Cache-Control': "'no-store'", 'gatewayresponse.header.Retry-After': "'1'" },
      ResponseTemplates: { 'application/json': '{"message":"Rate limit exceeded. Upgrade at https://api.example.com/plans","code":"throttled","requestId":"$context.requestId"}' },
    });
  });

  // Decision 0018: UNAUTHORIZED has no authorizer context, so its challenge is static (every scheme
  // the API's routes accept, no RFC 6750 error); ACCESS_DENIED maps the one the authorizer decided.
  it('answers a 401 with a static WWW-Authenticate per scheme of the API, and a 403 with the authorizer\'s challenge', () => {
    const responses = t.findResources('AWS::ApiGateway::GatewayResponse');
    const parameters = (type: string) => Object.values(responses).find((r) => r.Properties.ResponseType === type)!.Properties.ResponseParameters;
    expect(parameters('UNAUTHORIZED')).toEqual({
      'gatewayresponse.header.Cache-Control': "'no-store'",
      'gatewayresponse.header.WWW-Authenticate': '\'Bearer realm="gatehouse", ApiKey realm="gatehouse", header="x-api-key"\'',
    });
    expect(parameters('ACCESS_DENIED')).toEqual({
      'gatewayresponse.header.Cache-Control': "'no-store'",
      'gatewayresponse.header.WWW-Authenticate': 'context.authorizer.wwwAuthenticate',
    });
    // No other response challenges.
    const others = Object.values(responses).filter((r) => !['UNAUTHORIZED', 'ACCESS_DENIED'].includes(r.Properties.ResponseType));
    expect(others.filter((r) => 'gatewayresponse.header.WWW-Authenticate' in r.Properties.ResponseParameters)).toEqual([]);
  });

  it('answers a usage plan quota with Retry-After until the quota period ends, from the authorizer context', () => {
    t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'QUOTA_EXCEEDED',
      StatusCode: '429',
      ResponseParameters: { 'gatewayresponse.header.Cache-Control': "'no-store'", 'gatewayresponse.header.Retry-After': 'context.authorizer.quotaReset' },
    });
  });

  it('answers a failed authorizer (a limiter outage with fault_tolerant false) with 503 and Retry-After', () => {
    t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'AUTHORIZER_FAILURE',
      StatusCode: '503',
      ResponseParameters: { 'gatewayresponse.header.Cache-Control': "'no-store'", 'gatewayresponse.header.Retry-After': "'1'" },
      ResponseTemplates: { 'application/json': '{"message":"Temporarily unavailable, retry shortly","code":"temporarily_unavailable","requestId":"$context.requestId"}' },
    });
  });

  it('answers the authorizer\'s rate limit (a usage key no plan holds) with the configured 429, message and rate-limit headers', () => {
    t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'INVALID_API_KEY',
      StatusCode: '429',
      ResponseParameters: {
        'gatewayresponse.header.Cache-Control': "'no-store'",
        'gatewayresponse.header.Retry-After': 'context.authorizer.retryAfter',
        'gatewayresponse.header.X-RateLimit-Limit-Minute': 'context.authorizer.rateLimitLimitMinute',
        'gatewayresponse.header.X-RateLimit-Remaining-Minute': 'context.authorizer.rateLimitRemainingMinute',
        'gatewayresponse.header.X-RateLimit-Limit-Hour': 'context.authorizer.rateLimitLimitHour',
        'gatewayresponse.header.X-RateLimit-Remaining-Hour': 'context.authorizer.rateLimitRemainingHour',
        'gatewayresponse.header.RateLimit-Limit': 'context.authorizer.rateLimitLimit',
        'gatewayresponse.header.RateLimit-Remaining': 'context.authorizer.rateLimitRemaining',
        'gatewayresponse.header.RateLimit-Reset': 'context.authorizer.rateLimitReset',
        'gatewayresponse.header.RateLimit-Policy': 'context.authorizer.rateLimitPolicy',
        'gatewayresponse.header.RateLimit': 'context.authorizer.rateLimitState',
      },
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"\\$context.authorizer.message"#else"Rate limit exceeded. Upgrade at https://api.example.com/plans"#end') },
    });
  });

  it('requires a usage plan key on every route method, anonymous ones included', () => {
    const methods = Object.values(t.findResources('AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod !== 'OPTIONS');
    // The gateway's own health route is API Gateway's MOCK answer, keyless (test/health/health-route.test.ts).
    const mocks = methods.filter((m) => m.Properties.Integration.Type === 'MOCK');
    expect(mocks.map((m) => [m.Properties.HttpMethod, m.Properties.ApiKeyRequired, m.Properties.AuthorizationType])).toEqual([['GET', false, 'NONE']]);
    const routeMethods = methods.filter((m) => m.Properties.Integration.Type !== 'MOCK');
    expect(routeMethods.length).toBeGreaterThan(0);
    expect(routeMethods.every((m) => m.Properties.ApiKeyRequired === true)).toBe(true);
  });

  it.each([
    ['UNAUTHORIZED', '401', '"message":"Unauthorized"'],
    ['ACCESS_DENIED', '403', '"$context.authorizer.message"#else"Forbidden"#end'],
    ['QUOTA_EXCEEDED', '429', '"code":"plan_quota_exceeded"'],
    ['BAD_REQUEST_BODY', '400', '"$context.error.validationErrorString"'],
    ['BAD_REQUEST_PARAMETERS', '400', '"$context.error.validationErrorString"'],
    ['REQUEST_TOO_LARGE', '413', '"message":"Request body too large"'],
    ['INTEGRATION_TIMEOUT', '504', '"message":"Upstream timed out"'],
    ['INTEGRATION_FAILURE', '502', '"message":"Upstream unavailable"'],
    ['DEFAULT_4XX', '400', '"message":"Bad request"'],
    ['DEFAULT_5XX', '500', '"message":"Internal server error"'],
  ])('answers %s with %s and a JSON body', (type, status, body) => {
    t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: status,
      ResponseParameters: { 'gatewayresponse.header.Cache-Control': "'no-store'" },
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`${escape(body)}.*"requestId":"\\$context\\.requestId"`) },
    });
  });

  it('creates the exact and the {proxy+} resource of every route path', () => {
    const paths = Object.values(t.findResources('AWS::ApiGateway::Resource')).map((r) => r.Properties.PathPart as string).sort();
    // `/` is the root itself; its `{proxy+}` child serves the tenant route. `/_gatehouse/health` is the gateway's own.
    expect(paths).toEqual(['v1', 'v2', 'users', 'users', 'plans', '{proxy+}', '{proxy+}', '{proxy+}', '{proxy+}', '_gatehouse', 'health'].sort());
    expect(methodsOf(t).filter((m) => m.Properties.HttpMethod !== 'OPTIONS' && m.Properties.Integration.Type !== 'MOCK')).toHaveLength(18);
  });

  // cors is set: browsers send the preflight without credentials, so every resource answers
  // OPTIONS with a MOCK integration and no authorizer or API key.
  it('answers the CORS preflight on every resource without the authorizer', () => {
    const preflights = methodsOf(t).filter((m) => m.Properties.HttpMethod === 'OPTIONS');
    expect(preflights).toHaveLength(8);
    for (const p of preflights) {
      expect(p.Properties).toMatchObject({ AuthorizationType: 'NONE', ApiKeyRequired: false, Integration: { Type: 'MOCK' } });
      expect(p.Properties.Integration.IntegrationResponses[0].ResponseParameters['method.response.header.Access-Control-Allow-Origin']).toBe("'https://console.example.com'");
    }
  });

  it('sends private services through the VPC link v2 to the internal ALB with the route header', () => {
    const get = method(t, 'v1usersproxy', 'GET');
    expect(get.AuthorizationType).toBe('CUSTOM');
    expect(get.ApiKeyRequired).toBe(true);
    expect(get.Integration).toMatchObject({
      Type: 'HTTP_PROXY',
      IntegrationHttpMethod: 'GET',
      ConnectionType: 'VPC_LINK',
      ConnectionId: networkOutput(/^PublishOutputRefVpcLink/),
      // Ref of the ALB is its ARN.
      IntegrationTarget: networkOutput(/^PublishOutputRefInternalAlbLoadBalancer/),
      TimeoutInMillis: 10000,
      // The host name on the ALB's certificate (environments.dev.domains.internal).
      Uri: 'https://services.dev.internal.example.com/v1/users/{proxy}',
      RequestParameters: {
        'integration.request.path.proxy': 'method.request.path.proxy',
        'integration.request.header.X-Request-ID': 'context.requestId',
        'integration.request.header.X-Forwarded-For': 'method.request.header.X-Gatehouse-Client-IP',
        'integration.request.header.X-Gatehouse-Route': 'context.authorizer.route',
        'integration.request.header.X-Gatehouse-Consumer': 'context.authorizer.consumer',
      },
    });
    // X-Forwarded-For: $(client_ip) reads the header CloudFront's viewer-request function sets.
    expect(get.RequestParameters).toEqual({ 'method.request.path.proxy': true, 'method.request.header.X-Gatehouse-Client-IP': false });
  });

  it('uses the service read timeout for the integration', () => {
    expect(method(t, 'proxy', 'PUT').Integration.TimeoutInMillis).toBe(5000);
  });

  it('gives each method the authorizer of its route: uncached for limits: exact (the default), cached per credential for approximate', () => {
    const authorizers = t.findResources('AWS::ApiGateway::Authorizer');
    const byId = (p: Record<string, any>) => authorizers[p.AuthorizerId.Ref].Properties;
    expect(Object.keys(authorizers)).toHaveLength(2);
    expect(byId(method(t, 'v1users', 'GET')).AuthorizerResultTtlInSeconds).toBe(0);
    expect(byId(method(t, 'v1users', 'GET')).IdentitySource).toBeUndefined();
    expect(byId(method(t, 'v1plans', 'GET'))).toMatchObject({
      Type: 'REQUEST', AuthorizerResultTtlInSeconds: 300,
      IdentitySource: 'method.request.header.x-api-key,method.request.header.X-Forwarded-Host,method.request.header.X-Gatehouse-Client-IP,context.httpMethod,context.resourcePath',
    });
    for (const canary of [method(t, 'v2users', 'GET'), method(t, 'v2usersproxy', 'POST')]) {
      expect(byId(canary).AuthorizerResultTtlInSeconds).toBe(0);
      expect(byId(canary).IdentitySource).toBeUndefined();
    }
    expect(byId(method(t, 'proxy', 'DELETE')).AuthorizerResultTtlInSeconds).toBe(0);
  });

  it('validates route request bodies with a draft-4 model on body methods only', () => {
    t.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    t.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['email'], additionalProperties: false },
    });
    // $default: every content type is validated (API Gateway skips types without a model).
    expect(Object.keys(method(t, 'v2users', 'POST').RequestModels)).toEqual(['application/json', '$default']);
    expect(method(t, 'v2users', 'GET').RequestModels).toBeUndefined();
    expect(method(t, 'v1users', 'POST').RequestModels).toBeUndefined();
  });

  it('runs the stage "live" with X-Ray, JSON access logs, INFO execution logs and the profile throttle', () => {
    const stage = Object.values(t.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    expect(stage).toMatchObject({ StageName: 'live', TracingEnabled: true, CacheClusterEnabled: true, CacheClusterSize: '0.5' });
    const format = JSON.parse(stage.AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId', xrayTraceId: '$context.xrayTraceId', ip: '$context.identity.sourceIp',
      status: '$context.status', integrationLatency: '$context.integration.latency', authorizerLatency: '$context.authorizer.latency',
      consumer: '$context.authorizer.consumer', tenant: '$context.authorizer.tenant', tier: '$context.authorizer.tier',
      route: '$context.authorizer.route', wafResponseCode: '$context.wafResponseCode', tlsVersion: '$context.tlsVersion',
    });
    expect(stage.MethodSettings).toContainEqual({
      HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'INFO', DataTraceEnabled: false, MetricsEnabled: true,
      ThrottlingRateLimit: 2400, ThrottlingBurstLimit: 1000, CachingEnabled: true, CacheTtlInSeconds: 0, CacheDataEncrypted: true,
    });
  });

  it('caches the cacheable GET methods with their key parameters', () => {
    const stage = Object.values(t.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    expect(stage.MethodSettings).toContainEqual({ HttpMethod: 'GET', ResourcePath: '/~1v1~1plans', CachingEnabled: true, CacheTtlInSeconds: 300, CacheDataEncrypted: true, DataTraceEnabled: false });
    expect(stage.MethodSettings).toContainEqual({ HttpMethod: 'GET', ResourcePath: '/~1v1~1plans~1{proxy+}', CachingEnabled: true, CacheTtlInSeconds: 300, CacheDataEncrypted: true, DataTraceEnabled: false });
    const proxy = method(t, 'v1plansproxy', 'GET');
    expect(proxy.Integration.CacheKeyParameters).toEqual(['method.request.path.proxy', 'method.request.querystring.currency']);
    expect(proxy.RequestParameters).toEqual({ 'method.request.path.proxy': true, 'method.request.querystring.currency': false, 'method.request.header.X-Gatehouse-Client-IP': false });
    expect(method(t, 'v1users', 'GET').Integration.CacheKeyParameters).toBeUndefined();
  });

  it('runs the authorizer on arm64 Node.js 24 in the VPC with reserved concurrency and tracing', () => {
    t.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'gatehouse-dev-authorizer',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      ReservedConcurrentExecutions: config.profile.authorizerConcurrency,
      TracingConfig: { Mode: 'Active' },
      VpcConfig: { SecurityGroupIds: [Match.anyValue()], SubnetIds: Match.anyValue() },
      Environment: { Variables: Match.objectLike({
        CONSUMERS_TABLE_NAME: Match.anyValue(),
        REDIS_URL: { 'Fn::Join': ['', ['rediss://', Match.anyValue(), ':', Match.anyValue()]] },
        COGNITO_USER_POOL_ID: Match.anyValue(),
        COGNITO_CLIENT_IDS: Match.anyValue(),
        POWERTOOLS_SERVICE_NAME: 'gatehouse-authorizer',
      }) },
    });
    expect(config.profile.authorizerConcurrency).toBe(80);
  });

  it('guards the stage with a regional web ACL that requires the origin-verify secret', () => {
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([Match.objectLike({
        Name: 'RequireOriginVerify',
        Action: { Block: Match.anyValue() },
        Statement: { NotStatement: { Statement: { ByteMatchStatement: Match.objectLike({
          FieldToMatch: { SingleHeader: { Name: 'x-origin-verify' } },
          PositionalConstraint: 'EXACTLY',
          SearchString: '{{resolve:secretsmanager:gatehouse/dev/origin-verify:SecretString:::}}',
        }) } } },
      })]),
    });
    // The allowed media types exactly (parameters allowed), not a prefix: application/jsonx and a
    // repeated header are refused before they reach an upstream unvalidated.
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({
        Name: 'AllowedContentTypes',
        Statement: { AndStatement: { Statements: Match.arrayWith([{ NotStatement: { Statement: { RegexMatchStatement: {
          FieldToMatch: { SingleHeader: { Name: 'content-type' } },
          RegexString: '^(?:application/json)[ \\t]*(?:;|$)',
          TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
        } } } }]) } },
      })]),
    });
    // The plans route's stage cache is keyed on currency: that parameter may appear once.
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([Match.objectLike({
        Name: 'RepeatedCacheKeyParameter',
        Action: { Block: { CustomResponse: { ResponseCode: 400, CustomResponseBodyKey: 'RepeatedParameter' } } },
        Statement: { RegexMatchStatement: { FieldToMatch: { QueryString: {} }, RegexString: '(?:^|&)currency=.*&currency=', TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }] } },
      })]),
    });
    const stages = t.findResources('AWS::ApiGateway::Stage');
    t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ Ref: Object.keys(stages)[0] }])] }),
    });
    // The same credentials are redacted from both web ACLs' logs (lib/contract/headers.ts credentialHeaders).
    t.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [
        { SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'x-api-key' } },
        { SingleHeader: { Name: 'cookie' } }, { SingleHeader: { Name: 'x-origin-verify' } },
      ],
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-gatehouse-dev-api' });
  });

  it('has no unacknowledged compliance finding', () => {
    expect(apiFindings(synth)).toBe('');
  });
});

describeWithAuthorizer('ApiStack with custom domains and mTLS', () => {
  let synth: Synthesized;
  let t: Template;
  beforeAll(() => {
    synth = synthesize({ yaml: WITH_DOMAINS }, ['dev']);
    t = synth.template('dev', 'Api');
  });

  it('serves CloudFront on the API domain only: execute-api is disabled', () => {
    t.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true, SecurityPolicy: Match.absent() });
    expect(synth.stages.dev.api.originDomainName).toBe('origin.dev.example.com');
    expect(synth.stages.dev.api.originPath).toBe('');
  });

  it('uses the strictest policy CloudFront (TLS 1.2 to origins) can still reach on the API and tenant domains', () => {
    for (const name of ['origin.dev.example.com', '*.dev.example.com']) {
      t.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: name, SecurityPolicy: 'SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09', EndpointAccessMode: 'STRICT',
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
    }
  });

  it('adds an mTLS domain with the S3 truststore on the legacy TLS 1.2 policy (mTLS forbids enhanced policies)', () => {
    t.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'mtls.dev.example.com',
      SecurityPolicy: 'TLS_1_2',
      MutualTlsAuthentication: { TruststoreUri: 's3://example-truststore/gatehouse/ca.pem', TruststoreVersion: 'v3' },
    });
    t.resourceCountIs('AWS::ApiGateway::BasePathMapping', 3);
  });

  // mTLS clients call the mTLS domain directly (CloudFront cannot pass a client certificate):
  // the origin guard must not demand CloudFront's secret there, and must refuse CloudFront-only
  // headers there, which would let the client pick the IP and host the authorizer checks.
  it('lets the mTLS domain through the origin guard without the CloudFront secret, but not with edge headers', () => {
    const acl = Object.values(t.findResources('AWS::WAFv2::WebACL')).find((r) => r.Properties.Scope === 'REGIONAL')!.Properties;
    const rule = (name: string) => acl.Rules.find((r: { Name: string }) => r.Name === name);
    const mtlsHost = { ByteMatchStatement: {
      FieldToMatch: { SingleHeader: { Name: 'host' } }, PositionalConstraint: 'EXACTLY', SearchString: 'mtls.dev.example.com',
      TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
    } };
    expect(rule('RequireOriginVerify').Statement.AndStatement.Statements).toEqual([
      { NotStatement: { Statement: { ByteMatchStatement: expect.objectContaining({ FieldToMatch: { SingleHeader: { Name: 'x-origin-verify' } } }) } } },
      { NotStatement: { Statement: mtlsHost } },
    ]);
    const edgeHeaders = rule('MtlsDomainNoEdgeHeaders');
    expect(edgeHeaders.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 403, CustomResponseBodyKey: 'Forbidden' } } });
    expect(edgeHeaders.Statement.AndStatement.Statements[0]).toEqual(mtlsHost);
    expect(edgeHeaders.Statement.AndStatement.Statements[1].OrStatement.Statements.map((s: any) => s.SizeConstraintStatement.FieldToMatch.SingleHeader.Name))
      .toEqual(['x-gatehouse-client-ip', 'x-forwarded-host']);
    // Its requests skip the edge web ACL, so the body size limit is enforced here for them.
    const size = rule('MtlsDomainMaxBodySize');
    expect(size.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: 'TooLarge' } } });
    expect(size.Statement.AndStatement.Statements).toEqual([mtlsHost, { RegexMatchStatement: expect.objectContaining({ FieldToMatch: { SingleHeader: { Name: 'content-length' } } }) }]);
  });

  it('calls the internal ALB by the host name on its certificate', () => {
    expect(method(t, 'v1users', 'GET').Integration.Uri).toBe('https://internal.dev.example.com/v1/users');
  });

  it('has no unacknowledged compliance finding', () => {
    expect(apiFindings(synth)).toBe('');
  });
});

describeWithAuthorizer.each([
  ['pci-dss', '[pci-dss]'], ['hipaa', '[hipaa]'], ['gdpr', '[gdpr]'], ['no compliance', '[]'], ['every regime', '[pci-dss, hipaa, soc2, gdpr]'],
])('ApiStack under %s', (_name, list) => {
  let synth: Synthesized;
  beforeAll(() => { synth = synthesize({ yaml: withCompliance(list) }, ['dev']); });

  it('has no unacknowledged compliance finding', () => {
    expect(apiFindings(synth)).toBe('');
  });

  it('encrypts its log groups with a rotated customer-managed key exactly when compliance applies', () => {
    const t = synth.template('dev', 'Api');
    const encrypted = list !== '[]';
    t.resourceCountIs('AWS::KMS::Key', encrypted ? 1 : 0);
    for (const group of Object.values(t.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.KmsKeyId !== undefined).toBe(encrypted);
    }
  });
});

/** A weak cross-stack reference to an output of the dev network stack. */
function networkOutput(name: RegExp) {
  return { 'Fn::GetStackOutput': { StackName: 'gatehouse-dev-network', Region: 'eu-west-1', OutputName: expect.stringMatching(name) } };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
