import { Match, type Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../lib/checks/load';
import { bodySizeStatement, integerGreaterThanRegex, planEdgeRules, WCU_LIMIT } from '../../lib/contract/edge-waf-rules';
import { findingsIn, formatFindings, synthesize, type Synthesized } from '../support/synth';
import { parse as parseYaml } from 'yaml';
import { minimalConfig } from '../support/config-text';

/** A second gateway: every WAF option away from its default, one environment (`live`). */
function variant(compliance: string, security: string, region = 'eu-central-1'): string {
  return minimalConfig({
    organization: { type: 'fintech-startup' },
    compliance: compliance ? [compliance] : [],
    environments: { dev: null, live: { account: '333333333333', region, shield_advanced: true } },
    routes: [{ name: 'echo', auth: { strategies: ['api_key'] } }],
    identity: { api_keys: { header: 'X-Acme-Key' } },
    rate_limiting: { error_code: 429, error_message: 'Slow down' },
    security: parseYaml(`security:\n${security}`).security,
  });
}

const STRICT = `
  max_body_bytes: 32768
  geo: { allow: [DE, FR, NL] }
  waf: { ip_rate_limit: 500, api_key_rate_limit: 5000, bot_control: targeted, anonymous_ip: count }`;

const rules = (t: Template): Array<Record<string, any>> => Object.values(t.findResources('AWS::WAFv2::WebACL'))[0].Properties.Rules;
const rule = (t: Template, name: string) => rules(t).find((r) => r.Name === name);
const managedGroups = (t: Template) => rules(t).flatMap((r) => r.Statement.ManagedRuleGroupStatement?.Name ?? []);
const edgeFindings = (s: Synthesized) => findingsIn(s.findings, 'Edge');

describe('Edge stack with the default gateway.config.yaml', () => {
  const synth = synthesize({ file: 'gateway.config.yaml' });
  const dev = synth.template('dev', 'Edge');
  const prod = synth.template('prod', 'Edge');

  it('has no unacknowledged nag finding (AwsSolutions + NIST for soc2)', () => {
    expect(formatFindings(edgeFindings(synth))).toBe('');
  });

  it('creates a CLOUDFRONT-scope web ACL that allows by default', () => {
    dev.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} }, Name: 'gatehouse-dev' });
    expect(synth.stages.dev.edge.region).toBe('us-east-1');
  });

  it('uses the five baseline AWS managed groups, and Bot Control only where it is on', () => {
    const baseline = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesAnonymousIpList', 'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet'];
    expect(managedGroups(dev).sort()).toEqual(baseline);
    expect(managedGroups(prod).sort()).toEqual([...baseline, 'AWSManagedRulesBotControlRuleSet'].sort());
    expect(rule(prod, 'AWSManagedRulesBotControlRuleSet')!.Statement.ManagedRuleGroupStatement.ManagedRuleGroupConfigs)
      .toEqual([{ AWSManagedRulesBotControlRuleSet: { InspectionLevel: 'COMMON' } }]);
    expect(rule(dev, 'AWSManagedRulesAnonymousIpList')!.OverrideAction).toEqual({ None: {} });
  });

  it('overrides the CRS 8 KB body rule to count, leaving the rest of the group blocking', () => {
    const crs = rule(dev, 'AWSManagedRulesCommonRuleSet')!;
    expect(crs.OverrideAction).toEqual({ None: {} });
    expect(crs.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
  });

  it('enforces max_body_bytes (1 MiB, beyond WAF body inspection) on the Content-Length value with a JSON 413', () => {
    const size = rule(dev, 'MaxBodySize')!;
    expect(size.Statement.RegexMatchStatement).toEqual({
      FieldToMatch: { SingleHeader: { Name: 'content-length' } },
      RegexString: integerGreaterThanRegex(1048576),
      TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    });
    expect(size.Action.Block.CustomResponse).toEqual({ ResponseCode: 413, CustomResponseBodyKey: 'payload-too-large' });
    dev.hasResourceProperties('AWS::WAFv2::WebACL', { AssociationConfig: { RequestBody: { CLOUDFRONT: { DefaultSizeInspectionLimit: 'KB_64' } } } });
  });

  it('rate-limits per IP and per API key header over 5 minutes with the configured limits', () => {
    // The root config is an enterprise SaaS: its organization preset raises the per-IP limit to 5,000.
    expect(rule(dev, 'RatePerIp')!.Statement.RateBasedStatement).toEqual({ Limit: 5000, EvaluationWindowSec: 300, AggregateKeyType: 'IP' });
    expect(rule(dev, 'RatePerApiKey')!.Statement.RateBasedStatement).toEqual({
      Limit: 20000,
      EvaluationWindowSec: 300,
      AggregateKeyType: 'CUSTOM_KEYS',
      CustomKeys: [{ Header: { Name: 'x-api-key', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }],
    });
    expect(rule(dev, 'RatePerIp')!.Action.Block.CustomResponse).toEqual({ ResponseCode: 429, CustomResponseBodyKey: 'rate-limited' });
  });

  it('answers blocks with JSON bodies shaped like the gateway errors', () => {
    const bodies = Object.values(dev.findResources('AWS::WAFv2::WebACL'))[0].Properties.CustomResponseBodies as Record<string, { ContentType: string; Content: string }>;
    expect(JSON.parse(bodies['rate-limited'].Content)).toEqual({ message: 'Rate limit exceeded. Upgrade at https://api.example.com/plans', code: 'edge_rate_limited' });
    expect(JSON.parse(bodies['payload-too-large'].Content)).toEqual({ message: 'Request body too large (limit 1048576 bytes)', code: 'request_too_large' });
    for (const body of Object.values(bodies)) {
      expect(body.ContentType).toBe('APPLICATION_JSON');
      expect(Object.keys(JSON.parse(body.Content))).toEqual(['message', 'code']);
    }
  });

  it('has no geo rule when security.geo is empty', () => {
    expect(rules(dev).map((r) => r.Name)).not.toEqual(expect.arrayContaining(['GeoAllowList']));
    expect(rules(dev).map((r) => r.Name)).not.toEqual(expect.arrayContaining(['GeoDenyList']));
  });

  it('logs to aws-waf-logs-<gateway>-<env> with credentials redacted, KMS-encrypted for soc2', () => {
    dev.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'aws-waf-logs-gatehouse-dev',
      RetentionInDays: 90,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });
    dev.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      // Without the `:*` suffix of LogGroup.logGroupArn, which WAF rejects.
      LogDestinationConfigs: ['arn:aws:logs:us-east-1:111111111111:log-group:aws-waf-logs-gatehouse-dev'],
      RedactedFields: [
        { SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'x-api-key' } },
        { SingleHeader: { Name: 'cookie' } }, { SingleHeader: { Name: 'x-origin-verify' } },
      ],
    });
  });

  it('lets only the us-east-1 logs service use the key, for this log group', () => {
    dev.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Principal: { Service: 'logs.us-east-1.amazonaws.com' },
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
      })]) },
    });
  });

  it('generates the origin-verify secret and replicates it to the API region', () => {
    dev.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'gatehouse/dev/origin-verify',
      GenerateSecretString: Match.objectLike({ ExcludePunctuation: true }),
      ReplicaRegions: [{ Region: 'eu-west-1' }],
      KmsKeyId: Match.anyValue(),
    });
    expect(synth.stages.dev.edge.originVerifySecretName).toBe('gatehouse/dev/origin-verify');
  });

  it('creates no Shield resource: Shield protections belong to the CDN stack', () => {
    expect(Object.keys(prod.findResources('AWS::Shield::Protection'))).toEqual([]);
  });
});

