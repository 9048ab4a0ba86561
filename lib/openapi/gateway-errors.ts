/**
 * The gateway's own error responses as OpenAPI responses: the same definitions API Gateway's
 * gateway responses and the twin render (lib/contract/responses.ts), so the document promises
 * exactly the status codes, bodies and headers a consumer gets.
 */
import type { GatewayConfig } from '../config/schema';
import { gatewayResponses, type GatewayResponseDefinition, type GatewayResponseType } from '../contract/responses';

/** The body of every gateway error. */
export const ERROR_SCHEMA = {
  type: 'object',
  required: ['message', 'code', 'requestId'],
  properties: {
    message: { type: 'string', description: 'What went wrong, for people.' },
    code: { type: 'string', description: 'A stable code for programs (e.g. rate_limited, invalid_token, service_unavailable).' },
    requestId: { type: 'string', description: 'The request id: quote it to support.' },
  },
  additionalProperties: false,
} as const;

const HEADER_SCHEMAS: Readonly<Record<string, { description: string; schema: Record<string, unknown> }>> = {
  'retry-after': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
  'www-authenticate': { description: 'The authentication schemes the API accepts (RFC 9110; RFC 6750 for bearer tokens).', schema: { type: 'string' } },
  'cache-control': { description: 'Gateway errors are never cached.', schema: { type: 'string', const: 'no-store' } },
};

/** What a response's description says, by the gateway response it comes from. */
const WHY: Partial<Record<GatewayResponseType, string>> = {
  UNAUTHORIZED: 'No credential, or one the gateway does not accept (unknown key, bad or expired token).',
  ACCESS_DENIED: 'The credential is valid but may not call this route (scope, group, IP allowlist, revoked consumer), or the web ACL refused the request.',
  INVALID_API_KEY: 'The consumer\'s tier limit (minute, hour or quota) is used up.',
  THROTTLED: 'The stage or the consumer\'s usage plan throttle refused the request.',
  BAD_REQUEST_BODY: 'The body does not match the route\'s request schema.',
  REQUEST_TOO_LARGE: 'The body is larger than the gateway accepts.',
  UNSUPPORTED_MEDIA_TYPE: 'The body\'s Content-Type is not accepted.',
  AUTHORIZER_CONFIGURATION_ERROR: 'The service is shed (its circuit breaker is open, or it is in maintenance): retry after Retry-After.',
  AUTHORIZER_FAILURE: 'The gateway could not decide (a store it depends on is unavailable): retry soon.',
  INTEGRATION_TIMEOUT: 'The upstream service did not answer in time.',
  INTEGRATION_FAILURE: 'The upstream service could not be reached.',
};

export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
  readonly content: { 'application/json': { schema: { $ref: string } } };
}

/** Which gateway errors an operation can answer, by status code (several types share one). */
export function gatewayErrorResponses(config: GatewayConfig, types: readonly GatewayResponseType[]): Record<string, OpenApiResponse> {
  const byType = new Map(gatewayResponses(config).map((d) => [d.type, d]));
  const out: Record<string, OpenApiResponse> = {};
  for (const type of types) {
    const def = byType.get(type);
    if (!def) throw new Error(`invariant: no gateway response ${type}`);
    const status = String(def.statusCode);
    const previous = out[status];
    out[status] = {
      description: [previous?.description, WHY[type] ?? defaultText(def)].filter(Boolean).join(' Or: '),
      headers: { ...previous?.headers, ...headersOf(def) },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayError' } } },
    };
  }
  return out;
}

function defaultText(def: GatewayResponseDefinition): string {
  return 'text' in def.message ? def.message.text : def.message.fallback;
}

/** Every header the response may carry: its static ones and those the authorizer fills in. */
function headersOf(def: GatewayResponseDefinition): Record<string, { description: string; schema: Record<string, unknown> }> {
  const names = [...Object.keys(def.headers), ...Object.keys(def.contextHeaders ?? {})];
  return Object.fromEntries(names.map((name) => [name, HEADER_SCHEMAS[name.toLowerCase()] ?? rateLimitHeader(name)]));
}

function rateLimitHeader(name: string): { description: string; schema: Record<string, unknown> } {
  return { description: `${name}: the consumer's rate-limit figures (docs/rate-limiting.md).`, schema: { type: 'string' } };
}
