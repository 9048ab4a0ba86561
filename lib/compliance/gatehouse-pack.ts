import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { GH1 } from './gatehouse-rules/GH1-WafLogsRedactCredentials';
import { GH2 } from './gatehouse-rules/GH2-RequestLogsMasked';
import { GH3 } from './gatehouse-rules/GH3-AuthenticatedRoutesNotEdgeCached';
import type { RouteConfig } from '../config/schema';

export interface GatehouseChecksProps extends NagPackProps {
  /** `identity.api_keys.header`: a credential header like Authorization. */
  readonly apiKeyHeader: string;
  /** The gateway's routes (GH3 checks which of them the edge caches). */
  readonly routes: readonly RouteConfig[];
}

/**
 * Gatehouse's own invariants as a cdk-nag pack, one rule per file named by its id
 * (lib/compliance/gatehouse-rules/), run with the compliance packs on every stage. Findings
 * fail synth like any other (decision 0011).
 */
export class GatehouseChecks extends NagPack {
  readonly name = 'Gatehouse';
  private readonly rules: ReadonlyArray<{ id: string; info: string; explanation: string; rule: (node: CfnResource) => ReturnType<typeof GH2.rule> }>;

  constructor(scope: IConstruct, props: GatehouseChecksProps) {
    super(scope, props);
    this.packName = 'Gatehouse';
    this.rules = [{ ...GH1, rule: GH1.rule(props.apiKeyHeader) }, GH2, { ...GH3, rule: GH3.rule(props.routes, props.apiKeyHeader) }];
  }

  protected checkResource(node: CfnResource): void {
    for (const r of this.rules) {
      this.applyRule({ ruleSuffixOverride: r.id, info: r.info, explanation: r.explanation, level: NagMessageLevel.ERROR, rule: r.rule, node });
    }
  }
}