describe.each(['pci-dss', 'hipaa', 'gdpr'])('Edge stack for compliance [%s] with strict security settings', (compliance) => {
  const synth = synthesize({ yaml: variant(compliance, STRICT) });
  const live = synth.template('live', 'Edge');

  it('has no unacknowledged nag finding', () => {
    expect(formatFindings(edgeFindings(synth))).toBe('');
  });

  it('blocks every country outside the allow list with a JSON 403', () => {
    const geo = rule(live, 'GeoAllowList')!;
    expect(geo.Statement).toEqual({ NotStatement: { Statement: { GeoMatchStatement: { CountryCodes: ['DE', 'FR', 'NL'] } } } });
    expect(geo.Action.Block.CustomResponse).toEqual({ ResponseCode: 403, CustomResponseBodyKey: 'geo-blocked' });
    expect(rules(live)[0].Name).toBe('GeoAllowList');
  });

  it('counts anonymous IPs, runs Bot Control TARGETED and keeps HTTP-library clients out of its blocks', () => {
    expect(rule(live, 'AWSManagedRulesAnonymousIpList')!.OverrideAction).toEqual({ Count: {} });
    const bot = rule(live, 'AWSManagedRulesBotControlRuleSet')!.Statement.ManagedRuleGroupStatement;
    expect(bot.ManagedRuleGroupConfigs).toEqual([{ AWSManagedRulesBotControlRuleSet: { InspectionLevel: 'TARGETED' } }]);
    expect(bot.RuleActionOverrides.map((o: { Name: string }) => o.Name)).toEqual(['CategoryHttpLibrary', 'SignalNonBrowserUserAgent']);
  });

  it('uses the configured rate limits and the configured API key header (lower-cased)', () => {
    expect(rule(live, 'RatePerIp')!.Statement.RateBasedStatement.Limit).toBe(500);
    const perKey = rule(live, 'RatePerApiKey')!.Statement.RateBasedStatement;
    expect(perKey.Limit).toBe(5000);
    expect(perKey.CustomKeys[0].Header.Name).toBe('x-acme-key');
  });

  it('measures bodies up to 32 KB itself (inspection limit 32 KB, oversize = too large)', () => {
    live.hasResourceProperties('AWS::WAFv2::WebACL', { AssociationConfig: { RequestBody: { CLOUDFRONT: { DefaultSizeInspectionLimit: 'KB_32' } } } });
    const [body] = rule(live, 'MaxBodySize')!.Statement.OrStatement.Statements;
    expect(body.SizeConstraintStatement).toEqual({
      FieldToMatch: { Body: { OversizeHandling: 'MATCH' } }, ComparisonOperator: 'GT', Size: 32768, TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    });
  });

  it('redacts the custom API key header in the logs and keeps logs as long as the regime requires', () => {
    live.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', { RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'x-acme-key' } }]) });
    const days = { 'pci-dss': 90, hipaa: 180, gdpr: 30 }[compliance];
    live.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-acme-live', RetentionInDays: days, KmsKeyId: Match.anyValue() });
  });
});

