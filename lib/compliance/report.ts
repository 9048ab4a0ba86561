import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configFindingOf } from '../config/compliance-findings';
import type { GatewayEnvironment } from '../config/environments';

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

/** Where a finding comes from: the config key (file:line key) and what to change, or why no key causes it. */
export interface FindingOrigin {
  /** `gateway.config.yaml:139 identity.cognito.mfa: "optional", but ...; set mfa: required`. */
  readonly text: string;
  /** Whether a config key causes the finding (lib/config/compliance-findings.ts). */
  readonly fromConfig: boolean;
}

/** Said of a finding that no config key causes: the stacks built a resource the packs refuse whatever the config says. */
export const NOT_FROM_CONFIG = 'no config key causes this: Gatehouse built a resource that the compliance packs refuse whatever the config says; please report it (a rule that does not apply is acknowledged beside its resource, with the reason, in lib/)';

/** The config origin of a finding of one of `environments` (the first construct path segment names it). */
export function originOf(finding: ValidationFinding, environments: Readonly<Record<string, GatewayEnvironment>>): FindingOrigin {
  const gateway = environments[finding.path.split('/')[0]];
  const row = gateway && configFindingOf(finding, gateway.env);
  if (!gateway || !row) return { text: NOT_FROM_CONFIG, fromConfig: false };
  const key = row.at === 'load' ? row.key : row.key(gateway.name);
  const problem = row.at === 'load' ? row.problem(gateway.config) : row.problem(gateway.env, gateway.name);
  const { path, line } = gateway.locate(key);
  return { text: `${line ? `${gateway.file}:${line}` : gateway.file} ${path}: ${problem}`, fromConfig: true };
}

/** A finding with its config origin, as the compliance gate reports it. */
export interface GateFinding extends ValidationFinding {
  readonly origin: FindingOrigin;
}

/** Each finding with its config origin (see {@link originOf}). */
export function traceFindings(findings: readonly ValidationFinding[], environments: Readonly<Record<string, GatewayEnvironment>>): GateFinding[] {
  return findings.map((finding) => ({ ...finding, origin: originOf(finding, environments) }));
}

/**
 * The compliance gate's message: findings grouped under the config key that causes them (with what
 * to change there), keys first; each finding as rule id and severity, its construct path as detail.
 */
export function explainFindings(findings: readonly GateFinding[]): string {
  const groups = new Map<string, GateFinding[]>();
  const ordered = [...findings].sort((a, b) => Number(b.origin.fromConfig) - Number(a.origin.fromConfig));
  for (const finding of ordered) groups.set(finding.origin.text, [...(groups.get(finding.origin.text) ?? []), finding]);
  const count = findings.length === 1 ? '1 unacknowledged finding' : `${findings.length} unacknowledged findings`;
  return [
    `Compliance gate: ${count}, each under the config key that causes it and what to change there`,
    ...[...groups].flatMap(([origin, group]) => [
      `  ${origin}`,
      ...group.map((f) => `    ${f.rule} (${f.severity}) at ${f.path}: ${f.message}`),
    ]),
  ].join('\n');
}
