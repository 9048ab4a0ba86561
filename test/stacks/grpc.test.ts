import { Token } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { cognitoIssuerOf, nativeJwtCheck } from '../../lib/constructs/grpc-native-rules';
import { cognitoIssuerUrl } from '../../lib/contract/issuers';
import { NATIVE_GRPC_PORT } from '../../lib/constructs/grpc-native-listener';
import { GRPC_HEALTH_CHECK_PATH } from '../../lib/constructs/network-service-target-group';
import { ROUTE_HEADER } from '../../lib/contract/headers';
import { DEFAULT_ASSUMPTIONS } from '../../lib/plan/assumptions';
import { GRPC_TRANSCODER_MEMORY_MB, transcoderReservedConcurrency } from '../../lib/plan/grpc-transcoder';
import { findingsIn, formatFindings, synthesize, type Synthesized } from '../support/synth';
import { DEV_ALB_CERT, grpcConfigText, INTERNAL_HOST, PARTNERS_ISSUER, writeGrpcConfig } from './grpc-fixture';

const resourcesOf = (t: Template, type: string) => Object.entries(t.findResources(type)) as Array<[string, { Properties: Record<string, any> }]>;

describe('a private gRPC service reachable both ways (REST through the transcoder, native gRPC through CloudFront and the ALB)', () => {
  // Every compliance pack at once: the gate must stay clean with gRPC in every profile.
  const synth: Synthesized = synthesize({ file: writeGrpcConfig(grpcConfigText({ compliance: ['pci-dss', 'hipaa', 'soc2'] })) }, ['dev']);
  const network = synth.template('dev', 'Network');
  const api = synth.template('dev', 'Api');
  const cdn = synth.template('dev', 'Cdn');

  it('passes the compliance gate (AwsSolutions, PCI-DSS, HIPAA, NIST 800-53) with no unacknowledged finding', () => {
    // The developer portal's bucket deployment (another issue's resources in the Cdn stack) is judged by its own tests.
    const ours = findingsIn(synth.findings, 'Network', 'Api', 'Cdn').filter((f) => !/\/(Portal|Custom::CDKBucketDeployment)/.test(f.path));
    expect(formatFindings(ours)).toBe('');
  });

  describe('network: the service\'s gRPC target group and its two ways in', () => {
    it('gives the gRPC service an IP target group with protocol version GRPC and a gRPC health check (status 0)', () => {
      network.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: 50051,
        Protocol: 'HTTPS',
        ProtocolVersion: 'GRPC',
        TargetType: 'ip',
        HealthCheckPath: GRPC_HEALTH_CHECK_PATH,
        Matcher: { GrpcCode: '0' },
      });
    });

    it('forwards the transcoder\'s calls on the 443 listener by the route header, as every private route', () => {
      network.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: ROUTE_HEADER, Values: ['ledger'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('InternalAlbServiceledgerTargetGroup') } }],
      });
    });

    it('adds a native gRPC HTTPS listener on its own port with the ALB certificate and a JSON 404 default', () => {
      network.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: NATIVE_GRPC_PORT,
        Protocol: 'HTTPS',
        Certificates: [{ CertificateArn: DEV_ALB_CERT }],
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) }],
      });
    });

    it('opens the native port to the VPC (where CloudFront\'s VPC origin ENIs are) and 443 to the transcoder\'s security group only', () => {
      const alb = resourcesOf(network, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('InternalAlbSecurityGroup'))![1];
      expect(alb.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '10.40.0.0/16', FromPort: NATIVE_GRPC_PORT, ToPort: NATIVE_GRPC_PORT })]);
      network.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 443, ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GrpcTranscoderSecurityGroup'), 'GroupId'] },
      });
      const transcoder = resourcesOf(network, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('GrpcTranscoderSecurityGroup'))![1];
      // No egress to the internet: its only rule is the one to the ALB.
      expect(transcoder.Properties.SecurityGroupEgress).toBeUndefined();
      const egress = resourcesOf(network, 'AWS::EC2::SecurityGroupEgress').filter(([, e]) => JSON.stringify(e.Properties.GroupId).includes('GrpcTranscoderSecurityGroup'));
      expect(egress).toHaveLength(1);
      network.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        FromPort: 443, ToPort: 443,
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GrpcTranscoderSecurityGroup'), 'GroupId'] },
        DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InternalAlbSecurityGroup'), 'GroupId'] },
      });
    });
  });

  describe('api: REST routes to the gRPC service go to the transcoder after the same authorizer', () => {
    it('runs the transcoder in the VPC on arm64 with its memory, a 30 s timeout and reserved concurrency', () => {
      api.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'acme-dev-grpc-transcoder',
        Architectures: ['arm64'],
        MemorySize: GRPC_TRANSCODER_MEMORY_MB,
        Timeout: 30,
        ReservedConcurrentExecutions: transcoderReservedConcurrency(synth.config.environments.dev.profile, DEFAULT_ASSUMPTIONS),
        VpcConfig: Match.objectLike({ SecurityGroupIds: [Match.anyValue()] }),
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: Match.objectLike({ GATEHOUSE_GRPC_ALB_HOST: Match.anyValue(), POWERTOOLS_SERVICE_NAME: 'gatehouse-grpc-transcoder' }) },
      });
    });

    it('integrates every method of the gRPC route as AWS_PROXY with the route\'s timeout, behind the REQUEST authorizer', () => {
      const methods = resourcesOf(api, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties).filter((p) => p.Integration?.Type === 'AWS_PROXY');
      // GET and POST on /v1/entries and /v1/entries/{proxy+}.
      expect(methods.map((p) => p.HttpMethod).sort()).toEqual(['GET', 'GET', 'POST', 'POST']);
      for (const p of methods) {
        expect(p).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: expect.anything() });
        expect(p.Integration).toMatchObject({ IntegrationHttpMethod: 'POST', TimeoutInMillis: 2500 });
        expect(JSON.stringify(p.Integration.Uri)).toContain('GrpcTranscoderFunction');
        // Not through the VPC link: the transcoder reaches the ALB itself.
        expect(p.Integration.ConnectionType).toBeUndefined();
      }
    });

    it('keeps the HTTP route on its HTTP_PROXY integration', () => {
      const http = resourcesOf(api, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties).filter((p) => p.Integration?.Type === 'HTTP_PROXY');
      expect(http.length).toBeGreaterThan(0);
      expect(http.every((p) => String(p.Integration.Uri).startsWith('https://echo.example.com'))).toBe(true);
    });

    it('lets API Gateway invoke the transcoder with one API-scoped permission', () => {
      const permissions = resourcesOf(api, 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes('GrpcTranscoder'));
      expect(permissions).toHaveLength(1);
      expect(permissions[0][1].Properties.Principal).toBe('apigateway.amazonaws.com');
    });

    it('verifies the partners issuer\'s RS256 JWT on the native listener, bound to its audience, before forwarding to the gRPC target group', () => {
      api.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Priority: 1,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/payflow.ledger.v1.Ledger/*'] } }],
        Actions: [
          {
            Type: 'jwt-validation',
            Order: 1,
            JwtValidationConfig: {
              Issuer: PARTNERS_ISSUER,
              JwksEndpoint: `${PARTNERS_ISSUER}/.well-known/jwks.json`,
              AdditionalClaims: [{ Name: 'aud', Format: 'single-string', Values: ['ledger-api'] }],
            },
          },
          { Type: 'forward', Order: 2, TargetGroupArn: Match.anyValue() },
        ],
      });
    });
  });

  describe('cdn: the native gRPC behaviour', () => {
    it('serves /<package.Service>/* with gRPC enabled, uncached, HTTPS only, first among the behaviours', () => {
      const [, distribution] = resourcesOf(cdn, 'AWS::CloudFront::Distribution')[0];
      const config = distribution.Properties.DistributionConfig;
      expect(config.HttpVersion).toBe('http2and3');
      expect(config.CacheBehaviors[0]).toMatchObject({
        PathPattern: '/payflow.ledger.v1.Ledger/*',
        GrpcConfig: { Enabled: true },
        AllowedMethods: expect.arrayContaining(['POST']),
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
        ViewerProtocolPolicy: 'https-only',
        Compress: false,
      });
      expect(config.CacheBehaviors[0].FunctionAssociations).toBeUndefined();
      // The edge web ACL covers the distribution, so every behaviour, this one too.
      expect(config.WebACLId).toBeDefined();
    });

    it('reaches the native listener through a VPC origin on the primary region\'s internal ALB, checking the ALB certificate\'s name', () => {
      cdn.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
        VpcOriginEndpointConfig: Match.objectLike({ HTTPSPort: NATIVE_GRPC_PORT, OriginProtocolPolicy: 'https-only', Name: 'acme-dev-grpc' }),
      });
      const [, distribution] = resourcesOf(cdn, 'AWS::CloudFront::Distribution')[0];
      const origin = distribution.Properties.DistributionConfig.Origins.find((o: any) => o.VpcOriginConfig);
      expect(origin).toMatchObject({ DomainName: INTERNAL_HOST, VpcOriginConfig: { VpcOriginId: { 'Fn::GetAtt': [expect.stringMatching(/^NativeGrpcVpcOrigin/), 'Id'] } } });
    });
  });
});

describe('a gRPC service without native.enabled', () => {
  const text = grpcConfigText({}, false);
  const synth = synthesize({ file: writeGrpcConfig(text) }, ['dev']);

  it('gets the transcoder and the gRPC target group, but no native listener, rule, VPC origin or gRPC behaviour', () => {
    expect(text).not.toContain('native');
    synth.template('dev', 'Api').resourceCountIs('AWS::Lambda::Function', 2);
    synth.template('dev', 'Network').resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    synth.template('dev', 'Network').hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { ProtocolVersion: 'GRPC' });
    synth.template('dev', 'Cdn').resourceCountIs('AWS::CloudFront::VpcOrigin', 0);
    expect(JSON.stringify(synth.template('dev', 'Cdn').toJSON())).not.toContain('GrpcConfig');
  });
});

describe('nativeJwtCheck (what the ALB verifies for grpc.native.issuer)', () => {
  const service = (issuer: string) => ({ name: 'search', grpc: { native: { enabled: true, issuer } } }) as never;

  it('binds a Cognito token to the pool\'s issuer, access tokens and the pool\'s app clients', () => {
    const check = nativeJwtCheck({ identity: { issuers: [] } } as never, service('cognito'), {
      userPoolId: 'eu-central-1_AbC123', region: 'eu-central-1', issuerType: 'ORIGINAL', clientIds: { machine: 'c1', web: 'c2' },
    });
    expect(check).toEqual({
      issuerName: 'cognito',
      issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123',
      jwksEndpoint: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbC123/.well-known/jwks.json',
      claims: [{ name: 'token_use', format: 'single-string', values: ['access'] }, { name: 'client_id', format: 'single-string', values: ['c1', 'c2'] }],
    });
  });

  it('writes a token pool id\'s issuer exactly as the contract writes a literal one', () => {
    for (const issuerType of ['ORIGINAL', 'UPDATED'] as const) {
      const literal = cognitoIssuerOf({ userPoolId: 'eu-west-2_Xy', region: 'eu-west-2', issuerType });
      const token = cognitoIssuerOf({ userPoolId: Token.asString({ Ref: 'Pool' }), region: 'eu-west-2', issuerType });
      expect(literal).toBe(cognitoIssuerUrl('eu-west-2_Xy', issuerType));
      expect(token.replace(/\$\{Token\[[^\]]+\]\}/, 'eu-west-2_Xy')).toBe(literal);
    }
  });

  it('refuses what the ALB cannot check: an http JWKS, more than 10 audiences', () => {
    const config = (issuer: Record<string, unknown>) => ({ identity: { issuers: [{ name: 'idp', issuer: 'https://idp.example.com', audiences: ['a'], ...issuer }] } }) as never;
    expect(() => nativeJwtCheck(config({ jwks_uri: 'http://localhost:9000/jwks' }), service('idp'))).toThrow('the ALB fetches JWKS over public HTTPS only; idp\'s is http://localhost:9000/jwks');
    expect(() => nativeJwtCheck(config({ audiences: Array.from({ length: 11 }, (_, i) => `a${i}`) }), service('idp'))).toThrow('the ALB checks aud against at most 10 values; idp has 11 audiences');
  });
});
