/**
 * Owns: the edge web ACL's rule plan (rules, priorities, WCU, body inspection limit).
 *
 * The edge (CLOUDFRONT-scope) web ACL as data: its rules in priority order, their capacity cost,
 * the body inspection limit and the custom response body keys. The edge stack maps the plan to
 * CDK; the loader holds its cost to WAF's limit (lib/checks/edge-limits.ts).
 */
import type { aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import type { GatewayConfig } from '../config/schema';
import { GATEWAY_PATH_PREFIX } from './health-route';

/** WAF's capacity limit, re-exported beside the plan it bounds; written once in lib/config/aws-limits.ts. */
export { WCU_LIMIT } from '../config/aws-limits';

type Rule = wafv2.CfnWebACL.RuleProperty;
type Statement = wafv2.CfnWebACL.StatementProperty;

/** Bodies CloudFront-scope WAF can inspect, in bytes, by `defaultSizeInspectionLimit`. */
export const BODY_INSPECTION_LIMITS = { KB_16: 16 * 1024, KB_32: 32 * 1024, KB_48: 48 * 1024, KB_64: 64 * 1024 } as const;
export type BodyInspectionLimit = keyof typeof BODY_INSPECTION_LIMITS;

/** Keys of the web ACL's custom JSON response bodies. */
export const RESPONSE_BODY = { geo: 'geo-blocked', tooLarge: 'payload-too-large', rateLimited: 'rate-limited' } as const;

/** Cost of each rule, from the AWS WAF developer guide (managed groups as published, statements by type). */
const WCU = {
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
  AWSManagedRulesSQLiRuleSet: 200,
  AWSManagedRulesAmazonIpReputationList: 25,
  AWSManagedRulesAnonymousIpList: 50,
  AWSManagedRulesBotControlRuleSet: 50,
  geo: 1,
  sizeConstraint: 1,
  regex: 3,
  rateBased: 2,
  customKey: 30,
  /** Per text transformation other than NONE (AWS WAF developer guide, "Using text transformations"). */
  textTransformation: 10,
} as const;

/**
 * The URI paths of the gateway's own routes (the health route, lib/contract/health-route.ts):
 * `/_gatehouse` and everything below it, matched after URL-decoding, path normalisation (`//`,
 * `/./`, `/../`) and lower-casing, so `/%5Fgatehouse/health` or `//_Gatehouse/health` are caught
 * too (the loader refuses config routes there, case-insensitively: lib/checks/references.ts).
 */
export const GATEWAY_PATHS_REGEX = `^${GATEWAY_PATH_PREFIX}(?:/|$)`;
const GATEWAY_PATHS_TRANSFORMATIONS = ['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'] as const;

/** The rules of the edge web ACL, in priority order, and what they cost. */
export interface EdgeRulePlan {
  readonly rules: Rule[];
  readonly wcu: number;
  readonly bodyInspectionLimit: BodyInspectionLimit;
}

/**
 * Builds the CLOUDFRONT-scope rules from the config. Order: cheap geo, path and IP verdicts first, then
 * rate limits (so floods are dropped before paid inspection), then the body size rule, then
 * the request-inspecting managed groups, Bot Control last (it is priced per inspected request).
 */
export function planEdgeRules(config: GatewayConfig): EdgeRulePlan {
  const { waf, geo, max_body_bytes: maxBody } = config.security;
  const rules: Omit<Rule, 'priority'>[] = [];
  let wcu = 0;
  const add = (rule: Omit<Rule, 'priority'>, cost: number) => { rules.push(rule); wcu += cost; };

  if (geo.allow.length > 0) {
    add(block('GeoAllowList', { notStatement: { statement: { geoMatchStatement: { countryCodes: geo.allow } } } }, 403, RESPONSE_BODY.geo), WCU.geo);
  }
  if (geo.deny.length > 0) {
    add(block('GeoDenyList', { geoMatchStatement: { countryCodes: geo.deny } }, 403, RESPONSE_BODY.geo), WCU.geo);
  }
  // Viewers never reach the gateway's own paths: only the health prober calls them, around
  // CloudFront. 404 like any unknown path (without the gateway's JSON body: the edge ACL's bodies
  // are fixed in lib/constructs/web-acl.ts).
  add({
    name: 'GatewayPaths',
    statement: { regexMatchStatement: {
      fieldToMatch: { uriPath: {} },
      regexString: GATEWAY_PATHS_REGEX,
      textTransformations: GATEWAY_PATHS_TRANSFORMATIONS.map((type, priority) => ({ priority, type })),
    } },
    action: { block: { customResponse: { responseCode: 404 } } },
    visibilityConfig: visibility('GatewayPaths'),
  }, WCU.regex + GATEWAY_PATHS_TRANSFORMATIONS.length * WCU.textTransformation);
  add(managed('AWSManagedRulesAmazonIpReputationList'), WCU.AWSManagedRulesAmazonIpReputationList);
  add(managed('AWSManagedRulesAnonymousIpList', { count: waf.anonymous_ip === 'count' }), WCU.AWSManagedRulesAnonymousIpList);

  const rateLimited = { code: config.rate_limiting.error_code, body: RESPONSE_BODY.rateLimited };
  add(block('RatePerIp', {
    rateBasedStatement: { limit: waf.ip_rate_limit, evaluationWindowSec: 300, aggregateKeyType: 'IP' },
  }, rateLimited.code, rateLimited.body), WCU.rateBased);
  add(block('RatePerApiKey', {
    rateBasedStatement: {
      limit: waf.api_key_rate_limit,
      evaluationWindowSec: 300,
      aggregateKeyType: 'CUSTOM_KEYS',
      // Requests without the header are not counted here; RatePerIp still applies to them.
      customKeys: [{ header: { name: config.identity.api_keys.header.toLowerCase(), textTransformations: [{ priority: 0, type: 'NONE' }] } }],
    },
  }, rateLimited.code, rateLimited.body), WCU.rateBased + WCU.customKey);

  const size = bodySizeStatement(maxBody);
  add(block('MaxBodySize', size.statement, 413, RESPONSE_BODY.tooLarge), size.wcu);

  add(managed('AWSManagedRulesCommonRuleSet', {
    // CRS blocks bodies over 8 KB; MaxBodySize enforces the configured limit instead.
    ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
  }), WCU.AWSManagedRulesCommonRuleSet);
  add(managed('AWSManagedRulesKnownBadInputsRuleSet'), WCU.AWSManagedRulesKnownBadInputsRuleSet);
  add(managed('AWSManagedRulesSQLiRuleSet'), WCU.AWSManagedRulesSQLiRuleSet);
  if (waf.bot_control !== 'off') {
    add(managed('AWSManagedRulesBotControlRuleSet', {
      config: { awsManagedRulesBotControlRuleSet: { inspectionLevel: waf.bot_control.toUpperCase() } },
      // API consumers are HTTP libraries, not browsers: these two rules would block every SDK call.
      ruleActionOverrides: ['CategoryHttpLibrary', 'SignalNonBrowserUserAgent'].map((name) => ({ name, actionToUse: { count: {} } })),
    }), WCU.AWSManagedRulesBotControlRuleSet);
  }

  return { rules: rules.map((r, priority) => ({ ...r, priority })), wcu, bodyInspectionLimit: size.inspectionLimit };
}

/**
 * The body size rule. CloudFront-scope WAF sees at most the first 16/32/48/64 KB of a body.
 *
 * - max_body_bytes <= 64 KB: the inspection limit is raised to the smallest step that covers it,
 *   so WAF measures every byte an acceptable body can have; a body beyond the inspection limit
 *   is necessarily too large, hence `oversizeHandling: MATCH`. The managed rules then also
 *   inspect whole bodies. A declared Content-Length over the limit is blocked too.
 * - max_body_bytes > 64 KB: WAF cannot measure such a body, so the rule compares the
 *   Content-Length header's numeric value instead (a regex for "integer > max"). The inspection
 *   limit is bought at 64 KB so the managed rules see as much of large bodies as WAF allows.
 *   A chunked body without Content-Length is left to API Gateway's own 10 MB cap.
 */
export function bodySizeStatement(maxBodyBytes: number): { statement: Statement; wcu: number; inspectionLimit: BodyInspectionLimit } {
  const contentLength = contentLengthOver(maxBodyBytes);
  const limits = Object.entries(BODY_INSPECTION_LIMITS) as [BodyInspectionLimit, number][];
  const covering = limits.find(([, bytes]) => bytes >= maxBodyBytes);
  if (!covering) return { statement: contentLength, wcu: WCU.regex, inspectionLimit: 'KB_64' };
  const body: Statement = {
    sizeConstraintStatement: {
      fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
      comparisonOperator: 'GT',
      size: maxBodyBytes,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
  return { statement: { orStatement: { statements: [body, contentLength] } }, wcu: WCU.sizeConstraint + WCU.regex, inspectionLimit: covering[0] };
}

/** A declared Content-Length above `maxBodyBytes` (no body inspection needed). */
export function contentLengthOver(maxBodyBytes: number): Statement {
  return {
    regexMatchStatement: {
      fieldToMatch: { singleHeader: { Name: 'content-length' } },
      regexString: integerGreaterThanRegex(maxBodyBytes),
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

/**
 * An anchored regex matching decimal integers (leading zeros allowed) strictly greater than `n`:
 * any number with more digits, or the same number of digits and a larger digit at the first
 * position where it differs. WAF regexes have no numeric comparison, hence this construction;
 * the group does not capture, because AWS WAF refuses capturing subexpressions.
 */
export function integerGreaterThanRegex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a non-negative integer, got ${n}`);
  const digits = String(n);
  const alternatives = [`[1-9][0-9]{${digits.length},}`];
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    if (d === 9) continue;
    const rest = digits.length - i - 1;
    alternatives.push(`${digits.slice(0, i)}[${d + 1}-9]${rest > 0 ? `[0-9]{${rest}}` : ''}`);
  }
  return `^0*(?:${alternatives.join('|')})$`;
}

function block(name: string, statement: Statement, responseCode: number, customResponseBodyKey: string): Omit<Rule, 'priority'> {
  return {
    name,
    statement,
    action: { block: { customResponse: { responseCode, customResponseBodyKey } } },
    visibilityConfig: visibility(name),
  };
}

interface ManagedOptions {
  /** Run the whole group in count mode (labels and metrics only). */
  readonly count?: boolean;
  readonly ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[];
  readonly config?: wafv2.CfnWebACL.ManagedRuleGroupConfigProperty;
}

function managed(name: keyof typeof WCU & `AWSManagedRules${string}`, options: ManagedOptions = {}): Omit<Rule, 'priority'> {
  return {
    name,
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(options.ruleActionOverrides ? { ruleActionOverrides: options.ruleActionOverrides } : {}),
        ...(options.config ? { managedRuleGroupConfigs: [options.config] } : {}),
      },
    },
    overrideAction: options.count ? { count: {} } : { none: {} },
    visibilityConfig: visibility(name),
  };
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}
