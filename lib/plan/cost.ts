import type { EnvironmentConfig, GatewayConfig } from '../config/schema';
import type { Profile } from '../config/profile';
import { ACCESS_LOG_FORMAT } from '../contract/access-log';
import { AUTHORIZER_MEMORY_MB } from '../contract/authorizer-env';
import { planEdgeRules } from '../contract/edge-waf-rules';
import { secondsPerMonth, type PlanAssumptions } from './assumptions';
import type { BreakerLoad } from './breaker-load';
import type { RegionsCost } from './region-cost';
import { note, warning, type Finding } from './finding';
import { fmt, pct, usd } from './format-number';
import { GRPC_TRANSCODER_MEMORY_MB } from './grpc-transcoder';
import { GLOBAL_PRICES as G, tieredCost, type RegionalPrices } from './prices';

export interface CostLine {
  readonly service: string;
  readonly item: string;
  /** The billed quantity, as a reader would check it. */
  readonly quantity: string;
  readonly monthlyUsd: number;
  /** Key of the price in lib/plan/prices.ts. */
  readonly price: string;
  /** With 2 or more regions: the region billed, `edge` for the edge's lines (CloudFront, edge WAF, Shield). */
  readonly region?: string;
}

export interface CostInputs {
  readonly config: GatewayConfig;
  readonly env: EnvironmentConfig;
  readonly profile: Profile;
  readonly prices: RegionalPrices;
  readonly steadyRps: number;
  readonly steadyInvocations: number;
  readonly secondsPerInvocation: number;
  readonly keyLookupsPerSecond: number;
  readonly redis: { readonly enabled: boolean; readonly ecpusPerMonth: number; readonly storedGb: number };
  /** Number of API Gateway methods (detailed metrics are per method). */
  readonly methods: number;
  readonly breakers: BreakerLoad;
  /**
   * Requests per second through the edge (CloudFront, the edge web ACL) that this bill pays for.
   * Default steadyRps: one region's bill is the whole environment's. 0 for a secondary region of
   * a multi-region environment: its edge is the primary's bill.
   */
  readonly edgeRps?: number;
  /** With 2 or more regions: the region this bill is for, set on every line (region-cost.ts). */
  readonly region?: string;
  /** The gRPC transcoder (lib/plan/grpc-transcoder.ts): its routes' share of the requests and seconds per invocation. */
  readonly grpc?: { readonly share: number; readonly secondsPerInvocation: number; readonly nativeServices: number };
}

export interface MonthlyCost {
  readonly requestsPerMonth: number;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  readonly perMillionUsd: number;
  readonly findings: readonly Finding[];
  /** With 2 or more regions: the shares, the one-region bill and the cost of each extra region (region-cost.ts). */
  readonly regions?: RegionsCost;
}

/** A single line above this share of the bill is worth a warning when the config chose it. */
export const HOTSPOT_SHARE = 0.25;

const GB = 1e9;
const M = 1e6;
const DAYS_PER_MONTH = 30.4;

