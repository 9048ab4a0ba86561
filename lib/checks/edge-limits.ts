/**
 * CloudFront's and WAF's quotas, held against the edge plans the CDK stacks build from
 * (lib/contract/edge-cache-plan.ts, lib/contract/edge-waf-rules.ts): cache behaviors per
 * distribution, headers and query strings per cache key, capacity units per web ACL. Checked at
 * load so that `npm start` and `plan` refuse what synth (or CloudFormation) would.
 */
import { PORTAL_BEHAVIORS } from '../contract/portal';
import { CLOUDFRONT_LIMITS, WCU_LIMIT } from '../config/aws-limits';
import type { AddProblem } from '../config/errors';
import type { GatewayConfig } from '../config/schema';
import { planEdgeBehaviors } from '../contract/edge-cache-plan';
import { planEdgeRules } from '../contract/edge-waf-rules';

/** The cache plan fits one distribution, and each cache key one cache policy. */
export function checkEdgeCache(config: GatewayConfig, add: AddProblem): void {
  const plan = planEdgeBehaviors(config);
  const keys = new Set(plan.flatMap((behavior) => (behavior.cache ? [behavior.cache] : [])));
  for (const key of keys) {
    // A key is reported at the cache of its first route, where its headers and query strings start.
    const at = ['routes', config.routes.findIndex((r) => r.name === key.routes[0]), 'cache'];
    if (key.headers.length > CLOUDFRONT_LIMITS.cacheKeyHeaders) {
      add([...at, 'key_headers'], `the edge cache key would need ${key.headers.length} headers (${key.headers.join(', ')}); CloudFront allows ${CLOUDFRONT_LIMITS.cacheKeyHeaders}`);
    }
    if (key.queryStrings.length > CLOUDFRONT_LIMITS.cacheKeyQueryStrings) {
      add([...at, 'key_query'], `the edge cache key would need ${key.queryStrings.length} query strings; CloudFront allows ${CLOUDFRONT_LIMITS.cacheKeyQueryStrings}`);
    }
  }
  const portal = config.portal.enabled ? PORTAL_BEHAVIORS : 0;
  // One behaviour per natively called gRPC service (`/<package.Service>/*`).
  const grpc = config.services.filter((s) => s.grpc?.native.enabled).length;
  if (plan.length + portal + grpc > CLOUDFRONT_LIMITS.behaviors) {
    const and = [portal ? ` and the developer portal's ${portal}` : '', grpc ? ` and native gRPC's ${grpc}` : ''].join('');
    add(['routes'], `edge caching needs ${plan.length} CloudFront cache behaviors${and}, more than the ${CLOUDFRONT_LIMITS.behaviors} a distribution allows; set cache.cdn_ttl: 0 on some routes${portal ? ' (or portal.enabled: false)' : ''}`);
  }
}

/** The edge web ACL's rules fit WAF's capacity. */
export function checkEdgeWebAcl(config: GatewayConfig, add: AddProblem): void {
  checkWebAclCapacity(planEdgeRules(config).wcu, add);
}

/**
 * Today's rules cost at most 1264 WCU, so no config reaches the limit; the check keeps a rule
 * added to the plan from turning into a CloudFormation failure. Separate so a test can reach it.
 */
export function checkWebAclCapacity(wcu: number, add: AddProblem): void {
  if (wcu > WCU_LIMIT) {
    add(['security', 'waf'], `the edge web ACL needs ${wcu} WCU, more than WAF's limit of ${WCU_LIMIT}; turn off security.waf.bot_control or a geo list`);
  }
}
