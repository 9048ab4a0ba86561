import { gatewayResponses, renderResponseBody, renderResponseHeaders, type GatewayResponseDefinition, type GatewayResponsesConfig, type GatewayResponseType, type ResponseFacts } from '../../lib/contract/responses';

/** Every API Gateway response type the local gateway can produce. */
export type LocalResponseType = GatewayResponseType | 'API_CONFIGURATION_ERROR';

export interface RenderedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Gateway responses as the deployed API renders them (`lib/contract/responses.ts`). A type the
 * API does not customize falls back to DEFAULT_4XX or DEFAULT_5XX, and, as documented by AWS,
 * a status code set on DEFAULT_4XX/5XX replaces the status of every uncustomized type too.
 */
export class GatewayResponses {
  private readonly byType: Map<string, GatewayResponseDefinition>;

  constructor(config: GatewayResponsesConfig) {
    this.byType = new Map(gatewayResponses(config).map((d) => [d.type, d]));
  }

  render(type: LocalResponseType, facts: ResponseFacts): RenderedResponse {
    const def = this.byType.get(type) ?? this.byType.get(DEFAULT_STATUS[type] >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX')!;
    return {
      statusCode: def.statusCode,
      headers: { 'content-type': 'application/json', ...lower(renderResponseHeaders(def, facts)) },
      body: renderResponseBody(def, facts),
    };
  }
}

const DEFAULT_STATUS: Record<string, number> = {
  INVALID_API_KEY: 403, AUTHORIZER_FAILURE: 500, AUTHORIZER_CONFIGURATION_ERROR: 500, API_CONFIGURATION_ERROR: 500,
};

function lower(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
