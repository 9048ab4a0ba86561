/**
 * The one price table of the capacity planner: AWS **list prices** (on-demand, no free tier, no
 * Savings Plans, no private pricing), in US dollars, for us-east-1 and eu-west-1.
 *
 * They were read from stored copies of the pages cited next to each price (this repository's
 * tooling has no live internet access), published around {@link PRICES_AS_OF}. Every price says
 * whether it was `verified` (the figure appears on the cited page) or is `unverified` (the
 * figure is from memory of the pricing page, or derived; the note says how). Update this file,
 * not the model, when prices change; `docs/capacity-report.md` is regenerated from it.
 */

/** When the cited pages were published or last checked (year-month). */
export const PRICES_AS_OF = '2026-06';

/** Regions with their own column in the table; any other region borrows the nearest one. */
export const PRICED_REGIONS = ['us-east-1', 'eu-west-1'] as const;
export type PricedRegion = (typeof PRICED_REGIONS)[number];

export interface Price {
  readonly usd: number;
  /** What one `usd` buys, e.g. "per million requests". */
  readonly unit: string;
  /** The AWS pricing page (or the page the figure was read from). */
  readonly source: string;
  readonly status: 'verified' | 'unverified';
  /** How an unverified figure was obtained. */
  readonly note?: string;
}

/** A tiered price: `upTo` is the cumulative upper bound of the tier in the price's unit quantity. */
export interface Tier { readonly upTo: number; readonly usd: number }
export interface TieredPrice extends Omit<Price, 'usd'> { readonly tiers: readonly Tier[] }

export interface RegionalPrices {
  readonly apiGatewayRestRequests: TieredPrice;
  /** Stage cache cluster, per hour, by size in GB (the schema's `caching.stage_cache_gb`). */
  readonly apiGatewayCacheHourly: { readonly hourlyBySizeGb: Readonly<Record<string, number>>; readonly price: Omit<Price, 'usd'> };
  readonly lambdaRequests: Price;
  readonly lambdaArmGbSecond: Price;
  readonly elastiCacheValkeyGbHour: Price;
  readonly elastiCacheValkeyEcpu: Price;
  /** Smallest data volume ElastiCache Serverless meters for Valkey (GB). */
  readonly elastiCacheValkeyMinimumGb: Price;
  readonly dynamoDbReadRequestUnit: Price;
  readonly logsIngestion: Price;
  readonly logsStorage: Price;
  /** Vended logs (WAF logs delivered to CloudWatch Logs), tiered per GB per month. */
  readonly logsVendedIngestion: TieredPrice;
  readonly metric: Price;
  readonly alarm: Price;
  readonly compositeAlarm: Price;
  readonly xrayTrace: Price;
  readonly firehoseIngestion: Price;
  readonly s3Storage: Price;
  readonly kmsKey: Price;
  readonly kmsRequests: Price;
  readonly albHour: Price;
  readonly albLcuHour: Price;
  readonly natGatewayHour: Price;
}

/** Prices that do not depend on the environment's region (edge services, subscriptions). */
export interface GlobalPrices {
  /** CloudFront data transfer out to the internet, Europe and North America (same tiers). */
  readonly cloudFrontDataOut: TieredPrice;
  readonly cloudFrontHttpsRequests: Readonly<Record<'us' | 'eu', Price>>;
  readonly cloudFrontDataToOrigin: Price;
  readonly cloudFrontFunction: Price;
  readonly wafWebAcl: Price;
  readonly wafRule: Price;
  readonly wafRequests: Price;
  readonly wafBotControlSubscription: Price;
  readonly wafBotControlCommonRequests: Price;
  readonly wafBotControlTargetedRequests: Price;
  readonly shieldAdvanced: Price;
}

