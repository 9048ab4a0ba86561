import type { MaskOptions } from './mask';

/** Environment variables of the audit transformer (set by lib/constructs/audit-pipeline.ts). */
export const AUDIT_TRANSFORMER_ENV = {
  /** `true` when client IPs are truncated (profile.truncateClientIp, GDPR). */
  truncateClientIp: 'GATEHOUSE_TRUNCATE_CLIENT_IP',
  /** `false` turns off personal-data masking (audit.pii_masking); credentials are always masked. */
  piiMasking: 'GATEHOUSE_PII_MASKING',
  /** The API key header (identity.api_keys.header). */
  apiKeyHeader: 'GATEHOUSE_API_KEY_HEADER',
  /** Environment name written into every audit record. */
  environment: 'GATEHOUSE_ENVIRONMENT',
} as const;

export interface TransformerSettings {
  readonly mask: MaskOptions;
  readonly environment?: string;
}

/** Reads the settings once at init; unset variables take the safe default (mask, do not truncate). */
export function readSettings(env: Readonly<Record<string, string | undefined>>): TransformerSettings {
  return {
    mask: {
      pii: env[AUDIT_TRANSFORMER_ENV.piiMasking] !== 'false',
      truncateClientIp: env[AUDIT_TRANSFORMER_ENV.truncateClientIp] === 'true',
      apiKeyHeader: env[AUDIT_TRANSFORMER_ENV.apiKeyHeader] || 'x-api-key',
    },
    environment: env[AUDIT_TRANSFORMER_ENV.environment] || undefined,
  };
}
