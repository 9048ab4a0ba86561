import { Stack, aws_wafv2 as wafv2, type CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { credentialHeaders } from '../../contract/headers';

/** GH1: every WAF logging configuration redacts every credential header (lib/contract/headers.ts). */
export const GH1 = {
  id: 'GH1',
  info: 'A WAF logging configuration does not redact every credential header (Authorization, the API key header, Cookie, X-Origin-Verify).',
  explanation: 'WAF logs hold full request headers: an unredacted credential is readable by anyone who can read the logs, and kept for the log retention.',
  /** The rule for a gateway whose API key header is `apiKeyHeader`. */
  rule: (apiKeyHeader: string) => (node: CfnResource): NagRuleResult => {
    if (!(node instanceof wafv2.CfnLoggingConfiguration)) return NagRuleCompliance.NOT_APPLICABLE;
    const fields = (Stack.of(node).resolve(node.redactedFields) ?? []) as Array<{ singleHeader?: { name?: string; Name?: string } }>;
    const redacted = new Set(fields.map((f) => (f.singleHeader?.name ?? f.singleHeader?.Name ?? '').toLowerCase()));
    const missing = credentialHeaders(apiKeyHeader).filter((h) => !redacted.has(h));
    return missing.length === 0 ? NagRuleCompliance.COMPLIANT : missing.map((h) => `header ${h} not redacted`);
  },
} as const;
