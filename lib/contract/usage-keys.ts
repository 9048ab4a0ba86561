/**
 * Owns: the API key value of each tier's usage plan (the authorizer returns it, the API stack
 * creates it, the twin meters with it).
 */
import { createHash } from 'node:crypto';
import type { GatewayEnvironment } from '../config/environments';

/**
 * The API key value of a tier's usage plan. The authorizer returns it as `usageIdentifierKey`
 * so API Gateway meters every consumer (API key or OAuth) against its tier's plan.
 *
 * With `apiKeySourceType: AUTHORIZER` API Gateway never accepts this value from a client, so it
 * is a metering identifier, not a credential: it is derived deterministically (and appears in
 * the template) instead of being stored as a secret. See docs/decisions/0004-tier-usage-keys.md.
 */
export function tierUsageKey(gateway: Pick<GatewayEnvironment, 'name' | 'env' | 'config'>, tier: string): string {
  const digest = createHash('sha256')
    .update(`${gateway.config.name}\u0000${gateway.env.account}\u0000${gateway.name}\u0000${tier}`)
    .digest('base64url')
    .slice(0, 24);
  return `gh-${tier}-${digest}`;
}

/**
 * The `usageIdentifierKey` the authorizer returns for a consumer over its minute/hour limit. No
 * usage plan holds this key, so API Gateway refuses the request with its INVALID_API_KEY gateway
 * response, which Gatehouse renders as `rate_limiting.error_code` (429) with the configured
 * message and the authorizer's Retry-After and RateLimit figures. See docs/decisions/0007.
 */
export const RATE_LIMITED_USAGE_KEY = 'gatehouse-rate-limited-no-plan';
