import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import type { GatewayConfig, RouteConfig } from '../../lib/config/schema';
import { allowedContentTypePattern, REPEATED_PARAMETER_BODY, repeatedQueryParameterPattern } from '../../lib/gateway/request-checks';
import { BODY_METHODS, type ApiMethod } from '../../lib/gateway/route-table';

/**
 * Request checks in the order the deployed path applies them:
 * - edge web ACL `MaxBodySize`: a body over `security.max_body_bytes` -> 413 with the WAF body;
 * - regional web ACL `AllowedContentTypes`: POST/PUT/PATCH with a non-empty body whose
 *   Content-Type is not an allowed media type (parameters allowed; a repeated header, joined
 *   with commas, never is) -> 415 with the WAF body;
 * - API Gateway request validator (after the authorizer): the route's `request_schema` (JSON
 *   Schema draft 4, a model keyed by the JSON types and `$default`, so every content type is
 *   validated) -> BAD_REQUEST_BODY with the validation error text.
 */

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
const repeatedPatterns = new WeakMap<GatewayConfig, RegExp[]>();

/**
 * Regional web ACL `RepeatedCacheKeyParameter`: a query parameter some stage cache is keyed on,
 * given twice -> 400 with the WAF body (lib/gateway/request-checks.ts explains the poisoning).
 */
export function checkRepeatedCacheKeys(config: GatewayConfig, methods: readonly ApiMethod[], rawQuery: string): WafRejection | undefined {
  if (!rawQuery) return undefined;
  let patterns = repeatedPatterns.get(config);
  if (!patterns) repeatedPatterns.set(config, patterns = [...new Set(methods.flatMap((m) => m.cache?.keyQuery ?? []))].map((q) => new RegExp(repeatedQueryParameterPattern(q))));
  if (patterns.length === 0) return undefined;
  let decoded: string;
  try { decoded = decodeURIComponent(rawQuery.replace(/\+/g, ' ')); } catch { decoded = rawQuery; }
  return patterns.some((p) => p.test(decoded)) ? { statusCode: 400, body: JSON.stringify(REPEATED_PARAMETER_BODY) } : undefined;
}

export function checkContentType(config: GatewayConfig, httpMethod: string, contentType: string | undefined, bytes: number): WafRejection | undefined {
  if (!BODY_METHODS.includes(httpMethod) || bytes === 0) return undefined;
  let allowed = allowedPatterns.get(config);
  if (!allowed) allowedPatterns.set(config, allowed = new RegExp(allowedContentTypePattern(config.security.allowed_content_types)));
  if (allowed.test((contentType ?? '').toLowerCase())) return undefined;
  return { statusCode: 415, body: JSON.stringify({ message: 'Unsupported content type', code: 'unsupported_media_type' }) };
}

/** Compiled request models, one per route with a `request_schema`. */
export class RequestValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(config: GatewayConfig) {
    const ajv = new Ajv04({ allErrors: true, strict: false });
    // API Gateway models know `format`s like email; ajv-draft-04 has none built in.
    ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
    ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v));
    ajv.addFormat('uri', (v: string) => { try { return Boolean(new URL(v)); } catch { return false; } });
    for (const route of config.routes) {
      if (route.request_schema) this.validators.set(route.name, ajv.compile(route.request_schema));
    }
  }

  /**
   * The validation error string (`[...]` like API Gateway's `$context.error.validationErrorString`),
   * or undefined when the body is valid or not validated.
   */
  validate(route: RouteConfig, httpMethod: string, body: Buffer): string | undefined {
    const validator = this.validators.get(route.name);
    if (!validator || !BODY_METHODS.includes(httpMethod)) return undefined;
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
