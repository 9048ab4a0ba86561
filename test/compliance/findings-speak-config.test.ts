import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainFindings, NOT_FROM_CONFIG, traceFindings } from '../../lib/compliance/report';
import { CONFIG_FINDINGS } from '../../lib/config/compliance-findings';
import { ConfigError } from '../../lib/config/errors';
import { loadConfigFile, parseConfig } from '../../lib/checks/load';
import { nagFindings, ruleOf, withChanges, type KeyChange } from '../support/nag-experiment';
import { ROOT } from '../support/synth';
import { guardedEdit } from '../support/config-text';

/**
 * Validate, plan, start and synth agree: a config change the loader refuses for a compliance
 * finding is one the nag gate finds (synthesized past the loader), and a finding that reaches the
 * gate is printed at the config key that causes it.
 */
const FILE = 'gateway.config.yaml';
const TEXT = readFileSync(join(ROOT, FILE), 'utf8');
const dev = loadConfigFile(join(ROOT, FILE)).environments.dev;
const lineOf = (needle: string) => TEXT.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** The loader's message for the file with one edit (which must occur exactly once). */
function refusal(find: string, replace: string): string {
  try {
    parseConfig(guardedEdit(TEXT, [find, replace]), FILE);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

interface Agreement {
  readonly rule: string;
  /** The edit of gateway.config.yaml (soc2) the loader refuses... */
  readonly edit: readonly [find: string, replace: string];
  /** ...and the same change applied past the loader, for synth. */
  readonly change: readonly KeyChange[];
  readonly key: string;
}

const AGREEMENTS: readonly Agreement[] = [
  { rule: 'AwsSolutions-COG2', edit: ['    mfa: required', '    mfa: optional'], change: [['identity.cognito.mfa', 'optional']], key: 'identity.cognito.mfa' },
  { rule: 'AwsSolutions-COG8', edit: ['    threat_protection: enforced', '    threat_protection: "off"'], change: [['identity.cognito.threat_protection', 'off']], key: 'identity.cognito.threat_protection' },
];

describe('the loader and the compliance gate agree', () => {
  it('has an agreement case for every finding the loader decides', () => {
    expect(AGREEMENTS.map((a) => a.rule)).toEqual(CONFIG_FINDINGS.flatMap((row) => (row.at === 'load' ? [row.rule] : [])));
  });

  describe.each(AGREEMENTS)('$rule', ({ rule, edit, change, key }) => {
    it(`the loader refuses it at ${key}`, () => {
      expect(refusal(...edit)).toMatch(new RegExp(`^Invalid gateway config\\n  ${FILE}:${lineOf(edit[0].trim())} ${key.replace(/\./g, '\\.')}: `));
    });

    it('synth past the loader: the nag gate finds it, and only it', () => {
      expect(nagFindings(withChanges(dev, change)).map(ruleOf)).toEqual([rule]);
    });
  });

  it('synth stays clean for the same change where no regime demands it (gdpr: acknowledged with its reason)', () => {
    expect(nagFindings(withChanges(dev, [['compliance', ['gdpr']], ...AGREEMENTS.flatMap((a) => a.change)]))).toEqual([]);
  });
});

describe('the compliance gate speaks config', () => {
  it('prints a finding under the config key and line that cause it, with the fix, the construct path as detail', () => {
    const changed = withChanges(dev, [['identity.cognito.mfa', 'optional']]);
    expect(explainFindings(traceFindings(nagFindings(changed), { dev: changed }))).toBe([
      'Compliance gate: 1 unacknowledged finding, each under the config key that causes it and what to change there',
      `  ${dev.file}:${lineOf('mfa: required')} identity.cognito.mfa (in environment dev): "optional", but compliance soc2 requires multi-factor authentication for user pool users (the compliance gate would stop synth: AwsSolutions-COG2, the user pool does not require MFA); set mfa: required`,
      '    AwsSolutions-COG2 (warning) at dev/Identity/Users/UserPool/Resource: The Cognito user pool does not require MFA. Multi-factor authentication (MFA) increases security for the application by adding another authentication method, and not relying solely on user name and password.',
    ].join('\n'));
  });

  it('traces the placeholder VPC of an imported VPC without a cached lookup to environments.<env>.vpc.id (synth-only)', () => {
    const text = guardedEdit(TEXT, ['    region: eu-west-1\n    domains:\n      internal: services.dev', '    region: eu-west-1\n    vpc: { id: vpc-0abc12345678def01 }\n    domains:\n      internal: services.dev']);
    const imported = parseConfig(text, FILE).environments.dev;
    const message = explainFindings(traceFindings(nagFindings(imported), { dev: imported })).split('\n');
    const line = text.split('\n').findIndex((l) => l.includes('vpc: { id:')) + 1;
    expect(message[1]).toBe(`  ${FILE}:${line} environments.dev.vpc.id: vpc-0abc12345678def01 has no cached lookup in cdk.context.json, so synth used CDK's placeholder VPC (vpc-12345, subnets p-12345 and p-67890); run \`npx cdk synth -c env=dev\` once with AWS credentials for account 111111111111 in eu-west-1, and commit cdk.context.json`);
    // Every finding is the placeholder's: one origin for all of them.
    expect(message.slice(2).every((l) => l.startsWith('    '))).toBe(true);
    expect(message.slice(2).join('\n')).toMatch(/^ {4}E\d+ \(error\) at dev\/Network\//);
  });

  it('says so when no config key causes a finding, and lists it after the config keys', () => {
    const findings = traceFindings([
      { plugin: 'AwsSolutions', rule: 'AwsSolutions-S1', severity: 'error', path: 'dev/Audit/Bucket/Resource', message: 'The S3 Bucket has server access logs disabled.' },
      { plugin: 'AwsSolutions', rule: 'AwsSolutions-COG2', severity: 'warning', path: 'dev/Identity/Users/UserPool/Resource', message: 'The Cognito user pool does not require MFA.' },
    ], { dev: withChanges(dev, [['identity.cognito.mfa', 'off']]) });
    const lines = explainFindings(findings).split('\n');
    expect(lines[1]).toMatch(/^ {2}\S+gateway\.config\.yaml:\d+ identity\.cognito\.mfa \(in environment dev\): "off", but/);
    expect(lines.slice(3)).toEqual([`  ${NOT_FROM_CONFIG}`, '    AwsSolutions-S1 (error) at dev/Audit/Bucket/Resource: The S3 Bucket has server access logs disabled.']);
  });
});
