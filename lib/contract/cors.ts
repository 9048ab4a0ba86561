import type { GatewayConfig } from '../config/schema';

/**
 * Access-Control-Allow-Methods of the `cors` setting: its methods plus OPTIONS, the preflight
 * itself. Read by CloudFront's response headers policy and the local gateway's emulation of it.
 */
export function corsAllowMethods(cors: NonNullable<GatewayConfig['cors']>): string[] {
  return [...new Set([...cors.methods, 'OPTIONS'])];
}