/** The monthly bill at `steadyRps` on average, from list prices (no free tiers). */
export function monthlyCost(i: CostInputs, a: PlanAssumptions): MonthlyCost {
  const { config, env, profile, prices: p } = i;
  const seconds = secondsPerMonth(a);
  const R = i.steadyRps * seconds;
  const E = (i.edgeRps ?? i.steadyRps) * seconds;
  const billsEdge = i.edgeRps === undefined || i.edgeRps > 0;
  const I = i.steadyInvocations * seconds;
  const hours = a.hoursPerMonth;
  const europe = env.region.startsWith('eu-');
  const lines: CostLine[] = [];
  const where = (region: string | undefined) => (i.region === undefined ? {} : { region });
  const add = (service: string, item: string, quantity: string, monthlyUsd: number, price: string) =>
    lines.push({ service, item, quantity, monthlyUsd, price, ...where(i.region) });
  // The edge's lines are billed once per environment, in the primary's bill.
  const addEdge = (service: string, item: string, quantity: string, monthlyUsd: number, price: string) => {
    if (billsEdge) lines.push({ service, item, quantity, monthlyUsd, price, ...where('edge') });
  };
  const millions = (n: number) => `${fmt(n / M, 1)} M`;
  const gb = (n: number) => `${fmt(n, n < 10 ? 2 : 0)} GB`;

  // API Gateway
  add('API Gateway', 'REST requests (tiered)', millions(R), tieredCost(p.apiGatewayRestRequests, R, M), 'apiGatewayRestRequests');
  if (config.routes.some((r) => r.cache)) {
    const size = config.caching.stage_cache_gb ?? '0.5';
    add('API Gateway', `stage cache ${size} GB`, `${hours} h`, hours * p.apiGatewayCacheHourly.hourlyBySizeGb[size], 'apiGatewayCacheHourly');
  }

  // Lambda authorizer
  const gbSeconds = I * i.secondsPerInvocation * (AUTHORIZER_MEMORY_MB / 1024);
  add('Lambda', 'authorizer requests', millions(I), (I / M) * p.lambdaRequests.usd, 'lambdaRequests');
  add('Lambda', `authorizer duration (arm64, ${AUTHORIZER_MEMORY_MB} MB)`, `${fmt(gbSeconds)} GB-s`, gbSeconds * p.lambdaArmGbSecond.usd, 'lambdaArmGbSecond');

  // Lambda gRPC transcoder: billed for the upstream call it waits for, too.
  const T = i.grpc ? R * i.grpc.share : 0;
  const transcoderGbSeconds = i.grpc ? T * i.grpc.secondsPerInvocation * (GRPC_TRANSCODER_MEMORY_MB / 1024) : 0;
  if (i.grpc) {
    add('Lambda', `gRPC transcoder requests (${pct(i.grpc.share)} of requests)`, millions(T), (T / M) * p.lambdaRequests.usd, 'lambdaRequests');
    add('Lambda', `gRPC transcoder duration (arm64, ${GRPC_TRANSCODER_MEMORY_MB} MB, ${fmt(i.grpc.secondsPerInvocation * 1000, 1)} ms incl. the upstream)`,
      `${fmt(transcoderGbSeconds)} GB-s`, transcoderGbSeconds * p.lambdaArmGbSecond.usd, 'lambdaArmGbSecond');
  }

  // CloudFront
  const https = europe ? G.cloudFrontHttpsRequests.eu : G.cloudFrontHttpsRequests.us;
  const outGb = (E * a.responseBytes) / GB;
  const toOriginGb = (E * a.requestBytes) / GB;
  addEdge('CloudFront', `HTTPS requests (${europe ? 'Europe' : 'United States'})`, millions(E), (E / 10_000) * https.usd, `cloudFrontHttpsRequests.${europe ? 'eu' : 'us'}`);
  addEdge('CloudFront', `data out (${fmt(a.responseBytes)} B per response)`, gb(outGb), tieredCost(G.cloudFrontDataOut, outGb), 'cloudFrontDataOut');
  addEdge('CloudFront', `data to origin (${fmt(a.requestBytes)} B per request)`, gb(toOriginGb), toOriginGb * G.cloudFrontDataToOrigin.usd, 'cloudFrontDataToOrigin');
  addEdge('CloudFront', 'viewer-request function', millions(E), (E / M) * G.cloudFrontFunction.usd, 'cloudFrontFunction');

  // WAF: Shield Advanced includes WAF web ACL, rule and request fees for the resources it protects (CloudFront).
  const edgeRules = planEdgeRules(config).rules.length;
  const shield = env.shield_advanced;
  const waived = shield ? ' (included with Shield Advanced)' : '';
  addEdge('WAF', `edge web ACL + ${edgeRules} rules${waived}`, '1 ACL', shield ? 0 : G.wafWebAcl.usd + edgeRules * G.wafRule.usd, 'wafWebAcl, wafRule');
  addEdge('WAF', `edge requests${waived}`, millions(E), shield ? 0 : (E / M) * G.wafRequests.usd, 'wafRequests');
  const bot = config.security.waf.bot_control;
  if (bot !== 'off') {
    const perM = bot === 'targeted' ? G.wafBotControlTargetedRequests : G.wafBotControlCommonRequests;
    addEdge('WAF', `Bot Control ${bot} (subscription + requests)`, millions(E), G.wafBotControlSubscription.usd + (E / M) * perM.usd,
      `wafBotControlSubscription, wafBotControl${bot === 'targeted' ? 'Targeted' : 'Common'}Requests`);
  }
  add('WAF', 'regional origin-guard web ACL + 2 rules + requests', millions(R), G.wafWebAcl.usd + 2 * G.wafRule.usd + (R / M) * G.wafRequests.usd, 'wafWebAcl, wafRule, wafRequests');

  if (shield) addEdge('Shield Advanced', 'subscription', '1 month', G.shieldAdvanced.usd, 'shieldAdvanced');

  // ElastiCache Serverless (Valkey)
  if (i.redis.enabled) {
    const storedGb = Math.max(p.elastiCacheValkeyMinimumGb.usd, i.redis.storedGb);
    add('ElastiCache Serverless', `data stored (${storedGb === p.elastiCacheValkeyMinimumGb.usd ? 'the 100 MB minimum' : gb(storedGb)})`, `${fmt(storedGb * hours, 1)} GB-h`,
      storedGb * hours * p.elastiCacheValkeyGbHour.usd, 'elastiCacheValkeyGbHour');
    add('ElastiCache Serverless', `ECPUs (${a.ecpuPerEvalsha} per EVALSHA)`, millions(i.redis.ecpusPerMonth), (i.redis.ecpusPerMonth / M) * p.elastiCacheValkeyEcpu.usd, 'elastiCacheValkeyEcpu');
  }
  const b = i.breakers;
  if (b.services > 0) {
    // (Their bytes are in "data stored" above.)
    add('ElastiCache Serverless', `breaker record writes (${b.services} services x 16,384 copies x ${fmt(a.breakerChangesPerServiceMonth)} changes assumed)`,
      `${millions(b.recordEcpusPerMonth)} ECPUs`, (b.recordEcpusPerMonth / M) * p.elastiCacheValkeyEcpu.usd, 'elastiCacheValkeyEcpu');
    add('Lambda', 'breaker-state invocations', `${fmt(b.stateInvocationsPerMonth)} requests`, (b.stateInvocationsPerMonth / M) * p.lambdaRequests.usd, 'lambdaRequests');
    add('CloudWatch', `breaker alarms (${b.metricAlarms} metric alarms reading ${b.alarmMetrics} metrics, ${b.compositeAlarms} composite)`, `${b.alarmMetrics} alarm metrics`,
      b.alarmMetrics * p.alarm.usd + b.compositeAlarms * p.compositeAlarm.usd, 'alarm, compositeAlarm');
    add('CloudWatch', 'breaker metrics (Shed per watched method, BreakerTransition per service and state), at most', `${b.customMetrics} metrics`,
      b.customMetrics * p.metric.usd, 'metric');
  }

  // DynamoDB
  const rru = i.keyLookupsPerSecond * seconds * a.rruPerKeyLookup;
  add('DynamoDB', 'API key lookups (on-demand reads)', `${millions(rru)} RRU`, (rru / M) * p.dynamoDbReadRequestUnit.usd, 'dynamoDbReadRequestUnit');

  // CloudWatch
  const accessGb = (R * ACCESS_LOG_FORMAT.length) / GB;
  const executionGb = (R * a.executionLogBytes) / GB;
  const authorizerGb = (I * a.authorizerLogBytes) / GB;
  // One record per request per web ACL: the edge's (when this bill pays for the edge) and the origin guard's.
  const wafGb = (((billsEdge ? E : 0) + R) * a.wafLogBytes) / GB;
  const transcoderGb = (T * a.grpc.logBytes) / GB;
  const ingestedGb = accessGb + executionGb + authorizerGb + transcoderGb;
  add('CloudWatch', `access logs (${ACCESS_LOG_FORMAT.length} B per request)`, gb(accessGb), accessGb * p.logsIngestion.usd, 'logsIngestion');
  add('CloudWatch', `execution logs, INFO (${fmt(a.executionLogBytes)} B per request)`, gb(executionGb), executionGb * p.logsIngestion.usd, 'logsIngestion');
  add('CloudWatch', `authorizer logs (${fmt(a.authorizerLogBytes)} B per invocation)`, gb(authorizerGb), authorizerGb * p.logsIngestion.usd, 'logsIngestion');
  if (i.grpc) add('CloudWatch', `gRPC transcoder logs (${fmt(a.grpc.logBytes)} B per invocation)`, gb(transcoderGb), transcoderGb * p.logsIngestion.usd, 'logsIngestion');
  add('CloudWatch', `WAF logs, ${billsEdge ? '2 web ACLs' : 'the regional web ACL'} (vended, ${fmt(a.wafLogBytes)} B per record)`, gb(wafGb), tieredCost(p.logsVendedIngestion, wafGb), 'logsVendedIngestion');
  const storedLogsGb = (ingestedGb + wafGb) * a.compressionRatio * (profile.logRetentionDays / DAYS_PER_MONTH);
  add('CloudWatch', `log storage (${profile.logRetentionDays} days, compressed)`, `${gb(storedLogsGb)}-month`, storedLogsGb * p.logsStorage.usd, 'logsStorage');
  const metrics = i.methods * a.metricsPerMethod + a.customMetrics;
  add('CloudWatch', `metrics (${i.methods} methods x ${a.metricsPerMethod} + ${a.customMetrics} custom) and ${a.alarms} alarms`, `${metrics} metrics`,
    metrics * p.metric.usd + a.alarms * p.alarm.usd, 'metric, alarm');

  const traces = i.steadyRps > 0 ? (Math.min(i.steadyRps, a.xrayReservoirPerSecond) + a.xraySampleRate * Math.max(0, i.steadyRps - a.xrayReservoirPerSecond)) * seconds : 0;
  add('X-Ray', `traces (default sampling: ${a.xrayReservoirPerSecond}/s + ${a.xraySampleRate * 100} %)`, millions(traces), (traces / M) * p.xrayTrace.usd, 'xrayTrace');

  // Audit trail: access records through Firehose to S3 (Object Lock), kept auditRetentionDays.
  add('Firehose', 'audit records to S3', gb(accessGb), accessGb * p.firehoseIngestion.usd, 'firehoseIngestion');
  const auditGb = accessGb * a.compressionRatio * (profile.auditRetentionDays / DAYS_PER_MONTH);
  add('S3', `audit trail (${profile.auditRetentionDays} days, compressed)`, `${gb(auditGb)}-month`, auditGb * p.s3Storage.usd, 's3Storage');

  if (profile.customerManagedKeys) {
    const requests = a.customerManagedKeys * a.kmsRequestsPerKey;
    add('KMS', `${a.customerManagedKeys} customer-managed keys`, `${fmt(requests)} requests`,
      a.customerManagedKeys * p.kmsKey.usd + (requests / 10_000) * p.kmsRequests.usd, 'kmsKey, kmsRequests');
  }

  if (config.services.some((s) => s.private)) {
    // LCUs: the processed-bytes dimension (1 GB per hour per LCU) dominates for API traffic.
    const lcus = Math.max(1, (i.steadyRps * 3600 * (a.requestBytes + a.responseBytes)) / GB);
    add('Network', `internal ALB (${fmt(lcus, 1)} LCU)`, `${hours} h`, hours * (p.albHour.usd + lcus * p.albLcuHour.usd), 'albHour, albLcuHour');
    // gRPC target groups and the native listener are billed within the ALB's hours and LCUs: the
    // transcoder's calls are counted above (they replace the VPC link's), native calls are not in traffic.
    if (i.grpc) add('Network', `internal ALB gRPC target groups${i.grpc.nativeServices ? ` + native gRPC listener (${i.grpc.nativeServices} services)` : ''}: in the ALB line above`, 'LCUs', 0, 'albLcuHour');
  }
  const nat = 'cidr' in env.vpc ? env.vpc.nat_gateways : 0;
  if (nat > 0) add('Network', `${nat} NAT gateway(s), hourly`, `${nat * hours} h`, nat * hours * p.natGatewayHour.usd, 'natGatewayHour');

  const totalUsd = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
  const findings = costFindings(config, lines, totalUsd);
  if (i.grpc?.nativeServices && billsEdge) findings.push(nativeGrpcCostNote(p, europe, a));
  return { requestsPerMonth: R, lines, totalUsd, perMillionUsd: R > 0 ? totalUsd / (R / M) : 0, findings };
}

