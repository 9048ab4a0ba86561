import { posix } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../lib/checks/load';
import { ApiHealthRoute } from '../../lib/constructs/api-health-route';
import { HealthRotationAlarms } from '../../lib/constructs/health-rotation-alarms';
import { isHealthyAnswer } from '../../lib/contract/health-route';
import { GATEWAY_PATHS_REGEX, planEdgeRules } from '../../lib/contract/edge-waf-rules';
import { planRouting } from '../../lib/contract/routing-plan';
import { minimalConfig } from '../support/config-text';
import { fintechTwoRegions } from './fixtures';

describe('ApiHealthRoute: GET /_gatehouse/health answered by API Gateway itself', () => {
  const app = new App();
  const stack = new Stack(app, 'Api', { env: { account: '111111111111', region: 'eu-west-1' } });
  const api = new apigw.RestApi(stack, 'RestApi', { deploy: false });
  new ApiHealthRoute(stack, 'HealthRoute', { api, region: stack.region });
  const t = Template.fromStack(stack);
  const resources = t.findResources('AWS::ApiGateway::Resource');
  const method = Object.values(t.findResources('AWS::ApiGateway::Method'))[0].Properties;

  it('sits at /_gatehouse/health', () => {
    expect(Object.values(resources).map((r) => r.Properties.PathPart).sort()).toEqual(['_gatehouse', 'health']);
    expect(resources[method.ResourceId.Ref].Properties.PathPart).toBe('health');
  });

  it('needs no authorizer and no API key, and reaches nothing: a MOCK integration', () => {
    expect(method).toMatchObject({ HttpMethod: 'GET', AuthorizationType: 'NONE', ApiKeyRequired: false });
    expect(method.Integration).toMatchObject({ Type: 'MOCK', PassthroughBehavior: 'NEVER', RequestTemplates: { 'application/json': '{"statusCode": 200}' } });
  });

  it('answers 200 with the health body naming the stack\'s region, never cached', () => {
    const [response] = method.Integration.IntegrationResponses;
    expect(response).toMatchObject({ StatusCode: '200', ResponseParameters: { 'method.response.header.Cache-Control': "'no-store'" } });
    const body = response.ResponseTemplates['application/json'];
    expect(body).toBe('{"status":"ok","region":"eu-west-1"}');
    expect(isHealthyAnswer(200, JSON.parse(body), 'eu-west-1')).toBe(true);
    expect(isHealthyAnswer(200, JSON.parse(body), 'eu-west-2')).toBe(false);
    expect(method.MethodResponses).toEqual([{ StatusCode: '200', ResponseParameters: { 'method.response.header.Cache-Control': true } }]);
  });
});

describe('edge web ACL: the gateway\'s own paths', () => {
  const config = parseConfig(minimalConfig(), 'acme.yaml').environments.dev.config;
  const plan = planEdgeRules(config);
  const rule = plan.rules.find((r) => r.name === 'GatewayPaths')!;

  it('blocks them with 404 right after the geo rules, before any paid inspection', () => {
    expect(rule).toMatchObject({ priority: 0, action: { block: { customResponse: { responseCode: 404 } } } });
    expect(plan.rules.map((r) => r.name).slice(0, 3)).toEqual(['GatewayPaths', 'AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesAnonymousIpList']);
    const withGeo = planEdgeRules(parseConfig(minimalConfig({ security: { geo: { deny: ['KP'] } } }), 'acme.yaml').environments.dev.config);
    expect(withGeo.rules.map((r) => r.name).slice(0, 2)).toEqual(['GeoDenyList', 'GatewayPaths']);
  });

  it('inspects the URI path after three transformations (3 + 3 x 10 WCU: test/stacks/edge.test.ts pins the total)', () => {
    const statement = (rule.statement as { regexMatchStatement: { regexString: string; fieldToMatch: unknown; textTransformations: Array<{ type: string }> } }).regexMatchStatement;
    expect(statement.fieldToMatch).toEqual({ uriPath: {} });
    expect(statement.textTransformations.map((x) => x.type)).toEqual(['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE']);
  });

  /** WAF's transformations as this test reads them (URL_DECODE, NORMALIZE_PATH, LOWERCASE, in order), then the regex. */
  const blocked = (uriPath: string) => new RegExp(GATEWAY_PATHS_REGEX).test(posix.normalize(decodeURIComponent(uriPath)).toLowerCase());

  it('matches the prefix however a viewer spells it, and nothing that merely contains it', () => {
    for (const p of ['/_gatehouse/health', '/_gatehouse', '/_gatehouse/', '/%5Fgatehouse/health', '/_GATEHOUSE/health', '//_gatehouse/health', '/v1/../_gatehouse/health', '/./_gatehouse/health']) {
      expect([p, blocked(p)]).toEqual([p, true]);
    }
    for (const p of ['/v1/_gatehouse/health', '/_gatehousex/health', '/_gatehouse-status', '/v1/users', '/']) {
      expect([p, blocked(p)]).toEqual([p, false]);
    }
  });
});

describe('HealthRotationAlarms (D9): Route 53 health check status alarms, us-east-1', () => {
  const plan = planRouting(fintechTwoRegions());
  const ids = { 'eu-west-2': 'hc-euw2', 'eu-west-1': 'hc-euw1' };

  it('alarms per region when its check is unhealthy for a minute, and when no region is healthy', () => {
    const stack = new Stack(new App(), 'EdgeObservability', { env: { account: '210000000003', region: 'us-east-1' } });
    new HealthRotationAlarms(stack, 'Rotation', { plan, healthCheckIds: ids, anyRegionHealthCheckId: 'hc-any' });
    const t = Template.fromStack(stack);
    for (const [name, id] of [['payflow-prod-out-of-rotation-eu-west-2', 'hc-euw2'], ['payflow-prod-out-of-rotation-eu-west-1', 'hc-euw1'], ['payflow-prod-no-region-healthy', 'hc-any']]) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: name, Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Dimensions: [{ Name: 'HealthCheckId', Value: id }],
        Statistic: 'Minimum', Period: 60, Threshold: 1, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'missing',
      });
    }
  });

  it('cannot be built outside us-east-1, where Route 53 publishes the status', () => {
    const stack = new Stack(new App(), 'Elsewhere', { env: { account: '210000000003', region: 'eu-west-2' } });
    expect(() => new HealthRotationAlarms(stack, 'Rotation', { plan, healthCheckIds: ids, anyRegionHealthCheckId: 'hc-any' })).toThrow(/Cannot create an Alarm in region 'eu-west-2' based on metric 'HealthCheckStatus' in 'us-east-1'/);
  });
});
