import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import type { GatewayConfig, RouteConfig } from '../../lib/config/schema';
import { allowedContentTypePattern, repeatedQueryParameterPattern, WAF_BODY } from '../../lib/contract/request-checks';
import { BODY_METHODS, type ApiMethod } from '../../lib/contract/route-table';

/**
 * Request checks in the order the deployed path applies them: the web ACL rules
 * ({@link compileWafChecks}), then API Gateway's request validator after the authorizer: the
 * route's `request_schema` (JSON Schema draft 4, a model keyed by the JSON types and `$default`,
 * so every content type is validated) -> BAD_REQUEST_BODY with the validation error text.
 */

export interface WafRejection {
  readonly statusCode: number;
  readonly body: string;
}

/** A web ACL block the local gateway emulates: the rule's name and the answer. */
export interface WafBlock extends WafRejection {
  readonly rule: 'MaxBodySize' | 'AllowedContentTypes' | 'RepeatedCacheKeyParameter';
}

/**
 * The web ACL rules that run before API Gateway, compiled once per gateway:
 * - edge `MaxBodySize`: a body over `security.max_body_bytes` -> 413;
 * - regional `AllowedContentTypes`: POST/PUT/PATCH with a non-empty body whose Content-Type is
 *   not an allowed media type (parameters allowed; a repeated header, joined with commas, never is) -> 415;
 * - regional `RepeatedCacheKeyParameter`: a query parameter some stage cache is keyed on, given
 *   twice -> 400 (lib/contract/request-checks.ts explains the poisoning).
 */
export function compileWafChecks(config: GatewayConfig, methods: readonly ApiMethod[]): (request: { method: string; contentType?: string; bodyBytes: number; rawQuery: string }) => WafBlock | undefined {
  const limit = config.security.max_body_bytes;
  const allowedTypes = new RegExp(allowedContentTypePattern(config.security.allowed_content_types));
  const repeated = [...new Set(methods.flatMap((m) => m.cache?.keyQuery ?? []))].map((q) => new RegExp(repeatedQueryParameterPattern(q)));
  const block = (rule: WafBlock['rule'], statusCode: number, body: object): WafBlock => ({ rule, statusCode, body: JSON.stringify(body) });
  return ({ method, contentType, bodyBytes, rawQuery }) => {
    if (bodyBytes > limit) return block('MaxBodySize', 413, WAF_BODY.tooLarge(limit));
    if (bodyBytes > 0 && BODY_METHODS.includes(method) && !allowedTypes.test((contentType ?? '').toLowerCase())) {
      return block('AllowedContentTypes', 415, WAF_BODY.unsupportedMediaType);
    }
    if (rawQuery && repeated.length > 0) {
      let decoded: string;
      try { decoded = decodeURIComponent(rawQuery.replace(/\+/g, ' ')); } catch { decoded = rawQuery; }
      if (repeated.some((p) => p.test(decoded))) return block('RepeatedCacheKeyParameter', 400, WAF_BODY.repeatedParameter);
    }
    return undefined;
  };
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