const PAGE = {
  apiGateway: 'https://aws.amazon.com/api-gateway/pricing/',
  apiGatewayWhitepaper: 'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  elastiCache: 'https://aws.amazon.com/elasticache/pricing/',
  elastiCacheBlog: 'https://aws.amazon.com/blogs/database/unlock-on-demand-cost-optimized-performance-with-amazon-elasticache-serverless/',
  dynamoDb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  cloudWatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  xray: 'https://aws.amazon.com/xray/pricing/',
  firehose: 'https://aws.amazon.com/firehose/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  elb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  vpc: 'https://aws.amazon.com/vpc/pricing/',
  cloudFront: 'https://aws.amazon.com/cloudfront/pricing/',
  waf: 'https://aws.amazon.com/waf/pricing/',
  wafBlog: 'https://aws.amazon.com/blogs/networking-and-content-delivery/cost-effective-ways-for-securing-your-web-applications-using-aws-waf/',
  shield: 'https://aws.amazon.com/shield/pricing/',
  route53: 'https://aws.amazon.com/route53/pricing/',
  secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
  scheduler: 'https://aws.amazon.com/eventbridge/pricing/',
} as const;

const M = 1_000_000;
const verified = (usd: number, unit: string, source: string): Price => ({ usd, unit, source, status: 'verified' });
const unverified = (usd: number, unit: string, source: string, note: string): Price => ({ usd, unit, source, status: 'unverified', note });
const FROM_MEMORY = 'from memory of the pricing page; not found in the stored copies';
const SAME_AS_US = 'us-east-1 figure reused; the Ireland figure was not found in the stored copies';

const US_EAST_1: RegionalPrices = {
  apiGatewayRestRequests: {
    unit: 'per million REST API requests (monthly tiers)',
    source: PAGE.apiGatewayWhitepaper,
    status: 'verified',
    tiers: [{ upTo: 333 * M, usd: 3.5 }, { upTo: 1000 * M, usd: 2.8 }, { upTo: 20_000 * M, usd: 2.38 }, { upTo: Infinity, usd: 1.51 }],
  },
  apiGatewayCacheHourly: {
    hourlyBySizeGb: { '0.5': 0.02, '1.6': 0.038, '6.1': 0.2, '13.5': 0.25, '28.4': 0.5, '58.2': 1.0, '118': 1.9, '237': 3.8 },
    price: { unit: 'per cache-cluster hour', source: PAGE.apiGateway, status: 'unverified', note: '0.5 GB at $0.02/h seen on a third-party copy (awsforengineers.com); larger sizes from memory' },
  },
  lambdaRequests: verified(0.2, 'per million requests', PAGE.lambda),
  lambdaArmGbSecond: verified(0.0000133334, 'per GB-second, Arm, first 7.5 billion GB-s/month', PAGE.lambda),
  elastiCacheValkeyGbHour: unverified(0.0837, 'per GB-hour of data stored, Valkey serverless', PAGE.elastiCache,
    'derived: Redis OSS $0.125/GB-h (AWS Database Blog) less the 33 % Valkey discount stated on the pricing page'),
  elastiCacheValkeyEcpu: unverified(0.00227, 'per million ECPUs, Valkey serverless', PAGE.elastiCache,
    'derived: Redis OSS $0.0034/M ECPUs (AWS Database Blog) less the 33 % Valkey discount stated on the pricing page'),
  elastiCacheValkeyMinimumGb: verified(0.1, 'GB minimum metered data per Valkey serverless cache', PAGE.elastiCache),
  dynamoDbReadRequestUnit: verified(0.125, 'per million on-demand read request units (after the Nov 2024 price cut)', PAGE.dynamoDb),
  logsIngestion: verified(0.5, 'per GB ingested, Standard log class', PAGE.cloudWatch),
  logsStorage: verified(0.03, 'per GB-month archived (compressed)', PAGE.cloudWatch),
  logsVendedIngestion: {
    unit: 'per GB of vended logs delivered to CloudWatch Logs (monthly tiers)',
    source: PAGE.cloudWatch,
    status: 'unverified',
    note: FROM_MEMORY,
    tiers: [{ upTo: 10_000, usd: 0.5 }, { upTo: 30_000, usd: 0.25 }, { upTo: 50_000, usd: 0.1 }, { upTo: Infinity, usd: 0.05 }],
  },
  metric: unverified(0.3, 'per custom or detailed metric-month (first 10,000)', PAGE.cloudWatch, FROM_MEMORY),
  alarm: unverified(0.1, 'per standard-resolution alarm metric-month', PAGE.cloudWatch, FROM_MEMORY),
  compositeAlarm: unverified(0.5, 'per composite alarm-month', PAGE.cloudWatch, FROM_MEMORY),
  xrayTrace: verified(5, 'per million traces recorded', PAGE.xray),
  firehoseIngestion: unverified(0.029, 'per GB ingested (Direct PUT, first 500 TB/month)', PAGE.firehose, FROM_MEMORY),
  s3Storage: unverified(0.023, 'per GB-month, S3 Standard (first 50 TB)', PAGE.s3, FROM_MEMORY),
  kmsKey: unverified(1, 'per customer-managed key-month', PAGE.kms, FROM_MEMORY),
  kmsRequests: unverified(0.03, 'per 10,000 requests', PAGE.kms, FROM_MEMORY),
  albHour: unverified(0.0225, 'per ALB-hour', PAGE.elb, FROM_MEMORY),
  albLcuHour: unverified(0.008, 'per LCU-hour', PAGE.elb, FROM_MEMORY),
  natGatewayHour: unverified(0.045, 'per NAT gateway-hour', PAGE.vpc, FROM_MEMORY),
};

