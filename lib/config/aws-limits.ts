/**
 * The AWS quotas Gatehouse plans and checks against, each written once: the load-time checks
 * (lib/checks), the planner (lib/plan), the edge plans (lib/contract) and the config reference
 * all import them from here, so a raised quota is one edit. They sit in lib/config, the ground
 * floor, because the schema itself bounds some keys by them.
 */

/** API Gateway, per account and region (default quotas; the usage plan one is not raisable beyond it without a quota increase). */
export const API_GATEWAY_LIMITS = {
  usagePlans: 300,
  apiKeys: 10_000,
  /** Resources (paths) per REST API. */
  resourcesPerApi: 300,
} as const;

/** API Gateway's regional account throttle defaults (raisable rate, fixed burst). */
export const ACCOUNT_THROTTLE = { rateLimit: 10000, burstLimit: 5000 } as const;

/** CloudFormation resources per stack. */
export const MAX_STACK_RESOURCES = 500;

/** Lambda function names (and Firehose stream names) allow 64 characters. */
export const MAX_FUNCTION_NAME = 64;

/** CloudFront quotas (default, per distribution / per cache policy). */
export const CLOUDFRONT_LIMITS = { behaviors: 25, cacheKeyHeaders: 10, cacheKeyQueryStrings: 10 } as const;

/** WAF's hard capacity limit per web ACL (web ACL capacity units). */
export const WCU_LIMIT = 1500;

/**
 * ALB JWT verification (AWS-NOTES): up to 10 extra claims, each checked against at most 10
 * values of at most 256 characters.
 */
export const ALB_JWT_LIMITS = { additionalClaims: 10, valuesPerClaim: 10, valueChars: 256 } as const;
