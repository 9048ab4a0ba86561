import { Stack, aws_logs as logs, type CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';

/**
 * GH2: every log group that may hold request data has a CloudWatch Logs data protection policy:
 * WAF logs (`aws-waf-logs-*`), the authorizer's (`/aws/lambda/*-authorizer`) and the API access
 * logs (the groups API Gateway stages write to; recognised by `-access-logs` in their construct path).
 */
export const GH2 = {
  id: 'GH2',
  info: 'A log group that holds request data (WAF, authorizer or API access logs) has no data protection policy.',
  explanation: 'Request data carries personal data and credentials; CloudWatch Logs data protection masks them at ingestion (docs/compliance.md).',
  rule: (node: CfnResource): NagRuleResult => {
    if (!(node instanceof logs.CfnLogGroup)) return NagRuleCompliance.NOT_APPLICABLE;
    const name = Stack.of(node).resolve(node.logGroupName) as unknown;
    const holdsRequests = (typeof name === 'string' && (name.startsWith('aws-waf-logs-') || /^\/aws\/lambda\/.+-authorizer$/.test(name)))
      || /\/AccessLogs\//.test(`${node.node.path}/`);
    if (!holdsRequests) return NagRuleCompliance.NOT_APPLICABLE;
    return node.dataProtectionPolicy === undefined ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
} as const;
