import { Stack, aws_cloudfront as cloudfront, type CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { RouteConfig } from '../../config/schema';

/**
 * GH3: an authenticated route is cached at the edge only when its config opts in
 * (`cache.allow_authenticated_cdn`) and the behavior's cache key holds every credential header
 * the route accepts; an mTLS route never (the client certificate cannot be a cache key).
 *
 * Checked on the synthesized distribution, independently of the plan that built it: a sample of
 * every route path (and of a path below it) is given to the behavior CloudFront would pick (the
 * first whose pattern matches, `*` and `?` as CloudFront reads them); when that behavior's cache
 * policy caches (max TTL > 0), the route is checked.
 * Otherwise one consumer's response would be served to another, or to an anonymous caller.
 */
export const GH3 = {
  id: 'GH3',
  info: 'A CloudFront behavior caches an authenticated route without the route opting in, or without its credential headers in the cache key.',
  explanation: 'An edge cache keyed without the credential serves one consumer\'s response to the next caller of the path, authenticated or not.',
  /** The rule for a gateway with these routes and this API key header. */
  rule: (routes: readonly RouteConfig[], apiKeyHeader: string) => (node: CfnResource): NagRuleResult => {
    if (!(node instanceof cloudfront.CfnDistribution)) return NagRuleCompliance.NOT_APPLICABLE;
    const stack = Stack.of(node);
    const config = stack.resolve(node.distributionConfig) as DistributionConfig;
    // CloudFront takes the first behavior whose pattern matches, the default behavior last.
    const behaviors = [...(config.cacheBehaviors ?? []), { ...config.defaultCacheBehavior, pathPattern: '*' }];
    const findings = routes.flatMap((route) => route.paths.flatMap(samplePaths).flatMap((sample) => {
      const behavior = behaviors.find((b) => patternMatches(b.pathPattern, sample))!;
      const key = cacheKeyOf(stack, behavior.cachePolicyId);
      return key ? uncachableReason(route, key.headers, apiKeyHeader).map((reason) => `${behavior.pathPattern}: ${reason}`) : [];
    }));
    return findings.length === 0 ? NagRuleCompliance.COMPLIANT : [...new Set(findings)];
  },
} as const;

interface Behavior { readonly pathPattern: string; readonly cachePolicyId?: unknown }
interface DistributionConfig { readonly defaultCacheBehavior: Behavior; readonly cacheBehaviors?: readonly Behavior[] }

/** Why a route must not be cached with this key; nothing when it may. */
function uncachableReason(route: RouteConfig, keyHeaders: ReadonlySet<string>, apiKeyHeader: string): string[] {
  const strategies = route.auth.strategies;
  if (!strategies.some((s) => s !== 'none')) return [];
  if (strategies.includes('mtls')) return [`mTLS route ${route.name} is cached`];
  if (!route.cache?.allow_authenticated_cdn) return [`authenticated route ${route.name} is cached without cache.allow_authenticated_cdn`];
  const credentials = [...(strategies.includes('jwt') ? ['authorization'] : []), ...(strategies.includes('api_key') ? [apiKeyHeader.toLowerCase()] : [])];
  return credentials.filter((h) => !keyHeaders.has(h)).map((h) => `route ${route.name} is cached without ${h} in the cache key`);
}

/** The cache key of a behavior's policy when that policy caches; undefined when it does not. */
function cacheKeyOf(stack: Stack, policyId: unknown): { headers: ReadonlySet<string> } | undefined {
  if (policyId === CACHING_DISABLED_ID) return undefined;
  const ref = (policyId as { Ref?: string } | undefined)?.Ref;
  const policy = ref ? stack.node.findAll().find((c): c is cloudfront.CfnCachePolicy => c instanceof cloudfront.CfnCachePolicy && stack.resolve(stack.getLogicalId(c)) === ref) : undefined;
  // A managed policy other than CachingDisabled (CachingOptimized and the like) caches without credential headers.
  if (!policy) return { headers: new Set() };
  const config = stack.resolve(policy.cachePolicyConfig) as { maxTtl?: number; parametersInCacheKeyAndForwardedToOrigin?: { headersConfig?: { headers?: string[] } } };
  if (!config.maxTtl) return undefined;
  return { headers: new Set((config.parametersInCacheKeyAndForwardedToOrigin?.headersConfig?.headers ?? []).map((h) => h.toLowerCase())) };
}

/** The id of AWS's managed CachingDisabled policy. */
const CACHING_DISABLED_ID = cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId;

/** Concrete request paths a route path serves (itself and below it): parameters become one segment. */
function samplePaths(path: string): string[] {
  const base = path.replace(/\{[^}]*\}/g, 'x').replace(/\/+$/, '');
  return [base || '/', `${base}/x`];
}

/** CloudFront path-pattern matching: `*` any characters, `?` exactly one, case-sensitive; the leading `/` optional. */
function patternMatches(pattern: string, path: string): boolean {
  const source = pattern.replace(/^\//, '').split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(path.replace(/^\//, ''));
}
