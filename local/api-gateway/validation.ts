import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import type { GatewayConfig, RouteConfig } from '../../lib/config/schema';
import { refusalBody } from '../../lib/contract/refusals';
import { cacheKeyQueries, requestChecks, type RequestCheck, type RequestCheckRule } from '../../lib/contract/request-checks';
import { BODY_METHODS, type ApiMethod } from '../../lib/contract/route-table';

/**
 * Request checks in the order the deployed path applies them: the web ACL rules
 * ({@link compileWafChecks}, from the contract's table), then API Gateway's request validator after the authorizer: the
 * route's `request_schema` (JSON Schema draft 4, a model keyed by the JSON types and `$default`,
 * so every content type is validated) -> BAD_REQUEST_BODY with the validation error text.
 */

export interface WafRejection {
  readonly statusCode: number;
  readonly body: string;
}

/** A web ACL block the local gateway emulates: the rule's name and the answer. */
export interface WafBlock extends WafRejection {
  readonly rule: RequestCheckRule;
}

/** What the web ACL rules read of a request. */
export interface WafRequest {
  readonly method: string;
  readonly contentType?: string;
  readonly bodyBytes: number;
  readonly rawQuery: string;
}

/**
 * The web ACL rules that run before API Gateway (the table of lib/contract/request-checks.ts),
 * compiled once per gateway and run in the table's order; the first that matches answers. The
 * twin is a request through CloudFront: RequireOriginVerify always passes (its CloudFront sends
 * the secret) and the mTLS domain's rows never apply.
 */
export function compileWafChecks(config: GatewayConfig, methods: readonly ApiMethod[]): (request: WafRequest) => WafBlock | undefined {
  const checks = requestChecks({
    maxBodyBytes: config.security.max_body_bytes,
    allowedContentTypes: config.security.allowed_content_types,
    cacheKeyQueries: cacheKeyQueries(methods),
    mtlsDomain: false,
  });
  const compiled = checks.flatMap((check) => {
    const matches = compileCheck(check);
    return matches ? [{ matches, block: { rule: check.rule, statusCode: check.statusCode, body: refusalBody(check.body) } }] : [];
  });
  return (request) => compiled.find((c) => c.matches(request))?.block;
}

/** Whether a request matches the row's pattern; undefined for a row that never blocks in the twin. */
function compileCheck(check: RequestCheck): ((request: WafRequest) => boolean) | undefined {
  switch (check.rule) {
    case 'MaxBodySize': return ({ bodyBytes }) => bodyBytes > check.maxBodyBytes;
    case 'AllowedContentTypes': {
      const allowed = new RegExp(check.contentTypePattern);
      return ({ method, contentType, bodyBytes }) => bodyBytes > 0 && check.methods.includes(method) && !allowed.test((contentType ?? '').toLowerCase());
    }
    case 'RepeatedCacheKeyParameter': {
      if (check.patterns.length === 0) return undefined;
      const repeated = check.patterns.map((p) => new RegExp(p));
      return ({ rawQuery }) => {
        if (rawQuery === '') return false;
        // The URL-decoded query string, as the web ACL's URL_DECODE transformation sees it.
        const decoded = decodeQuery(rawQuery);
        return repeated.some((p) => p.test(decoded));
      };
    }
    // The twin's CloudFront always sends the origin-verify secret.
    case 'RequireOriginVerify': return undefined;
    // Not in the table without an mTLS domain, and the twin has none.
    case 'MtlsDomainNoEdgeHeaders': case 'MtlsDomainMaxBodySize': return undefined;
  }
}

function decodeQuery(rawQuery: string): string {
  try { return decodeURIComponent(rawQuery.replace(/\+/g, ' ')); } catch { return rawQuery; }
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
