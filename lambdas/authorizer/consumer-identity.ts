import { createHash } from 'node:crypto';
import { REASON } from '../../lib/contract/authorizer-context';
import type { TierConfig } from '../../lib/config/schema';
import { resolveTier, type Identity } from './access';
import { ipAllowed, normaliseIp } from './client-ip';
import type { ConsumerRecord } from './consumer-store';
import { checkRecord } from './context-values';
import { AuthenticationError, Denied } from './errors';

// Identities without a token, pure: an API key's or a certificate's consumer record, or nobody.

/** The identity of an API key's or a certificate's consumer record. */
export function recordIdentity(kind: 'api_key' | 'mtls', record: ConsumerRecord, tiers: readonly TierConfig[], clientIp: string | undefined): Identity {
  checkRecord(record);
  // An API key is its own secret: a refused key answers exactly like an unknown one (401), so the
  // answer never confirms that a key exists (decision 0018). A certificate's holder proved its key.
  if (record.status !== 'active') {
    if (kind === 'api_key') throw new AuthenticationError(REASON.apiKeyRevoked, 'API key revoked');
    throw new Denied(REASON.revoked, 'this certificate is revoked');
  }
  checkIp(record, clientIp, kind);
  return {
    kind, principal: record.consumer, consumer: record.consumer, tenant: record.tenant,
    tier: resolveTier(tiers, record.tier), scopes: [], groups: [], canaryAllowed: record.canary, rateKey: `c:${record.consumer}`,
    usageKey: record.usageKey,
  };
}

/** The caller of a `none` route without credentials, on the default tier. */
export function anonymousIdentity(tier: TierConfig, clientIp: string | undefined): Identity {
  const ip = normaliseIp(clientIp ?? '') ?? 'unknown';
  // The client IP is personal data: the bucket key holds a hash of it.
  const ipHash = createHash('sha256').update(ip).digest('hex').slice(0, 24);
  return { kind: 'none', principal: 'anonymous', consumer: 'anonymous', tier, scopes: [], groups: [], canaryAllowed: false, rateKey: `ip:${ipHash}` };
}

/** Refuses a call from outside the record's allowlist. */
export function checkIp(record: ConsumerRecord, clientIp: string | undefined, kind?: Identity['kind']): void {
  if (record.allowedCidrs.length > 0 && !ipAllowed(clientIp ?? '', record.allowedCidrs)) {
    // A key used from outside its allowlist (a leaked key) learns nothing either (see recordIdentity).
    if (kind === 'api_key') throw new AuthenticationError(REASON.ipNotAllowed, 'API key used outside its allowlist');
    throw new Denied(REASON.ipNotAllowed, 'calls from this IP address are not allowed for this consumer');
  }
}
