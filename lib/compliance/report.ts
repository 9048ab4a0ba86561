import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A finding of the validation report that nobody acknowledged (cdk-nag packs, CloudFormation checks, annotations). */
export interface ValidationFinding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  /** Construct path, e.g. `dev/Identity/Users/UserPool/Resource`. */
  readonly path: string;
  readonly message: string;
}

interface Report {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations: ReadonlyArray<{
      readonly ruleName: string;
      readonly description: string;
      readonly severity?: string;
      readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }>;
    }>;
  }>;
}

/** The validation-report.json CDK writes into a cloud assembly directory (none: no findings). */
export const VALIDATION_REPORT = 'validation-report.json';

/**
 * Every unacknowledged finding of a synthesized assembly, warnings included: the compliance gate
 * admits none (the CDK CLI alone stops only on errors).
 */
export function readValidationFindings(assemblyDir: string): ValidationFinding[] {
  const file = join(assemblyDir, VALIDATION_REPORT);
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  return report.pluginReports.flatMap((plugin) => plugin.violations.flatMap((v) =>
    v.violatingConstructs.map((c) => ({
      plugin: plugin.pluginName,
      rule: v.ruleName,
      severity: v.severity ?? 'error',
      path: c.constructPath,
      message: v.description.split('\n')[0],
    }))));
}

/** One line per finding, for a terminal. */
export function formatFindings(findings: readonly ValidationFinding[]): string {
  return findings.map((f) => `  ${f.severity.toUpperCase()} ${f.rule} at ${f.path}: ${f.message}`).join('\n');
}