const EU_WEST_1: RegionalPrices = {
  apiGatewayRestRequests: {
    unit: 'per million REST API requests (monthly tiers)',
    source: PAGE.apiGateway,
    status: 'unverified',
    note: 'first tier equals us-east-1 (third-party copies of the Ireland table); later tiers from memory',
    tiers: [{ upTo: 333 * M, usd: 3.5 }, { upTo: 1000 * M, usd: 3.19 }, { upTo: 20_000 * M, usd: 2.71 }, { upTo: Infinity, usd: 1.72 }],
  },
  apiGatewayCacheHourly: { ...US_EAST_1.apiGatewayCacheHourly, price: { ...US_EAST_1.apiGatewayCacheHourly.price, status: 'unverified', note: SAME_AS_US } },
  lambdaRequests: unverified(0.2, 'per million requests', PAGE.lambda, SAME_AS_US),
  lambdaArmGbSecond: unverified(0.0000133334, 'per GB-second, Arm, first 7.5 billion GB-s/month', PAGE.lambda, SAME_AS_US),
  elastiCacheValkeyGbHour: unverified(0.0837, 'per GB-hour of data stored, Valkey serverless', PAGE.elastiCache, SAME_AS_US),
  elastiCacheValkeyEcpu: unverified(0.00227, 'per million ECPUs, Valkey serverless', PAGE.elastiCache, SAME_AS_US),
  elastiCacheValkeyMinimumGb: verified(0.1, 'GB minimum metered data per Valkey serverless cache', PAGE.elastiCache),
  dynamoDbReadRequestUnit: unverified(0.1415, 'per million on-demand read request units', PAGE.dynamoDb,
    'half of the pre-November-2024 Ireland price ($0.283), by the announced 50 % cut'),
  logsIngestion: unverified(0.57, 'per GB ingested, Standard log class', PAGE.cloudWatch, FROM_MEMORY),
  logsStorage: unverified(0.03, 'per GB-month archived (compressed)', PAGE.cloudWatch, SAME_AS_US),
  logsVendedIngestion: { ...US_EAST_1.logsVendedIngestion, note: SAME_AS_US },
  metric: unverified(0.3, 'per custom or detailed metric-month (first 10,000)', PAGE.cloudWatch, SAME_AS_US),
  alarm: unverified(0.1, 'per standard-resolution alarm metric-month', PAGE.cloudWatch, SAME_AS_US),
  compositeAlarm: unverified(0.5, 'per composite alarm-month', PAGE.cloudWatch, SAME_AS_US),
  xrayTrace: unverified(5, 'per million traces recorded', PAGE.xray, SAME_AS_US),
  firehoseIngestion: unverified(0.031, 'per GB ingested (Direct PUT, first 500 TB/month)', PAGE.firehose, FROM_MEMORY),
  s3Storage: unverified(0.023, 'per GB-month, S3 Standard (first 50 TB)', PAGE.s3, FROM_MEMORY),
  kmsKey: unverified(1, 'per customer-managed key-month', PAGE.kms, FROM_MEMORY),
  kmsRequests: unverified(0.03, 'per 10,000 requests', PAGE.kms, FROM_MEMORY),
  albHour: unverified(0.0252, 'per ALB-hour', PAGE.elb, FROM_MEMORY),
  albLcuHour: unverified(0.008, 'per LCU-hour', PAGE.elb, FROM_MEMORY),
  natGatewayHour: unverified(0.048, 'per NAT gateway-hour', PAGE.vpc, FROM_MEMORY),
};

