import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, type NagPack as CdkNagPack } from 'cdk-nag';
import type { NagPack } from '../config/profile';
import { GatehouseChecks, type GatehouseChecksProps } from './gatehouse-pack';

/**
 * Registers the cdk-nag packs the compliance profile implies, and Gatehouse's own invariants
 * (lib/compliance/gatehouse-pack.ts) always. Every unacknowledged finding fails synth;
 * acknowledgements live next to the resource they concern, each with its reason.
 */
export function applyCompliancePacks(scope: IConstruct, packs: readonly NagPack[], gatehouse: Pick<GatehouseChecksProps, 'apiKeyHeader' | 'routes'>): void {
  const plugins: CdkNagPack[] = packs.map((pack) => {
    switch (pack) {
      case 'AwsSolutions': return new AwsSolutionsChecks(scope, { verbose: true });
      case 'PCI-DSS-3.2.1': return new PCIDSS321Checks(scope, { verbose: true });
      case 'HIPAA-Security': return new HIPAASecurityChecks(scope, { verbose: true });
      case 'NIST-800-53-R5': return new NIST80053R5Checks(scope, { verbose: true });
    }
  });
  Validations.of(scope).addPlugins(...plugins, new GatehouseChecks(scope, { verbose: true, ...gatehouse }));
}

/** One acknowledged finding: the rule id (with `[finding]` where the rule has several) and why. */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/** Acknowledges findings on a construct (and its children). Reasons must say why the gap is not real. */
export function acknowledge(scope: IConstruct, ...acks: Acknowledgement[]): void {
  for (const ack of acks) Validations.of(scope).acknowledge(ack);
}

/** The rule-id prefixes of the compliance packs (`lib/config/profile.ts` picks which run). */
const COMPLIANCE_PACK_PREFIXES = ['PCI.DSS.321', 'HIPAA.Security', 'NIST.800.53.R5'] as const;

/**
 * The same acknowledgement for a rule that several compliance packs share (e.g.
 * `S3BucketReplicationEnabled`). Acknowledging a rule of a pack that is not active is a no-op.
 */
export function inEveryCompliancePack(rule: string, reason: string): Acknowledgement[] {
  return COMPLIANCE_PACK_PREFIXES.map((prefix) => ({ id: `${prefix}-${rule}`, reason }));
}
