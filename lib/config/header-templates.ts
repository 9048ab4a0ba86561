/**
 * Templates usable in header values: `$(uuid)`, `$(client_ip)`, authorizer context fields. Apart
 * from schema.ts so the Lambdas that compile transformations (lib/contract/transformations.ts)
 * do not bundle zod and the config model with it.
 */
export const HEADER_TEMPLATES = [
  'uuid', 'client_ip', 'request_time', 'principal', 'consumer', 'tenant', 'tier', 'scopes', 'canary',
] as const;
