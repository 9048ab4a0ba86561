import { Aws, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

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
/** Managed identifiers that are credentials rather than personal data (kept when pii_masking is off). */
const CREDENTIAL_IDENTIFIERS = new Set(['AwsSecretKey', 'OpenSshPrivateKey', 'PgpPrivateKey', 'PkcsPrivateKey', 'PuttyPrivateKey']);

/**
 * Custom identifiers (CloudWatch Logs allows 10, each regex at most 200 characters).
 * They match credential values, never the header names, so the line stays readable.
 */
export function customIdentifiers(apiKeyHeader: string): Array<{ Name: string; Regex: string }> {
  const header = apiKeyHeader.toLowerCase().replace(/[^a-z0-9-]/g, '');
  return [
    // "Bearer <token>" / "Basic <credentials>" anywhere (Authorization values, messages).
    { Name: 'BearerToken', Regex: '(?i)(bearer|basic)\\s+[a-z0-9._~+/=-]{8,}' },
    // Compact JWS: header.payload.signature, header starting with {" (eyJ).
    { Name: 'JsonWebToken', Regex: 'eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*' },
    // The gateway's API key header and api_key-style fields or query parameters with their value.
    { Name: 'ApiKey', Regex: `(?i)(${header}|x-api-key|api[_-]?key)["']?\\s*[:=]\\s*["']?[a-z0-9._~+/=-]{8,}` },
  ];
}

export interface DataProtectionOptions {
  /** Mask personal data (audit.pii_masking); credentials are masked regardless. */
  readonly pii: boolean;
  /** identity.api_keys.header */
  readonly apiKeyHeader: string;
}

/**
 * The data protection policy document (CloudFormation `DataProtectionPolicy` of a log group):
 * an audit statement (findings are counted in CloudWatch metrics; no findings destination, so
 * the API stack does not depend on the audit stack) and a de-identify statement that masks
 * every identifier at ingestion. Readers need `logs:Unmask` to see originals.
 */
export function dataProtectionPolicy(options: DataProtectionOptions): Record<string, unknown> {
  const custom = customIdentifiers(options.apiKeyHeader);
  const managed = MANAGED_IDENTIFIERS.filter((id) => options.pii || CREDENTIAL_IDENTIFIERS.has(id))
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
