import type { App } from 'aws-cdk-lib';
import { addGatewayStages } from './app';
import { explainFindings, readValidationFindings, traceFindings, type GateFinding } from './compliance/report';
import { ConfigError } from './config/errors';
import type { LoadedConfig } from './config/environments';
import type { GatewayStage } from './stage';

/**
 * Synthesis as `cdk synth` (bin/gatehouse.ts) and `gatehouse synth` (cli/synth.ts) run it: the
 * stages of the selected environments, the assembly written, the compliance gate's findings read.
 */
export interface GatewaySynthesis {
  readonly stages: readonly GatewayStage[];
  /** Unacknowledged findings, warnings included (the compliance gate admits none), each with its config origin. */
  readonly findings: readonly GateFinding[];
  /** The cloud assembly directory. */
  readonly outdir: string;
}

/**
 * Adds the stages to `app`, synthesizes, and reads the validation report. Throws what adding the
 * stages throws (a ConfigError is the user's to fix) and, for anything CDK refuses besides a
 * failed policy validation, a {@link SynthError}.
 */
export function synthesizeGateway(app: App, config: LoadedConfig, environments?: readonly string[]): GatewaySynthesis {
  let stages: GatewayStage[];
  try {
    stages = addGatewayStages(app, config, { environments });
  } catch (err) {
    throw err instanceof ConfigError ? err : new SynthError(config.file, err);
  }
  try {
    app.synth();
  } catch (err) {
    // Outside the CDK CLI, CDK throws on a failed policy validation (cdk-nag); the report is
    // written either way and read below. Anything else, construct validation included, stops here.
    if ((err as Error).name !== 'ValidationFailed') throw new SynthError(config.file, err);
  }
  return { stages, findings: traceFindings(readValidationFindings(app.outdir), config.environments), outdir: app.outdir };
}

/** The message that fails synth on unacknowledged findings: each under the config key that causes it (lib/compliance/report.ts). */
export function complianceGateMessage(findings: readonly GateFinding[]): string {
  return explainFindings(findings);
}

/**
 * AWS CDK refused what a valid config produced: a check the config loader should make. The
 * message names the construct and the first line of CDK's, without a stack trace.
 */
export class SynthError extends Error {
  constructor(file: string, cause: unknown) {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    const where = (error as { constructPath?: string }).constructPath;
    const lines = error.message.split('\n').map((l) => l.trim()).filter(Boolean);
    super([
      `Synth failed${where ? ` at ${where}` : ''}: ${lines[0] ?? error.name}`,
      ...lines.slice(1).map((l) => `  ${l}`),
      `  ${file} passed config validation, so this is a check lib/checks does not make yet; change the setting the message names, and please report it.`,
    ].join('\n'), { cause });
    this.name = 'SynthError';
  }
}