/**
 * Native gRPC calls are not in `traffic` (no key says how many), so they are priced per million:
 * CloudFront request and data, the edge web ACL's inspection, and the ALB's processed bytes
 * (1 GB per LCU-hour). No Lambda, API Gateway or authorizer: none is on that path.
 */
function nativeGrpcCostNote(p: RegionalPrices, europe: boolean, a: PlanAssumptions): Finding {
  const https = europe ? G.cloudFrontHttpsRequests.eu : G.cloudFrontHttpsRequests.us;
  const outGb = (M * a.responseBytes) / GB;
  const inGb = (M * a.requestBytes) / GB;
  const perMillion = (M / 10_000) * https.usd + outGb * G.cloudFrontDataOut.tiers[0].usd + inGb * G.cloudFrontDataToOrigin.usd
    + (M / M) * G.wafRequests.usd + (outGb + inGb) * p.albLcuHour.usd;
  return note('grpc-native-cost', `native gRPC calls are not in traffic.*: each million costs about ${usd(perMillion)} (CloudFront request and data, edge WAF, ALB LCUs; ${fmt(a.requestBytes)} B in, ${fmt(a.responseBytes)} B out), with no Lambda or API Gateway charge`);
}

/**
 * Bot Control on every request of an API whose only clients are machines (no Cognito public
 * client) is a misfit as well as a cost: targeted detection challenges browsers, and SDK clients
 * cannot answer a challenge. With browser clients it is a choice, so only a note.
 */
export function costFindings(config: GatewayConfig, lines: readonly CostLine[], total: number): Finding[] {
  const findings: Finding[] = [];
  const bot = lines.find((l) => l.item.startsWith('Bot Control'));
  if (bot && bot.monthlyUsd > total * HOTSPOT_SHARE) {
    const browsers = (config.identity.cognito?.public_clients.length ?? 0) > 0;
    const text = `${bot.item} is ${usd(bot.monthlyUsd)} a month, ${pct(bot.monthlyUsd / total)} of the bill, because it inspects every request`;
    findings.push(browsers
      ? note('bot-control-cost', `${text}; a scope-down statement limited to the routes browsers call would cut it`)
      : warning('bot-control-cost', `${text}, and no client of this API is a browser (no Cognito public client): use bot_control common or off, or scope it down to browser routes`));
  }
  // Every region bills its own execution logs.
  const execution = lines.filter((l) => l.item.startsWith('execution logs')).reduce((sum, l) => sum + l.monthlyUsd, 0);
  if (execution > total * 0.05) {
    findings.push(note('execution-logs-cost',
      `API Gateway execution logs at INFO cost about ${usd(execution)} a month (${pct(execution / total)}); the access log already records every request, ERROR would keep only failures`));
  }
  return findings;
}