describe('Edge stack variants', () => {
  it('blocks a deny-listed country and does not replicate the secret when the API is in us-east-1', () => {
    const synth = synthesize({ yaml: variant('', '  geo: { deny: [KP, IR] }', 'us-east-1') });
    const live = synth.template('live', 'Edge');
    expect(rule(live, 'GeoDenyList')!.Statement).toEqual({ GeoMatchStatement: { CountryCodes: ['KP', 'IR'] } });
    const secret = Object.values(live.findResources('AWS::SecretsManager::Secret'))[0].Properties;
    expect(secret.ReplicaRegions).toBeUndefined();
    // No compliance regime: no customer key, CloudWatch Logs' own encryption.
    expect(Object.keys(live.findResources('AWS::KMS::Key'))).toEqual([]);
    expect(formatFindings(edgeFindings(synth))).toBe('');
  });
});

describe('edge rule plan', () => {
  const config = (security: string) => Object.values(parseConfig(variant('pci-dss', security), 't.yaml').environments)[0].config;

  it('stays under the 1500 WCU limit with every rule enabled', () => {
    const plan = planEdgeRules(config(STRICT));
    // 1264 before the gateway's own paths rule (regex 3 + URL_DECODE, NORMALIZE_PATH, LOWERCASE at 10 each).
    expect(plan.wcu).toBe(1297);
    expect(plan.wcu).toBeLessThanOrEqual(WCU_LIMIT);
    expect(plan.rules.map((r) => r.priority)).toEqual(plan.rules.map((_, i) => i));
  });

  it('picks the smallest inspection limit covering max_body_bytes, up to WAF\'s 64 KB', () => {
    expect(bodySizeStatement(1024).inspectionLimit).toBe('KB_16');
    expect(bodySizeStatement(16 * 1024).inspectionLimit).toBe('KB_16');
    expect(bodySizeStatement(16 * 1024 + 1).inspectionLimit).toBe('KB_32');
    expect(bodySizeStatement(64 * 1024).inspectionLimit).toBe('KB_64');
    expect(bodySizeStatement(64 * 1024 + 1).statement.orStatement).toBeUndefined();
  });

  it('builds a Content-Length regex that matches exactly the integers above the limit', () => {
    for (const limit of [1024, 32768, 65536, 99999, 1048576, 10485760]) {
      const re = new RegExp(integerGreaterThanRegex(limit));
      for (const n of [0, 1, limit - 1, limit, limit + 1, limit * 2, limit * 10, 10 ** String(limit).length, 10 ** String(limit).length - 1]) {
        expect([n, re.test(String(n))]).toEqual([n, n > limit]);
      }
      expect(re.test(`000${limit + 1}`)).toBe(true);
      expect(re.test(`${limit}0`)).toBe(true);
      expect(re.test('12a')).toBe(false);
      for (let i = 0; i < 300; i++) {
        const n = Math.floor(Math.random() * limit * 3);
        expect([n, re.test(String(n))]).toEqual([n, n > limit]);
      }
    }
  });
});
