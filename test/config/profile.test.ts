import { parseConfig } from '../../lib/checks/load';
import { deriveProfile, RETENTION, type Profile } from '../../lib/config/profile';
import type { Compliance, GatewayConfig } from '../../lib/config/schema';
import { BASE, FILE } from './fixtures';

const base = parseConfig(BASE, FILE).base;
const profileOf = (change: (c: GatewayConfig) => Partial<GatewayConfig>): Profile => deriveProfile({ ...base, ...change(base) });
const withCompliance = (...compliance: Compliance[]) => profileOf(() => ({ compliance }));
const withTraffic = (peak_rps: number, burstiness: 'steady' | 'moderate' | 'bursty') =>
  profileOf((c) => ({ traffic: { ...c.traffic, steady_rps: 1, peak_rps, burstiness } }));
const withAvailability = (availability: number) => profileOf((c) => ({ targets: { ...c.targets, availability } }));

describe('deriveProfile: compliance', () => {
  it.each([
    [[], 30, 90],
    [['pci-dss'], 90, 365],
    [['hipaa'], 180, 2192],
    [['soc2'], 90, 365],
    [['gdpr'], 30, 180],
    // The longest applicable regime wins, separately for logs and audit.
    [['gdpr', 'pci-dss'], 90, 365],
    [['soc2', 'gdpr'], 90, 365],
    [['hipaa', 'gdpr'], 180, 2192],
  ] as Array<[Compliance[], number, number]>)('%j keeps logs %i days and the audit trail %i days', (regimes, logs, audit) => {
    const profile = withCompliance(...regimes);
    expect([profile.logRetentionDays, profile.auditRetentionDays]).toEqual([logs, audit]);
  });

  it('lets audit.retention_days override the audit default but not log retention', () => {
    const profile = profileOf(() => ({ compliance: ['pci-dss'], audit: { ...base.audit, retention_days: 2555 } }));
    expect([profile.logRetentionDays, profile.auditRetentionDays]).toEqual([RETENTION['pci-dss'].logs, 2555]);
  });

  it('uses customer-managed KMS keys whenever any regime applies', () => {
    expect(withCompliance().customerManagedKeys).toBe(false);
    expect(withCompliance('gdpr').customerManagedKeys).toBe(true);
  });

  it('serves TLS 1.3 only for PCI-DSS or HIPAA', () => {
    expect(withCompliance('pci-dss').tls13Only).toBe(true);
    expect(withCompliance('hipaa').tls13Only).toBe(true);
    expect(withCompliance('soc2', 'gdpr').tls13Only).toBe(false);
  });

  it('adds a cdk-nag pack per regime (SOC 2 maps to NIST 800-53, GDPR adds none)', () => {
    expect(withCompliance().nagPacks).toEqual(['AwsSolutions']);
    expect(withCompliance('gdpr').nagPacks).toEqual(['AwsSolutions']);
    expect(withCompliance('pci-dss', 'hipaa', 'soc2', 'gdpr').nagPacks).toEqual(['AwsSolutions', 'PCI-DSS-3.2.1', 'HIPAA-Security', 'NIST-800-53-R5']);
  });

  it('demands strong authentication (MFA, threat protection) under pci-dss, hipaa and soc2, not gdpr', () => {
    expect(['pci-dss', 'hipaa', 'soc2'].map((c) => withCompliance(c as 'soc2').strongAuthentication)).toEqual([true, true, true]);
    expect(withCompliance('gdpr').strongAuthentication).toBe(false);
    expect(withCompliance().strongAuthentication).toBe(false);
  });

  it('truncates client IPs under GDPR unless audit.truncate_client_ip says otherwise', () => {
    expect(withCompliance('gdpr').truncateClientIp).toBe(true);
    expect(withCompliance('soc2').truncateClientIp).toBe(false);
    expect(profileOf(() => ({ compliance: ['gdpr'], audit: { ...base.audit, truncate_client_ip: false } })).truncateClientIp).toBe(false);
  });
});

describe('deriveProfile: traffic', () => {
  // rate = min(10000, ceil(peak x 1.2)); burst = min(5000, max(10, ceil(peak x headroom / 4)));
  // concurrency = max(5, ceil(peak x 0.02 s x headroom)); headroom steady 1.5, moderate 2, bursty 3.
  it.each([
    // peak, burstiness, rate, burst, concurrency
    [2000, 'moderate', 2400, 1000, 80], //   2000 x 1.2 = 2400; 2000 x 2/4 = 1000; 2000 x 0.02 x 2 = 80
    [2000, 'steady', 2400, 750, 60], //      2000 x 1.5/4 = 750; 2000 x 0.02 x 1.5 = 60
    [2000, 'bursty', 2400, 1500, 120], //    2000 x 3/4 = 1500; 2000 x 0.02 x 3 = 120
    [10000, 'moderate', 10000, 5000, 400], // 12000 capped at 10000; 5000; 10000 x 0.02 x 2 = 400
    [8000, 'bursty', 9600, 5000, 480], //    6000 capped at the 5000 account burst; 8000 x 0.02 x 3 = 480
    [10, 'steady', 12, 10, 5], //            burst floor 10 (ceil(3.75) = 4); concurrency floor 5 (0.3)
  ] as Array<[number, 'steady' | 'moderate' | 'bursty', number, number, number]>)(
    'peak %i rps, %s: stage throttle %i rps, burst %i, authorizer concurrency %i',
    (peak, burstiness, rate, burst, concurrency) => {
      const profile = withTraffic(peak, burstiness);
      expect(profile.stageThrottle).toEqual({ rateLimit: rate, burstLimit: burst });
      expect(profile.authorizerConcurrency).toBe(concurrency);
    },
  );
});

describe('deriveProfile: targets', () => {
  it('99.9 %: budget 0.001, fast burn 0.001 x 14.4 = 0.0144, slow burn 0.001 x 6 = 0.006', () => {
    expect(withAvailability(99.9).alarms).toEqual({ p99LatencyMs: 200, errorBudget: 0.001, fastBurnErrorRate: 0.0144, slowBurnErrorRate: 0.006 });
  });

  it('99.99 %: budget 0.0001, fast burn 0.0001 x 14.4 = 0.00144, slow burn 0.0001 x 6 = 0.0006', () => {
    expect(withAvailability(99.99).alarms).toEqual({ p99LatencyMs: 200, errorBudget: 0.0001, fastBurnErrorRate: 0.00144, slowBurnErrorRate: 0.0006 });
  });

  it('14.4 x budget sustained for 1 h spends 2 % of a 30-day budget: 14.4 x 1 h / 720 h = 0.02', () => {
    expect((14.4 * 1) / (30 * 24)).toBeCloseTo(0.02, 10);
    expect((6 * 6) / (30 * 24)).toBeCloseTo(0.05, 10); // 6 x budget for 6 h spends 5 %
  });

  it('passes the p99 latency target through to the alarm', () => {
    expect(profileOf((c) => ({ targets: { ...c.targets, p99_latency_ms: 100 } })).alarms.p99LatencyMs).toBe(100);
  });
});
