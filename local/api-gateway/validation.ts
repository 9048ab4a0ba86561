import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import type { GatewayConfig, RouteConfig } from '../../lib/config/schema';
import { allowedContentTypePattern } from '../../lib/gateway/content-types';

/**
 * Request checks in the order the deployed path applies them:
 * - edge web ACL `MaxBodySize`: a body over `security.max_body_bytes` -> 413 with the WAF body;
 * - regional web ACL `AllowedContentTypes`: POST/PUT/PATCH with a non-empty body whose
 *   Content-Type is not an allowed media type (parameters allowed; a repeated header, joined
 *   with commas, never is) -> 415 with the WAF body;
 * - API Gateway request validator (after the authorizer): the route's `request_schema` (JSON
 *   Schema draft 4, a model keyed by `application/json`) -> BAD_REQUEST_BODY with the
 *   validation error text. Requests whose content type has no model are not validated.
 */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export interface WafRejection {
  readonly statusCode: number;
  readonly body: string;
}

export function checkBodySize(config: GatewayConfig, bytes: number): WafRejection | undefined {
  const limit = config.security.max_body_bytes;
  if (bytes <= limit) return undefined;
  return { statusCode: 413, body: JSON.stringify({ message: `Request body too large (limit ${limit} bytes)` }) };
}

const allowedPatterns = new WeakMap<GatewayConfig, RegExp>();

export function checkContentType(config: GatewayConfig, httpMethod: string, contentType: string | undefined, bytes: number): WafRejection | undefined {
  if (!BODY_METHODS.has(httpMethod) || bytes === 0) return undefined;
  let allowed = allowedPatterns.get(config);
  if (!allowed) allowedPatterns.set(config, allowed = new RegExp(allowedContentTypePattern(config.security.allowed_content_types)));
  if (allowed.test((contentType ?? '').toLowerCase())) return undefined;
  return { statusCode: 415, body: JSON.stringify({ message: 'Unsupported content type', code: 'unsupported_media_type' }) };
}

const isJsonType = (type: string) => type === 'application/json' || type.endsWith('+json');

/** Compiled request models, one per route with a `request_schema`. */
export class RequestValidator {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly jsonTypes: string[];

  constructor(config: GatewayConfig) {
    const ajv = new Ajv04({ allErrors: true, strict: false });
    // API Gateway models know `format`s like email; ajv-draft-04 has none built in.
    ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
    ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v));
    ajv.addFormat('uri', (v: string) => { try { return Boolean(new URL(v)); } catch { return false; } });
    for (const route of config.routes) {
      if (route.request_schema) this.validators.set(route.name, ajv.compile(route.request_schema));
    }
    this.jsonTypes = config.security.allowed_content_types.filter(isJsonType);
  }

  /**
   * The validation error string (`[...]` like API Gateway's `$context.error.validationErrorString`),
   * or undefined when the body is valid or not validated.
   */
  validate(route: RouteConfig, httpMethod: string, contentType: string | undefined, body: Buffer): string | undefined {
    const validator = this.validators.get(route.name);
    if (!validator || !BODY_METHODS.has(httpMethod)) return undefined;
    const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!this.jsonTypes.includes(type)) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
    } catch (err) {
      return `[Invalid JSON in request body: ${(err as Error).message.replace(/"/g, "'")}]`;
    }
    if (validator(value)) return undefined;
    const messages = (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`.replace(/"/g, "'"));
    return `[${messages.join(', ')}]`;
  }
}