export const GLOBAL_PRICES: GlobalPrices = {
  cloudFrontDataOut: {
    unit: 'per GB to the internet, United States/Europe (monthly tiers, GB)',
    source: PAGE.cloudFront,
    status: 'verified',
    tiers: [
      { upTo: 10_000, usd: 0.085 }, { upTo: 50_000, usd: 0.08 }, { upTo: 150_000, usd: 0.06 }, { upTo: 500_000, usd: 0.04 },
      { upTo: 1_024_000, usd: 0.03 }, { upTo: 5_120_000, usd: 0.025 }, { upTo: Infinity, usd: 0.02 },
    ],
  },
  cloudFrontHttpsRequests: {
    us: unverified(0.01, 'per 10,000 HTTPS requests, United States', PAGE.cloudFront, FROM_MEMORY),
    eu: unverified(0.012, 'per 10,000 HTTPS requests, Europe', PAGE.cloudFront, FROM_MEMORY),
  },
  cloudFrontDataToOrigin: unverified(0.02, 'per GB from the edge to the origin, United States/Europe', PAGE.cloudFront, FROM_MEMORY),
  cloudFrontFunction: verified(0.1, 'per million CloudFront Functions invocations', 'https://cur.vantage.sh/aws/amazoncloudfront/'),
  wafWebAcl: verified(5, 'per web ACL-month (same in every region)', PAGE.wafBlog),
  wafRule: verified(1, 'per rule or rule group-month', PAGE.waf),
  wafRequests: verified(0.6, 'per million requests inspected', PAGE.waf),
  wafBotControlSubscription: verified(10, 'per web ACL-month for the Bot Control rule group', PAGE.waf),
  wafBotControlCommonRequests: verified(1, 'per million requests inspected by Bot Control (common)', PAGE.waf),
  wafBotControlTargetedRequests: unverified(10, 'per million requests inspected by Bot Control (targeted)', PAGE.waf, FROM_MEMORY),
  shieldAdvanced: verified(3000, 'per month per organization, 1-year commitment', PAGE.shield),
};

/**
 * Prices only an environment with 2 or more regions pays (decision 0026 D10: Route 53 records
 * and health checks, the health prober's schedule, secret replicas). Apart from the tables
 * above so that the report lists them only once a shipped config uses them.
 */
export interface MultiRegionPrices {
  /** A health check of the CloudWatch-alarm or calculated kind (no endpoint probes, no options). */
  readonly route53HealthCheck: Price;
  /** DNS queries by the policy of the records answering them (failover records answer standard queries). */
  readonly route53Queries: Readonly<Record<'latency' | 'geolocation' | 'failover', Price>>;
  readonly secretsManagerSecret: Price;
  readonly schedulerInvocations: Price;
}

