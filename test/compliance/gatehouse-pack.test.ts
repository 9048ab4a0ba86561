import { App, Stack, aws_logs as logs, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import { GatehouseChecks } from '../../lib/compliance/gatehouse-pack';

/** Gatehouse's own invariants (lib/compliance/gatehouse-rules/), each shown to catch its defect. */
function findings(build: (stack: Stack) => void): string[] {
  const app = new App();
  const stack = new Stack(app, 'S');
  build(stack);
  const report = new GatehouseChecks(app, { apiKeyHeader: 'x-api-key' }).validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${(r as { constructPath?: string }).constructPath}`));
}

const logging = (stack: Stack, headers: string[]) => new wafv2.CfnLoggingConfiguration(stack, 'Logging', {
  resourceArn: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1', logDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-x'],
  redactedFields: headers.map((name) => ({ singleHeader: { Name: name } })),
});

describe('the Gatehouse rule pack', () => {
  it('GH1 passes a WAF logging configuration that redacts every credential header', () => {
    expect(findings((s) => { logging(s, ['authorization', 'x-api-key', 'cookie', 'x-origin-verify']); })).toEqual([]);
  });

  it('GH1 flags one that forgets the API key header or the origin secret', () => {
    expect(findings((s) => { logging(s, ['authorization', 'cookie']); }).sort()).toEqual([
      'Gatehouse-GH1[header x-api-key not redacted] S/Logging', 'Gatehouse-GH1[header x-origin-verify not redacted] S/Logging',
    ]);
  });

  it('GH2 flags a WAF, authorizer or access log group without a data protection policy, and ignores others', () => {
    const got = findings((s) => {
      new logs.CfnLogGroup(s, 'Waf', { logGroupName: 'aws-waf-logs-acme' });
      new logs.CfnLogGroup(s, 'Authorizer', { logGroupName: '/aws/lambda/acme-prod-authorizer' });
      new logs.CfnLogGroup(s, 'Protected', { logGroupName: 'aws-waf-logs-ok', dataProtectionPolicy: { Name: 'p' } });
      new logs.CfnLogGroup(s, 'Other', { logGroupName: '/aws/lambda/acme-prod-audit-transformer' });
      new logs.LogGroup(s, 'AccessLogs'); // the API stack's access log group (ApiLogGroups 'AccessLogs')
    });
    expect(got.sort()).toEqual(['Gatehouse-GH2 S/AccessLogs/Resource', 'Gatehouse-GH2 S/Authorizer', 'Gatehouse-GH2 S/Waf']);
  });
});
