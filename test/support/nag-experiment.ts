import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { ValidationFinding } from '../../lib/compliance/report';
import { parsePath } from '../../lib/config/errors';
import type { GatewayEnvironment } from '../../lib/config/environments';
import { deriveProfile } from '../../lib/config/profile';
import type { GatewayConfig } from '../../lib/config/schema';
import { GatewayStage } from '../../lib/stage';
import { CDK_CONTEXT, synthFindings } from './synth';

/** One key set to one value, both as a user would write them (`identity.cognito.mfa`, `optional`). */
export type KeyChange = readonly [path: string, value: unknown];

/**
 * A config change of the experiment (docs/compliance.md, "Which config choices the gate sees"):
 * the keys it sets, applied to an environment that passed the loader, so synth shows what the
 * nag packs find even where the loader would now refuse the change.
 */
export interface ConfigChange {
  readonly name: string;
  readonly changes: readonly KeyChange[];
}


/** The environment with each key set (the config deep-copied first); `env` and the profile follow the new config. */
export function withChanges(gateway: GatewayEnvironment, changes: readonly KeyChange[]): GatewayEnvironment {
  const config = structuredClone(gateway.config) as GatewayConfig;
  for (const [path, value] of changes) {
    const keys = parsePath(path);
    let node = config as unknown as Record<PropertyKey, unknown>;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) throw new Error(`experiment: ${path} has no parent object at ${String(key)}`);
      node = node[key] as Record<PropertyKey, unknown>;
    }
    node[keys[keys.length - 1]] = structuredClone(value);
  }
  // `environments.<name>.*` changes reach the stacks through `env`, the environment's own settings.
  return { ...gateway, config, env: config.environments[gateway.name], profile: deriveProfile(config) };
}

/** Every unacknowledged finding of one environment's stage, synthesized as `cdk synth` would (no Lambda bundling). */
export function nagFindings(gateway: GatewayEnvironment): ValidationFinding[] {
  const outdir = mkdtempSync(join(tmpdir(), 'gatehouse-nag-'));
  try {
    const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    new GatewayStage(app, gateway.name, { gateway });
    return synthFindings(app);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** `AwsSolutions-COG2` from `AwsSolutions-COG2[finding]`: the rule, without the finding of a multi-finding rule. */
export const ruleOf = (finding: { readonly rule: string }): string => finding.rule.replace(/\[.*\]$/, '');