export const MULTI_REGION_PRICES: MultiRegionPrices = {
  route53HealthCheck: unverified(0.5, 'per health check-month, AWS endpoint / CloudWatch alarm / calculated', PAGE.route53, FROM_MEMORY),
  route53Queries: {
    latency: unverified(0.6, 'per million latency-based queries (first billion)', PAGE.route53, FROM_MEMORY),
    geolocation: unverified(0.7, 'per million geolocation queries (first billion)', PAGE.route53, FROM_MEMORY),
    failover: unverified(0.4, 'per million standard queries (first billion)', PAGE.route53, FROM_MEMORY),
  },
  secretsManagerSecret: unverified(0.4, 'per secret-month; each replica is billed as a secret', PAGE.secretsManager, FROM_MEMORY),
  schedulerInvocations: unverified(1, 'per million EventBridge Scheduler invocations', PAGE.scheduler, FROM_MEMORY),
};

/** Prices for an environment region: its own column, or the nearest priced one (and says so). */
export function pricesFor(region: string): { readonly priceRegion: PricedRegion; readonly prices: RegionalPrices; readonly borrowed: boolean } {
  const own = (PRICED_REGIONS as readonly string[]).includes(region);
  const priceRegion: PricedRegion = own ? (region as PricedRegion) : region.startsWith('eu-') ? 'eu-west-1' : 'us-east-1';
  return { priceRegion, prices: priceRegion === 'us-east-1' ? US_EAST_1 : EU_WEST_1, borrowed: !own };
}

/** Monthly cost of `quantity` units of a tiered price (tiers in the same units as quantity). */
export function tieredCost(price: TieredPrice, quantity: number, unitsPerPrice = 1): number {
  let cost = 0;
  let from = 0;
  for (const tier of price.tiers) {
    if (quantity <= from) break;
    const inTier = Math.min(quantity, tier.upTo) - from;
    cost += (inTier / unitsPerPrice) * tier.usd;
    from = tier.upTo;
  }
  return cost;
}

/** Rows of the price table for the docs and the report; the multi-region prices when some plan uses them. */
export function priceTableRows(options: { readonly multiRegion?: boolean } = {}): { item: string; region: string; usd: string; unit: string; status: string; source: string }[] {
  const rows: { item: string; region: string; usd: string; unit: string; status: string; source: string }[] = [];
  const push = (item: string, region: string, p: Price | TieredPrice) => rows.push({
    item, region,
    usd: 'tiers' in p ? p.tiers.map((t) => `${t.usd}${t.upTo === Infinity ? '' : ` to ${t.upTo >= M ? `${t.upTo / M}M` : t.upTo}`}`).join('; ') : String(p.usd),
    unit: p.unit,
    status: p.status === 'verified' ? 'verified' : `unverified: ${p.note ?? ''}`,
    source: p.source,
  });
  for (const region of PRICED_REGIONS) {
    const prices = region === 'us-east-1' ? US_EAST_1 : EU_WEST_1;
    for (const [item, p] of Object.entries(prices)) {
      if (item === 'apiGatewayCacheHourly') {
        const cache = p as RegionalPrices['apiGatewayCacheHourly'];
        const sizes = Object.entries(cache.hourlyBySizeGb).map(([k, v]) => `${k} GB: ${v}`).join('; ');
        rows.push({ item, region, usd: sizes, unit: cache.price.unit, status: cache.price.status === 'verified' ? 'verified' : `unverified: ${cache.price.note ?? ''}`, source: cache.price.source });
      } else push(item, region, p as Price | TieredPrice);
    }
  }
  for (const [item, p] of Object.entries(GLOBAL_PRICES)) {
    if (item === 'cloudFrontHttpsRequests') {
      for (const [geo, price] of Object.entries(p as GlobalPrices['cloudFrontHttpsRequests'])) push(`${item}.${geo}`, 'global', price);
    } else push(item, 'global', p as Price | TieredPrice);
  }
  if (options.multiRegion) {
    const m = MULTI_REGION_PRICES;
    push('route53HealthCheck', 'global', m.route53HealthCheck);
    for (const [policy, price] of Object.entries(m.route53Queries)) push(`route53Queries.${policy}`, 'global', price);
    push('secretsManagerSecret', 'every region', m.secretsManagerSecret);
    push('schedulerInvocations', 'us-east-1', m.schedulerInvocations);
  }
  return rows;
}
