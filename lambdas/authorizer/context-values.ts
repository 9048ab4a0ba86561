import type { ConsumerRecord } from './consumer-store';
import { REASON } from '../../lib/contract/authorizer-context';
import { AuthenticationError } from './errors';

/**
 * Text the authorizer reads from token claims and consumer records. What identifies the caller
 * (principal, consumer, tenant) goes into its context, and the API stack maps the context to
 * upstream request headers (X-Gatehouse-Principal, -Consumer, -Tenant: CONTEXT_HEADERS,
 * lib/contract/transformations.ts). So every such value must be a header value that an upstream
 * reads exactly as the authorizer meant it: printable ASCII (no CR, LF or other control
 * characters, nothing beyond 0x7e), no leading or trailing space (HTTP would trim it), at most
 * {@link MAX_VALUE_LENGTH} characters. A tenant is also a lower-case DNS label, the form a
 * host-based tenant has (`*.api.example.com`, lib/contract/route-match.ts).
 *
 * A malformed value is never dropped or rewritten: that would make the caller someone else
 * (another principal through the claim's fallback, a tenant nobody chose). It refuses the request
 * with the 401 of any unusable credential. Claims that are absent, empty or not strings stay
 * ignored, as they always were.
 */

/** Longest claim or record value the authorizer passes on. */
export const MAX_VALUE_LENGTH = 512;

const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** 1..{@link MAX_VALUE_LENGTH} printable ASCII characters, without leading or trailing space. */
export function isHeaderSafe(value: string): boolean {
  return value.length <= MAX_VALUE_LENGTH && HEADER_SAFE.test(value);
}

/** A lower-case DNS label (letters, digits, inner dashes; 1..63 characters). */
export function isTenant(value: string): boolean {
  return DNS_LABEL.test(value);
}

/**
 * The text of a claim: undefined when absent, empty or not a string; the value when it is
 * header-safe; otherwise AuthenticationError `claim_malformed` (401).
 */
export function claimText(payload: Readonly<Record<string, unknown>>, claim: string): string | undefined {
  const value = payload[claim];
  if (typeof value !== 'string' || value.length === 0) return undefined;
  if (!isHeaderSafe(value)) throw new AuthenticationError(REASON.claimMalformed, `claim ${claim} is not printable ASCII of at most ${MAX_VALUE_LENGTH} characters`);
  return value;
}

/** A tenant claim: {@link claimText}, and a DNS label; otherwise AuthenticationError `claim_malformed` (401). */
export function claimTenant(payload: Readonly<Record<string, unknown>>, claim: string): string | undefined {
  const value = claimText(payload, claim);
  if (value !== undefined && !isTenant(value)) throw new AuthenticationError(REASON.claimMalformed, `claim ${claim} is not a tenant (a lower-case DNS label)`);
  return value;
}

/**
 * The record, when its consumer is header-safe and its tenant (if any) a DNS label; otherwise
 * AuthenticationError `record_malformed` (401, like a record without a consumer, which the
 * store reports as missing). An operator's mistake, visible in the decision log.
 */
export function checkRecord<R extends ConsumerRecord | undefined>(record: R): R {
  if (record && (!isHeaderSafe(record.consumer) || (record.tenant && !isTenant(record.tenant)))) {
    throw new AuthenticationError(REASON.recordMalformed, 'consumer record with a consumer or tenant unfit for upstream headers');
  }
  return record;
}
