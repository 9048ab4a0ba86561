import { deriveProfile, STRONG_AUTHENTICATION } from './profile';
import type { EnvironmentConfig, GatewayConfig } from './schema';

/**
 * The findings of the compliance gate that a config choice causes, one row per cause: which
 * config key, and what to change there. One table for two readers: the loader
 * (lib/checks/check-config.ts) refuses every row the config alone decides (`at: 'load'`), with
 * the message the gate would print, so
 * `validate`, `plan`, `npm start` and synth agree; the gate (lib/compliance/report.ts) prints the
 * row of every finding that still reaches synth.
 *
 * Which rows exist was measured, not guessed: scripts/nag-config-experiment.ts synthesizes the
 * config with one choice changed at a time, against every rule of the packs a regime runs
 * (docs/compliance.md, "Which config choices the gate sees"). Every other rule either cannot be
 * reached from the config (the stacks build the compliant resource whatever it says) or is
 * acknowledged beside its resource with a reason that names the config key.
 */
export type ConfigFinding = DecidedAtLoad | SeenAtSynth;

/** A finding the config alone decides: the loader refuses the config with `problem`, at `key`. */
export interface DecidedAtLoad {
  readonly at: 'load';
  /** The rule id as the validation report names it, e.g. `AwsSolutions-COG2`. */
  readonly rule: string;
  /** The key that causes it (`['identity', 'cognito', 'mfa']`). */
  readonly key: readonly PropertyKey[];
  /** Whether the config makes the gate find it. */
  readonly refused: (config: GatewayConfig) => boolean;
  /** What is wrong and what to change, in config terms (follows the key: `file:line key: problem`). */
  readonly problem: (config: GatewayConfig) => string;
}

/** A finding only synth can see (the reason is in `because`), traced back to the key that causes it. */
export interface SeenAtSynth {
  readonly at: 'synth';
  readonly matches: (finding: FindingText, env: EnvironmentConfig) => boolean;
  /** The key that causes it in environment `envName` (`['environments', 'dev', 'vpc', 'id']`). */
  readonly key: (envName: string) => readonly PropertyKey[];
  readonly problem: (env: EnvironmentConfig, envName: string) => string;
  readonly because: string;
}

/** What the gate reports of a finding: its rule id and first message line. */
export interface FindingText {
  readonly rule: string;
  readonly message: string;
}

/** `compliance soc2 requires`, `compliance pci-dss and soc2 require`: the regimes that demand strong authentication. */
const demandedBy = (config: GatewayConfig) => {
  const list = config.compliance.filter((c) => STRONG_AUTHENTICATION.includes(c));
  return `compliance ${list.join(' and ')} ${list.length > 1 ? 'require' : 'requires'}`;
};
const strong = (config: GatewayConfig) => deriveProfile(config).strongAuthentication;
const rule = (id: string) => (finding: FindingText) => finding.rule === id || finding.rule.startsWith(`${id}[`);

/** CDK's placeholders for a VPC that `Vpc.fromLookup` could not look up (aws-cdk-lib/aws-ec2 vpc.js). */
const DUMMY_VPC_IDS = /'(vpc-12345|p-12345|p-67890|s-12345|s-67890)'/;

export const CONFIG_FINDINGS: readonly ConfigFinding[] = [
  {
    at: 'load',
    rule: 'AwsSolutions-COG2',
    key: ['identity', 'cognito', 'mfa'],
    refused: (config) => strong(config) && config.identity.cognito !== undefined && config.identity.cognito.mfa !== 'required',
    problem: (config) => `"${config.identity.cognito?.mfa}", but ${demandedBy(config)} multi-factor authentication for user pool users (the compliance gate would stop synth: AwsSolutions-COG2, the user pool does not require MFA); set mfa: required`,
  },
  {
    at: 'load',
    rule: 'AwsSolutions-COG8',
    key: ['identity', 'cognito', 'threat_protection'],
    refused: (config) => strong(config) && config.identity.cognito?.threat_protection === 'off',
    problem: (config) => `"off", but ${demandedBy(config)} Cognito threat protection against compromised credentials and account takeover (the compliance gate would stop synth: AwsSolutions-COG8, the user pool is not on the Plus feature plan); set threat_protection: enforced (or audit, which only logs risky sign-ins)`,
  },
  {
    at: 'synth',
    // Without a cached lookup CDK synthesizes a placeholder VPC, which CloudFormation's checks refuse.
    matches: (finding, env) => 'id' in env.vpc && DUMMY_VPC_IDS.test(finding.message),
    key: (envName) => ['environments', envName, 'vpc', 'id'],
    problem: (env, envName) => `${'id' in env.vpc ? env.vpc.id : 'the VPC'} has no cached lookup in cdk.context.json, so synth used CDK's placeholder VPC (vpc-12345, subnets p-12345 and p-67890); run \`npx cdk synth -c env=${envName}\` once with AWS credentials for account ${env.account} in ${env.region}, and commit cdk.context.json`,
    because: 'the VPC\'s subnets and zones exist only in the AWS account: synth looks them up (once, with credentials), the config names only the VPC id',
  },
];

/** The row of a finding of an environment, if a config key causes it. */
export function configFindingOf(finding: FindingText, env: EnvironmentConfig): ConfigFinding | undefined {
  return CONFIG_FINDINGS.find((row) => (row.at === 'load' ? rule(row.rule)(finding) : row.matches(finding, env)));
}
