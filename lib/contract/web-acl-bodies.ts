/**
 * Owns: the custom response bodies of the edge (CLOUDFRONT) web ACL, by the keys of
 * `RESPONSE_BODY` in ./edge-waf-rules.ts. The regional web ACL's bodies are the rows of
 * ./request-checks.ts. Both print ./refusals.ts's words as `{"message","code"}`: WAF answers
 * with fixed bytes, so no `requestId` (the gateway's own responses add one).
 */
import type { GatewayConfig } from '../config/schema';
import type { RESPONSE_BODY } from './edge-waf-rules';
import { edgeRateLimited, REFUSAL, tooLarge, type RefusalText } from './refusals';

/** What the edge bodies depend on. */
export type EdgeWebAclBodyConfig = {
  readonly security: Pick<GatewayConfig['security'], 'max_body_bytes'>;
  readonly rate_limiting: Pick<GatewayConfig['rate_limiting'], 'error_message'>;
};

/**
 * The edge web ACL's bodies: geo block (403), body too large (413), the rate-based rules
 * (`rate_limiting.error_code`, the configured message, code `edge_rate_limited`).
 * @example
 * const bodies = edgeWebAclBodies(config);
 * customResponseBodies[RESPONSE_BODY.geo] = { contentType: 'APPLICATION_JSON', content: refusalBody(bodies.geo) };
 */
export function edgeWebAclBodies(config: EdgeWebAclBodyConfig): Readonly<Record<keyof typeof RESPONSE_BODY, RefusalText>> {
  return {
    geo: REFUSAL.geoBlocked,
    tooLarge: tooLarge(config.security.max_body_bytes),
    rateLimited: edgeRateLimited(config.rate_limiting.error_message),
  };
}
