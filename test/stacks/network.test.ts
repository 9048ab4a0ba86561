import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ROUTE_HEADER } from '../../lib/contract/headers';
import type { NetworkStack } from '../../lib/stacks/network-stack';
import { editShipped, guardedEdit, minimalConfig } from '../support/config-text';
import { findingsIn } from '../support/synth';
import { cachedVpcLookup, formatFindings, synthesizeFoundation } from './foundation-synth';

const withCompliance = (list: string) => editShipped('gateway.config.yaml', ['compliance: [soc2]', `compliance: ${list}`]);
const DEV_ALB_CERT = 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-4000-8000-000000000001';
const IMPORTED_VPC = 'vpc-0abc12345678def01';

/** Logical id of the target group created for a private service. */
function targetGroupRef(network: NetworkStack, service: string): unknown {
  return network.resolve(network.targetGroupArns[service]);
}

describe('network stack of the root gateway.config.yaml (soc2, four private services)', () => {
  const synth = synthesizeFoundation({ file: 'gateway.config.yaml' }, { environment: 'dev' });
  const template: Template = synth.template('Network');

  it('creates a VPC from env.vpc with public, private-with-egress and isolated subnets', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.40.0.0/16' });
    for (const type of ['Public', 'Private', 'Isolated']) {
      template.hasResourceProperties('AWS::EC2::Subnet', { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: type }]) });
    }
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
  });

  it('sends all VPC flow logs to a log group kept for the profile retention and encrypted with a rotated CMK', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90, KmsKeyId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('reaches DynamoDB through a gateway endpoint and creates no interface endpoints', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
    });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
  });

  it('puts an internal ALB in the private subnets with deletion protection, invalid-header dropping and access logs', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    // ELB log delivery needs SSE-S3; the log bucket itself is server-access-logged.
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
  });

  it('listens on HTTPS 443 only, with the configured certificate and a TLS 1.3 policy', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      Certificates: [{ CertificateArn: DEV_ALB_CERT }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
    });
  });

  it('answers requests without a known route with a JSON 404', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{
        Type: 'fixed-response',
        FixedResponseConfig: { StatusCode: '404', ContentType: 'application/json', MessageBody: '{"message":"no route matched","code":"no_route"}' },
      }],
    });
  });

  it('creates one IP target group per private service with its health check, algorithm and deregistration delay', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 4);
    const algorithms = {
      'user-service-v1': 'round_robin',
      'user-service-v2': 'least_outstanding_requests',
      'user-service-v2-canary': 'round_robin',
      'tenant-router-service': 'weighted_random',
    };
    const groups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup');
    for (const [service, algorithm] of Object.entries(algorithms)) {
      const { Ref } = targetGroupRef(synth.network, service) as { Ref: string };
      expect(groups[Ref].Properties).toMatchObject({
        TargetType: 'ip',
        Protocol: 'HTTPS',
        Port: 8080,
        HealthCheckProtocol: 'HTTPS',
        HealthCheckPath: '/health',
        HealthCheckIntervalSeconds: 15,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 3,
        UnhealthyThresholdCount: 2,
        Matcher: { HttpCode: '200-299' },
        TargetGroupAttributes: expect.arrayContaining([
          { Key: 'load_balancing.algorithm.type', Value: algorithm },
          { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
        ]),
      });
    }
  });

  it('has one listener rule per private-service route on X-Gatehouse-Route, prioritised in config order', () => {
    const expected = [
      ['api-v1-users', 'user-service-v1'],
      ['api-v2-users', 'user-service-v2'],
      ['api-users-canary', 'user-service-v2-canary'],
      ['tenant-api', 'tenant-router-service'],
      ['plans', 'user-service-v1'],
    ];
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', expected.length);
    expected.forEach(([route, service], index) => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Priority: index + 1,
        Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: ROUTE_HEADER, Values: [route] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: targetGroupRef(synth.network, service) }],
      });
    });
  });

  it('exports each target group ARN under a name service teams can import', () => {
    template.hasOutput('*', {
      Value: targetGroupRef(synth.network, 'tenant-router-service'),
      Export: { Name: 'gatehouse-dev-network:tg:tenant-router-service' },
    });
    expect(Object.keys(synth.network.targetGroupArns).sort()).toEqual(['tenant-router-service', 'user-service-v1', 'user-service-v2', 'user-service-v2-canary']);
  });

  it('opens the ALB on 443 to the VPC link security group only', () => {
    const albSg = synth.network.resolve((synth.network.loadBalancer!.connections.securityGroups[0]).securityGroupId);
    const linkSg = synth.network.resolve(synth.network.vpcLinkSecurityGroup!.securityGroupId);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify(albSg));
    expect(ingress.map((r) => r.Properties)).toEqual([expect.objectContaining({ FromPort: 443, ToPort: 443, SourceSecurityGroupId: linkSg })]);
    const albGroup = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .find((r) => r.Properties.GroupDescription.startsWith('Internal ALB'));
    expect(albGroup?.Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('creates a VPC link v2 in the private subnets whose security group may only reach the ALB on 443', () => {
    const linkSg = synth.network.resolve(synth.network.vpcLinkSecurityGroup!.securityGroupId);
    template.hasResourceProperties('AWS::ApiGatewayV2::VpcLink', {
      SecurityGroupIds: [linkSg],
      SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('privateSubnet1') }]),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: linkSg, FromPort: 443, ToPort: 443,
      DestinationSecurityGroupId: synth.network.resolve(synth.network.loadBalancer!.connections.securityGroups[0].securityGroupId),
    });
  });

  it('gives VPC Lambdas a security group with HTTPS egress only', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Gateway Lambdas'),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })],
    });
  });

  it('has no unacknowledged compliance finding', () => {
    expect(formatFindings(findingsIn(synth.findings, 'Network'))).toBe('');
  });
});

