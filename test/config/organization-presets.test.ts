import { parseConfig } from '../../lib/checks/load';
import { ORGANIZATION_PRESETS } from '../../lib/config/organization-presets';
import { BASE, FILE, edit } from './fixtures';

describe('organization presets', () => {
  it('gives a fintech startup a tighter per-IP WAF limit and blocks anonymous IPs', () => {
    const loaded = parseConfig(edit(['type: ecommerce', 'type: fintech-startup']), FILE);
    expect(loaded.base.security.waf).toEqual({ ip_rate_limit: 1000, api_key_rate_limit: 20000, bot_control: 'common', anonymous_ip: 'block' });
  });

  it('lets the file win over the preset', () => {
    const text = edit(['type: ecommerce', 'type: fintech-startup'], ['alerting:', 'security:\n  waf:\n    ip_rate_limit: 3000\nalerting:']);
    expect(parseConfig(text, FILE).base.security.waf.ip_rate_limit).toBe(3000);
  });

  it('lets an environment override win over the preset', () => {
    expect(parseConfig(BASE, FILE).environments.dev.config.security.waf.bot_control).toBe('off');
  });

  it('leaves types without a preset on the schema defaults', () => {
    const loaded = parseConfig(edit(['type: ecommerce', 'type: other']), FILE);
    expect(loaded.base.security.waf.ip_rate_limit).toBe(2000);
    expect(ORGANIZATION_PRESETS.other).toBeUndefined();
  });
});
