import { createHash } from 'node:crypto';
import type { RouteConfig, TierConfig } from '../../lib/config/schema';
import { CHALLENGE_CONTEXT, REASON, type DenyReason } from '../../lib/contract/authorizer-context';
import { challengeValue, routeSchemes } from '../../lib/contract/challenges';
import { Denied } from './errors';
import type { AuthorizerContext } from './policy';

/** Who the caller is once authenticated. */
export interface Identity {
  readonly kind: 'jwt' | 'api_key' | 'mtls' | 'none';
  /** Config issuer name for JWTs. */
  readonly issuer?: string;
  readonly principal: string;
  readonly consumer: string;
  readonly tenant?: string;
  readonly tier: TierConfig;
  readonly scopes: readonly string[];
  readonly groups: readonly string[];
  /** The consumer record allows canaries (the tier may too). */
  readonly canaryAllowed: boolean;
  /** Rate-limit bucket of the consumer, before any route group. */
  readonly rateKey: string;
  /** The consumer's own usage plan key, when its record has one. */
  readonly usageKey?: string;
}

export type AccessDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: DenyReason; readonly message: string };

/** The tier by name, or the first tier (the default) when the name is absent or unknown. */
export function resolveTier(tiers: readonly TierConfig[], name: string | undefined): TierConfig {
  return tiers.find((t) => t.name === name) ?? tiers[0];
}

/** Whether an authenticated identity may use the chosen route (credential kind, issuer, scopes, groups, tenant). */
export function checkAccess(route: RouteConfig, identity: Identity, wildcardLabel: string | undefined): AccessDecision {
  const { strategies, issuers, scopes, groups } = route.auth;
  if (!strategies.includes(identity.kind)) return deny(REASON.credentialNotAccepted, `route ${route.name} does not accept ${identity.kind} credentials`);
  if (identity.kind === 'jwt' && issuers.length > 0 && !issuers.includes(identity.issuer ?? '')) {
    return deny(REASON.issuerNotAccepted, `route ${route.name} does not accept tokens from this issuer`);
  }
  const missing = scopes.filter((s) => !identity.scopes.includes(s));
  if (missing.length > 0) return deny(REASON.insufficientScope, `missing scope: ${missing.join(' ')}`);
  if (groups.length > 0 && !groups.some((g) => identity.groups.includes(g))) return deny(REASON.groupRequired, `requires one of the groups: ${groups.join(', ')}`);
  if (wildcardLabel !== undefined && identity.kind !== 'none' && identity.tenant !== wildcardLabel) {
    return deny(REASON.tenantMismatch, 'the credential does not belong to this tenant');
  }
  return { allowed: true };
}

/**
 * The access step: {@link checkAccess}, a refusal thrown as {@link Denied}. A refusal that RFC 6750
 * names (insufficient_scope) carries its `WWW-Authenticate`: one challenge per scheme of the route
 * (`apiKeyHeader` names the API key's), the error on the presented credential's, `scope` = what
 * the route requires.
 */
export function requireAccess(route: RouteConfig, identity: Identity, wildcardLabel: string | undefined, apiKeyHeader: string): void {
  const access = checkAccess(route, identity, wildcardLabel);
  if (access.allowed) return;
  const extra: AuthorizerContext = {};
  if (access.reason === REASON.insufficientScope) {
    const refusal = identity.kind === 'jwt' || identity.kind === 'api_key'
      ? { scheme: identity.kind, error: 'insufficient_scope' as const, description: access.message, scopes: route.auth.scopes }
      : undefined; // anonymous: RFC 6750 3.1, no error without credentials
    const value = challengeValue(routeSchemes(route.auth.strategies, apiKeyHeader), refusal);
    if (value) extra[CHALLENGE_CONTEXT] = value;
  }
  throw new Denied(access.reason, access.message, extra);
}

/**
 * Canary decision: the header is honoured only for eligible consumers (tier `canary: true` or a
 * consumer record that allows it); eligible consumers without the header join a sticky
 * `percentage` by consumer hash; `header: false` opts out.
 */
export function decideCanary(identity: Identity, headerValue: string | undefined, percentage: number): boolean {
  if (!(identity.tier.canary || identity.canaryAllowed)) return false;
  const requested = headerValue?.trim().toLowerCase();
  if (requested === 'true') return true;
  if (requested === 'false' || percentage <= 0) return false;
  return stickyBucket(identity.consumer) < percentage * 100;
}

/** 0..9999 from the consumer name: the same consumer always lands in the same bucket. */
export function stickyBucket(consumer: string): number {
  return createHash('sha256').update(consumer).digest().readUInt32BE(0) % 10_000;
}

/** A scope token (RFC 6749 section 3.3): printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Scopes from a claim: a space-delimited string (RFC 8693) or an array of single scopes. Anything
 * that is not a scope token (control characters, CR/LF, non-ASCII, an array member holding
 * several scopes) grants nothing and is left out, so it never reaches the `scopes` context value
 * or the upstream X-Gatehouse-Scopes header; leaving a scope out can only narrow access.
 */
export function claimScopes(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((s) => SCOPE_TOKEN.test(s));
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string' && SCOPE_TOKEN.test(s));
  return [];
}

function deny(reason: DenyReason, message: string): AccessDecision {
  return { allowed: false, reason, message };
}
