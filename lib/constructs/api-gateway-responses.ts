import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { gatewayResponses, toResponseTemplate, type GatewayResponsesConfig } from '../contract/responses';

export interface ApiGatewayResponsesProps {
  readonly api: apigw.RestApi;
  readonly config: GatewayResponsesConfig;
}

/** The gateway responses of `lib/contract/responses.ts` (how rate limits become 429 is explained there). */
export class ApiGatewayResponses extends Construct {
  constructor(scope: Construct, id: string, props: ApiGatewayResponsesProps) {
    super(scope, id);
    for (const def of gatewayResponses(props.config)) {
      props.api.addGatewayResponse(`Response-${def.type}`, {
        type: apigw.ResponseType.of(def.type),
        statusCode: String(def.statusCode),
        responseHeaders: {
          ...Object.fromEntries(Object.entries(def.headers).map(([name, value]) => [name, `'${value}'`])),
          ...Object.fromEntries(Object.entries(def.contextHeaders ?? {}).map(([name, key]) => [name, `context.authorizer.${key}`])),
        },
        templates: { 'application/json': toResponseTemplate(def) },
      });
    }
  }
}
