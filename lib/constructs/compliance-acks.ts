import type { Acknowledgement } from '../compliance/nag';

/** The rule-id prefixes of the compliance packs (`lib/config/profile.ts` picks which run). */
const COMPLIANCE_PACK_PREFIXES = ['PCI.DSS.321', 'HIPAA.Security', 'NIST.800.53.R5'] as const;

/**
 * The same acknowledgement for a rule that several compliance packs share (e.g.
 * `S3BucketReplicationEnabled`). Acknowledging a rule of a pack that is not active is a no-op.
 */
export function inEveryCompliancePack(rule: string, reason: string): Acknowledgement[] {
  return COMPLIANCE_PACK_PREFIXES.map((prefix) => ({ id: `${prefix}-${rule}`, reason }));
}
