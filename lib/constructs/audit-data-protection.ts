import { Aws, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Compliance } from '../config/schema';

/**
 * CloudWatch Logs managed data identifiers masked in the API's log groups. Client IPs are not
 * among them on purpose: the audit transformer truncates them only where GDPR applies, and
 * on-call engineers need them elsewhere (abuse, WAF tuning).
 */
export const MANAGED_IDENTIFIERS = [
  'EmailAddress', 'CreditCardNumber', 'CreditCardExpiration', 'CreditCardSecurityCode',
  'Ssn-US', 'PhoneNumber-US', 'PhoneNumber-GB', 'PhoneNumber-DE', 'PhoneNumber-FR', 'PhoneNumber-ES', 'PhoneNumber-IT', 'PhoneNumber-BR',
  'AwsSecretKey', 'OpenSshPrivateKey', 'PgpPrivateKey', 'PkcsPrivateKey', 'PuttyPrivateKey',
] as const;
/**
 * Managed identifiers a compliance regime adds (CloudWatch Logs user guide, "CloudWatch Logs
 * managed data identifiers for sensitive data types"; region-bound ones carry the ISO country code):
 * - pci-dss: bank account numbers beside the card data above;
 * - hipaa: US health identifiers (DEA number, health insurance claim number, HCPCS procedure code)
 *   and postal addresses;
 * - gdpr: EU bank account numbers and the EU health insurance card number.
 * IpAddress stays out under every regime: on-call needs client addresses in the API logs, and
 * the audit trail truncates them where GDPR applies (docs/compliance.md).
 */
export const REGIME_IDENTIFIERS: Readonly<Record<Compliance, readonly string[]>> = {
  'pci-dss': ['BankAccountNumber-DE', 'BankAccountNumber-ES', 'BankAccountNumber-FR', 'BankAccountNumber-GB', 'BankAccountNumber-IT', 'BankAccountNumber-US'],
  hipaa: ['DrugEnforcementAgencyNumber-US', 'HealthInsuranceClaimNumber-US', 'HealthcareProcedureCode-US', 'Address'],
  gdpr: ['BankAccountNumber-DE', 'BankAccountNumber-ES', 'BankAccountNumber-FR', 'BankAccountNumber-GB', 'BankAccountNumber-IT', 'HealthInsuranceCardNumber-EU'],
  soc2: [],
};

/** Managed identifiers that are credentials rather than personal data (kept when pii_masking is off). */
const CREDENTIAL_IDENTIFIERS = new Set(['AwsSecretKey', 'OpenSshPrivateKey', 'PgpPrivateKey', 'PkcsPrivateKey', 'PuttyPrivateKey']);

/**
 * Custom identifiers (CloudWatch Logs allows 10 per policy). They match credential values, never
 * the header names alone, so the line stays readable. CloudWatch Logs accepts a regex of at most
 * 200 characters made only of letters, digits, `_ # = @ / ; , -`, space and `^ $ ? [ ] { } | \ * + .`
 * ({@link CUSTOM_REGEX_ALLOWED}): no groups, no `(?i)`, no `:` or quotes. So case-insensitivity is
 * spelled as character classes, `:` and quotes as `\x3a`, `\x22`, `\x27`, and alternatives that
 * would need a group are separate identifiers.
 */
export function customIdentifiers(apiKeyHeader: string): Array<{ Name: string; Regex: string }> {
  const anyCase = (word: string) => [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');
  const value = '[A-Za-z0-9._+/=-]{8,}';
  const assignment = `[\\x22\\x27]?\\s*[\\x3a=]\\s*[\\x22\\x27]?${value}`;
  const identifiers = [
    // "Bearer <token>" / "Basic <credentials>" anywhere (Authorization values, messages).
    { Name: 'BearerToken', Regex: `${anyCase('bearer')}\\s+${value}|${anyCase('basic')}\\s+[A-Za-z0-9+/=]{8,}` },
    // Compact JWS: header.payload.signature, header starting with {" (eyJ).
    { Name: 'JsonWebToken', Regex: 'eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*' },
    // api_key / api-key / apikey fields, query parameters and headers (x-api-key) with their value.
    { Name: 'ApiKey', Regex: `${anyCase('api')}[_-]?${anyCase('key')}${assignment}` },
  ];
  // A configured API key header the pattern above does not cover (e.g. X-Gateway-Token).
  const header = apiKeyHeader.toLowerCase().replace(/[^a-z0-9-]/g, '');
  if (!/api[_-]?key/.test(header)) identifiers.push({ Name: 'ApiKeyHeader', Regex: `${anyCase(header)}${assignment}` });
  return identifiers;
}

/** Characters CloudWatch Logs accepts in a custom data identifier regex (and its maximum length). */
export const CUSTOM_REGEX_ALLOWED = /^[A-Za-z0-9_#=@/;, \-^$?[\]{}|\\*+.]{1,200}$/;

export interface DataProtectionOptions {
  /** Mask personal data (audit.pii_masking); credentials are masked regardless. */
  readonly pii: boolean;
  /** identity.api_keys.header */
  readonly apiKeyHeader: string;
  /** The config's `compliance` list: each regime adds its identifiers ({@link REGIME_IDENTIFIERS}). @default [] */
  readonly compliance?: readonly Compliance[];
}

/**
 * The data protection policy document (CloudFormation `DataProtectionPolicy` of a log group):
 * an audit statement (findings are counted in CloudWatch metrics; no findings destination, so
 * the API stack does not depend on the audit stack) and a de-identify statement that masks
 * every identifier at ingestion. Readers need `logs:Unmask` to see originals.
 */
export function dataProtectionPolicy(options: DataProtectionOptions): Record<string, unknown> {
  const custom = customIdentifiers(options.apiKeyHeader);
  const regimes = options.pii ? (options.compliance ?? []).flatMap((c) => REGIME_IDENTIFIERS[c]) : [];
  const managed = [...new Set([...MANAGED_IDENTIFIERS.filter((id) => options.pii || CREDENTIAL_IDENTIFIERS.has(id)), ...regimes])]
    .map((id) => `arn:${Aws.PARTITION}:dataprotection::aws:data-identifier/${id}`);
  const identifiers = [...managed, ...custom.map((c) => c.Name)];
  return {
    Name: 'gatehouse-data-protection',
    Description: 'Gatehouse: mask personal data and credentials in API logs (docs/compliance.md)',
    Version: '2021-06-01',
    Configuration: { CustomDataIdentifier: custom },
    Statement: [
      { Sid: 'audit', DataIdentifier: identifiers, Operation: { Audit: { FindingsDestination: {} } } },
      { Sid: 'redact', DataIdentifier: identifiers, Operation: { Deidentify: { MaskConfig: {} } } },
    ],
  };
}

/**
 * Attaches the policy to a log group created elsewhere (the API stack's access and authorizer
 * log groups). The log group must be a `LogGroup` defined in this app, not an imported one.
 */
export function protectLogGroup(logGroup: logs.ILogGroup, options: DataProtectionOptions): void {
  const cfn = logGroup.node.defaultChild;
  if (!(cfn instanceof logs.CfnLogGroup)) {
    throw new Error(`cannot attach a data protection policy to ${logGroup.node.path}: it is not a log group defined in this app`);
  }
  if (cfn.dataProtectionPolicy !== undefined && !Token.isUnresolved(cfn.dataProtectionPolicy)) {
    throw new Error(`${logGroup.node.path} already has a data protection policy`);
  }
  cfn.dataProtectionPolicy = dataProtectionPolicy(options);
}
