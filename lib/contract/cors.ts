/**
 * Owns: CORS with its preflight, as data. One policy per gateway (decision 0015) that three
 * places render: CloudFront's response headers policy (lib/stacks/cdn-stack.ts, the values every
 * viewer gets behind CloudFront), API Gateway's MOCK OPTIONS method on every resource
 * (lib/constructs/api-routes.ts) and the local twin (local/cloudfront.ts and its preflight stage).
 */
import type { GatewayConfig } from '../config/schema';

/** The `cors` setting of the config. */
export type CorsConfig = NonNullable<GatewayConfig['cors']>;

/** Status of a preflight answer: no content, API Gateway's MOCK preflight default. */
export const CORS_PREFLIGHT_STATUS = 204;

/** What a preflight is answered with, and what other responses expose. */
export interface CorsPolicy {
  readonly preflightStatus: typeof CORS_PREFLIGHT_STATUS;
  readonly allowOrigins: readonly string[];
  /** Access-Control-Allow-Methods: the configured methods plus OPTIONS ({@link corsAllowMethods}). */
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  /** Access-Control-Expose-Headers of responses that are not preflights; may be empty. */
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  /** Access-Control-Max-Age of the preflight, in seconds. */
  readonly maxAgeSeconds: number;
}

/** The CORS policy of the `cors` setting. */
export function corsPolicy(cors: CorsConfig): CorsPolicy {
  return {
    preflightStatus: CORS_PREFLIGHT_STATUS,
    allowOrigins: cors.origins,
    allowMethods: corsAllowMethods(cors),
    allowHeaders: cors.headers,
    exposeHeaders: cors.expose_headers,
    allowCredentials: cors.credentials,
    maxAgeSeconds: cors.max_age,
  };
}

/**
 * Access-Control-Allow-Methods of the `cors` setting: its methods plus OPTIONS, the preflight
 * itself (a browser never asks for it, but a listed OPTIONS keeps every rendering the same).
 */
export function corsAllowMethods(cors: Pick<CorsConfig, 'methods'>): string[] {
  return [...new Set([...cors.methods, 'OPTIONS'])];
}
