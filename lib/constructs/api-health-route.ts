import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/nag';
import { HEALTH_PATH, healthBody } from '../contract/health-route';

export interface ApiHealthRouteProps {
  readonly api: apigw.RestApi;
  /** The stack's region, written into the answer: a prober learns which region answered a shared name. */
  readonly region: string;
}

/** The answer's mapping template, fixed at synth: `{"status":"ok","region":"<region>"}`. */
function healthResponseTemplate(region: string): string {
  return JSON.stringify(healthBody(region));
}

/**
 * `GET /_gatehouse/health` (lib/contract/health-route.ts): API Gateway answers it itself with a
 * MOCK integration, 200 and the region. No authorizer and no API key, so it proves the region's
 * custom domain, TLS, regional web ACL and stage answer, and nothing behind them (the routing
 * plan says why the region's 5xx alarm is not added to its health). It stays behind the regional
 * web ACL, so a probe needs X-Origin-Verify like CloudFront; the edge web ACL blocks the prefix.
 * Every environment has it: harmless with one region, and a one-region environment can be probed.
 */
export class ApiHealthRoute extends Construct {
  public readonly method: apigw.Method;

  constructor(scope: Construct, id: string, props: ApiHealthRouteProps) {
    super(scope, id);
    const integration = new apigw.MockIntegration({
      // A probe sends no body: anything but JSON (or no Content-Type) is refused with 415.
      passthroughBehavior: apigw.PassthroughBehavior.NEVER,
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      integrationResponses: [{
        statusCode: '200',
        responseTemplates: { 'application/json': healthResponseTemplate(props.region) },
        responseParameters: { 'method.response.header.Cache-Control': "'no-store'" },
      }],
    });
    this.method = props.api.root.resourceForPath(HEALTH_PATH).addMethod('GET', integration, {
      authorizationType: apigw.AuthorizationType.NONE,
      apiKeyRequired: false,
      methodResponses: [{ statusCode: '200', responseParameters: { 'method.response.header.Cache-Control': true } }],
    });
    const reason = 'The gateway\'s health route: a MOCK integration that reaches no backend and answers only {"status":"ok","region"}; '
      + 'the regional web ACL still requires the origin-verify header and the edge web ACL blocks /_gatehouse/, so only the health prober (which holds the secret) reaches it.';
    acknowledge(this.method, { id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
  }
}
