/**
 * The experiment behind docs/compliance.md ("Which config choices the gate sees"): the dev
 * environment of gateway.config.yaml with one config choice changed at a time (after the loader,
 * so refused choices are synthesized too), and the nag rules each change makes fire.
 *   npx tsx scripts/nag-config-experiment.ts [name-filter]   (~20 s of synth per row)
 */
import { join } from 'node:path';
import { loadConfigFile } from '../lib/checks/load';
import { nagFindings, ruleOf, withChanges, type ConfigChange } from '../test/support/nag-experiment';
import { ROOT } from '../test/support/synth';

const ARN = (region: string, n: string) => `arn:aws:acm:${region}:111111111111:certificate/00000000-0000-4000-8000-00000000000${n}`;

export const EXPERIMENT: readonly ConfigChange[] = [
  { name: 'baseline (soc2)', changes: [] },
  { name: 'baseline, compliance: []', changes: [['compliance', []]] },
  { name: 'baseline, compliance: [pci-dss]', changes: [['compliance', ['pci-dss']]] },
  { name: 'baseline, compliance: [hipaa]', changes: [['compliance', ['hipaa']]] },
  { name: 'baseline, compliance: [pci-dss, hipaa, soc2, gdpr]', changes: [['compliance', ['pci-dss', 'hipaa', 'soc2', 'gdpr']]] },
  { name: 'identity.cognito.mfa: optional', changes: [['identity.cognito.mfa', 'optional']] },
  { name: 'identity.cognito.mfa: off', changes: [['identity.cognito.mfa', 'off']] },
  { name: 'identity.cognito.mfa: optional, compliance: [pci-dss]', changes: [['identity.cognito.mfa', 'optional'], ['compliance', ['pci-dss']]] },
  { name: 'identity.cognito.mfa: optional, compliance: [hipaa]', changes: [['identity.cognito.mfa', 'optional'], ['compliance', ['hipaa']]] },
  { name: 'identity.cognito.mfa: optional, compliance: [gdpr]', changes: [['identity.cognito.mfa', 'optional'], ['compliance', ['gdpr']]] },
  { name: 'identity.cognito.mfa: off, compliance: []', changes: [['identity.cognito.mfa', 'off'], ['compliance', []]] },
  { name: 'identity.cognito.threat_protection: off', changes: [['identity.cognito.threat_protection', 'off']] },
  { name: 'identity.cognito.threat_protection: audit', changes: [['identity.cognito.threat_protection', 'audit']] },
  { name: 'identity.cognito.threat_protection: off, compliance: [hipaa]', changes: [['identity.cognito.threat_protection', 'off'], ['compliance', ['hipaa']]] },
  { name: 'identity.cognito.threat_protection: off, compliance: [gdpr]', changes: [['identity.cognito.threat_protection', 'off'], ['compliance', ['gdpr']]] },
  { name: 'identity.cognito: (none)', changes: [['identity.cognito', undefined], ['routes[1].auth', { strategies: ['api_key'], issuers: [], scopes: [], groups: [], hide_credentials: true, limits: 'exact' }], ['routes[2].auth', { strategies: ['api_key'], issuers: [], scopes: [], groups: [], hide_credentials: true, limits: 'exact' }]] },
  { name: 'routes[0].auth.strategies: [none]', changes: [['routes[0].auth.strategies', ['none']]] },
  { name: 'services[1].private.protocol: HTTP', changes: [['services[1].private.protocol', 'HTTP']] },
  { name: 'alerting: (no pagerduty, webhooks or emails)', changes: [['alerting', { webhooks: [], emails: [] }]] },
  { name: 'audit.retention_days: 30 (soc2 keeps 365)', changes: [['audit.retention_days', 30]] },
  { name: 'audit.pii_masking: false', changes: [['audit.pii_masking', false]] },
  { name: 'audit.truncate_client_ip: true', changes: [['audit.truncate_client_ip', true]] },
  { name: 'security.geo.allow: [DE]', changes: [['security.geo.allow', ['DE']]] },
  { name: 'security.waf.anonymous_ip: count, bot_control: off', changes: [['security.waf.anonymous_ip', 'count'], ['security.waf.bot_control', 'off']] },
  { name: 'environments.dev.shield_advanced: true', changes: [['environments.dev.shield_advanced', true]] },
  { name: 'caching.stage_cache_gb: "1.6"', changes: [['caching.stage_cache_gb', '1.6']] },
  { name: 'routes[4].cache: (none, so no stage cache)', changes: [['routes[4].cache', undefined]] },
  { name: 'rate_limiting.strategy: local', changes: [['rate_limiting.strategy', 'local']] },
  { name: 'cors: (none)', changes: [['cors', undefined]] },
  { name: 'identity.api_keys.header: x-gatehouse-key', changes: [['identity.api_keys.header', 'x-gatehouse-key']] },
  { name: 'environments.dev.domains.edge + certificates.cloudfront', changes: [['environments.dev.domains.edge', 'api.dev.example.com'], ['environments.dev.certificates.cloudfront', ARN('us-east-1', '5')]] },
  { name: 'environments.dev.domains.edge + certificates.cloudfront, compliance: [pci-dss]', changes: [['environments.dev.domains.edge', 'api.dev.example.com'], ['environments.dev.certificates.cloudfront', ARN('us-east-1', '5')], ['compliance', ['pci-dss']]] },
  { name: 'environments.dev.domains.api + certificates.regional', changes: [['environments.dev.domains.api', 'origin.dev.example.com'], ['environments.dev.certificates.regional', ARN('eu-west-1', '6')]] },
  {
    name: 'identity.mtls + environments.dev.domains.mtls, routes[0] mtls',
    changes: [['identity.mtls', { truststore_uri: 's3://gatehouse-truststore/ca.pem', identity_from: 'subject' }], ['environments.dev.domains.mtls', 'internal.dev.example.com'],
      ['environments.dev.certificates.regional', ARN('eu-west-1', '6')], ['routes[0].auth.strategies', ['mtls']]],
  },
  { name: 'environments.dev.vpc.nat_gateways: 3', changes: [['environments.dev.vpc.nat_gateways', 3]] },
  { name: 'traffic.peak_rps: 1, steady_rps: 1', changes: [['traffic.peak_rps', 1], ['traffic.steady_rps', 1]] },
];

if (require.main === module) {
  const filter = process.argv[2] ?? '';
  const dev = loadConfigFile(join(ROOT, 'gateway.config.yaml')).environments.dev;
  process.stdout.write('| config change (dev of gateway.config.yaml) | rules that fire |\n|---|---|\n');
  for (const change of EXPERIMENT.filter((c) => c.name.includes(filter))) {
    const started = Date.now();
    const rules = [...new Set(nagFindings(withChanges(dev, change.changes)).map((f) => `${ruleOf(f)} (${f.path.split('/').slice(1, 2).join('')})`))];
    process.stdout.write(`| ${change.name} | ${rules.join(', ') || 'none'} |\n`);
    process.stderr.write(`  ${change.name}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
}
