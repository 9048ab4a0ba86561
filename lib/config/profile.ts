import { ACCOUNT_THROTTLE } from './aws-limits';
import type { Compliance, EnvironmentConfig, GatewayConfig } from './schema';

/** cdk-nag packs, by the names `lib/compliance/nag.ts` registers. */
export type NagPack = 'AwsSolutions' | 'PCI-DSS-3.2.1' | 'HIPAA-Security' | 'NIST-800-53-R5';

/**
 * Everything the four profile keys (organization, traffic, compliance, targets) decide.
 * Stacks read these numbers instead of re-deriving them; the README documents this table.
 */
export interface Profile {
  /** CloudWatch Logs retention for access, WAF and Lambda logs (days). */
  readonly logRetentionDays: number;
  /** Retention of the audit trail in S3 (days); Object Lock when compliance applies. */
  readonly auditRetentionDays: number;
  /** Customer-managed KMS keys (with rotation) for logs, tables, caches and buckets. */
  readonly customerManagedKeys: boolean;
  /** Viewer TLS: TLS 1.3 only where a custom certificate exists and PCI-DSS or HIPAA applies. */
  readonly tls13Only: boolean;
  readonly nagPacks: readonly NagPack[];
  /**
   * pci-dss, hipaa and soc2 demand strong authentication: optional MFA or disabled Cognito threat
   * protection are then not acknowledged, so the compliance gate stops synth.
   */
  readonly strongAuthentication: boolean;
  /** GDPR: the last octet (IPv4) or last 80 bits (IPv6) of client IPs are dropped in audit records. */
  readonly truncateClientIp: boolean;
  /** Stage-wide API Gateway throttle (requests/s and burst). */
  readonly stageThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Authorizer reserved concurrency sized from peak traffic. */
  readonly authorizerConcurrency: number;
  readonly alarms: {
    readonly p99LatencyMs: number;
    /** Allowed error ratio, e.g. 0.0001 for 99.99 %. */
    readonly errorBudget: number;
    /** 5xx ratio that pages immediately (the fast burn-rate threshold). */
    readonly fastBurnErrorRate: number;
    /** 5xx ratio sustained over 6 h that pages (the slow burn-rate threshold). */
    readonly slowBurnErrorRate: number;
  };
}

/** The regimes that demand strong authentication of user pool users (MFA required, threat protection on). */
export const STRONG_AUTHENTICATION: readonly Compliance[] = ['pci-dss', 'hipaa', 'soc2'];

/** Retention per regime (days): operational logs, audit trail. The longest applicable wins. */
export const RETENTION: Record<Compliance | 'none', { logs: number; audit: number }> = {
  none: { logs: 30, audit: 90 },
  // PCI DSS 10.7: one year of audit history, three months immediately available.
  'pci-dss': { logs: 90, audit: 365 },
  // HIPAA 164.316(b)(2): documentation kept six years.
  hipaa: { logs: 180, audit: 2192 },
  // SOC 2 auditors examine a 12-month observation window.
  soc2: { logs: 90, audit: 365 },
  // GDPR storage limitation: keep personal data no longer than needed.
  gdpr: { logs: 30, audit: 180 },
};

/** Assumed warm authorizer duration used to size concurrency (measured by bench:authorizer). */
export const AUTHORIZER_DURATION_SECONDS = 0.02;
const BURST_HEADROOM = { steady: 1.5, moderate: 2, bursty: 3 } as const;
/**
 * The stage throttle's headroom over the configured peak; the planner warns when the account
 * throttle leaves less than this (lib/plan/throttle-limits.ts).
 */
export const THROTTLE_HEADROOM = 1.2;
/** Google SRE workbook multi-window burn rates: 2 % of a 30-day budget in 1 h, 5 % in 6 h. */
export const BURN_RATES = { fast: 14.4, slow: 6 } as const;

export function deriveProfile(config: GatewayConfig): Profile {
  const regimes = config.compliance.length ? config.compliance : (['none'] as const);
  const logRetentionDays = Math.max(...regimes.map((c) => RETENTION[c].logs));
  const auditRetentionDays = config.audit.retention_days ?? Math.max(...regimes.map((c) => RETENTION[c].audit));
  const headroom = BURST_HEADROOM[config.traffic.burstiness];
  const rateLimit = Math.min(ACCOUNT_THROTTLE.rateLimit, Math.ceil(config.traffic.peak_rps * THROTTLE_HEADROOM));
  const burstLimit = Math.min(ACCOUNT_THROTTLE.burstLimit, Math.max(10, Math.ceil(config.traffic.peak_rps * (headroom / 4))));
  const errorBudget = round(1 - config.targets.availability / 100, 8);

  return {
    logRetentionDays,
    auditRetentionDays,
    customerManagedKeys: config.compliance.length > 0,
    tls13Only: config.compliance.includes('pci-dss') || config.compliance.includes('hipaa'),
    nagPacks: [
      'AwsSolutions',
      ...(config.compliance.includes('pci-dss') ? (['PCI-DSS-3.2.1'] as const) : []),
      ...(config.compliance.includes('hipaa') ? (['HIPAA-Security'] as const) : []),
      ...(config.compliance.includes('soc2') ? (['NIST-800-53-R5'] as const) : []),
    ],
    strongAuthentication: config.compliance.some((c) => STRONG_AUTHENTICATION.includes(c)),
    truncateClientIp: config.audit.truncate_client_ip ?? config.compliance.includes('gdpr'),
    stageThrottle: { rateLimit, burstLimit },
    authorizerConcurrency: Math.max(5, Math.ceil(config.traffic.peak_rps * AUTHORIZER_DURATION_SECONDS * headroom)),
    alarms: {
      p99LatencyMs: config.targets.p99_latency_ms,
      errorBudget,
      fastBurnErrorRate: round(errorBudget * BURN_RATES.fast, 8),
      slowBurnErrorRate: round(errorBudget * BURN_RATES.slow, 8),
    },
  };
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

/**
 * How many availability zones a new VPC spans: the zones listed in availability_zones, else
 * max_azs (as lib/constructs/network-vpc.ts places them).
 */
export function vpcZoneCount(vpc: Exclude<EnvironmentConfig['vpc'], { id: string }>): number {
  return vpc.availability_zones?.length ?? vpc.max_azs;
}