describe('network stack compliance across profiles', () => {
  it.each(['[pci-dss]', '[hipaa]', '[gdpr]', '[]'])('has no unacknowledged finding with compliance %s', (list) => {
    const synth = synthesizeFoundation({ yaml: withCompliance(list) }, { environment: 'dev' });
    expect(formatFindings(findingsIn(synth.findings, 'Network'))).toBe('');
    if (list === '[]') {
      // No compliance regime: AWS managed encryption and the shortest retention.
      synth.template('Network').hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: Match.absent() });
    }
  });
});

describe('network stack with an imported VPC', () => {
  const yaml = guardedEdit(withCompliance('[hipaa]'), [
    '    certificates:\n      alb: arn:aws:acm:eu-west-1:111111111111',
    `    vpc: { id: ${IMPORTED_VPC} }\n    certificates:\n      alb: arn:aws:acm:eu-west-1:111111111111`,
  ]);
  const synth = synthesizeFoundation({ yaml }, { environment: 'dev', context: cachedVpcLookup(IMPORTED_VPC, '111111111111', 'eu-west-1') });
  const template = synth.template('Network');

  it('uses the looked-up VPC and leaves its flow logs and endpoints to the owner', () => {
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(synth.network.vpc.vpcId).toBe(IMPORTED_VPC);
  });

  it('places the ALB and the VPC link in the VPC\'s private subnets', () => {
    const privateSubnets = ['subnet-0b000000000001', 'subnet-0b000000000002'];
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Subnets: privateSubnets });
    template.hasResourceProperties('AWS::ApiGatewayV2::VpcLink', { SubnetIds: privateSubnets });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { VpcId: IMPORTED_VPC });
  });

  it('has no unacknowledged compliance finding', () => {
    expect(formatFindings(findingsIn(synth.findings, 'Network'))).toBe('');
  });
});

describe('network stack when every service is public', () => {
  const yaml = minimalConfig({ name: 'public-only', compliance: ['pci-dss'] });
  const synth = synthesizeFoundation({ yaml });
  const template = synth.template('Network');

  it('creates no ALB, target group, log bucket or VPC link', () => {
    for (const type of ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::S3::Bucket', 'AWS::ApiGatewayV2::VpcLink']) {
      template.resourceCountIs(type, 0);
    }
    expect(synth.network.loadBalancer).toBeUndefined();
    expect(synth.network.listener).toBeUndefined();
    expect(synth.network.vpcLink).toBeUndefined();
    expect(synth.network.targetGroupArns).toEqual({});
  });

  it('still creates the VPC and the Lambda security group', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    expect(synth.network.lambdaSecurityGroup).toBeDefined();
  });

  it('has no unacknowledged compliance finding', () => {
    expect(formatFindings(findingsIn(synth.findings, 'Network'))).toBe('');
  });
});
