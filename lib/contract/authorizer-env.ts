/**
 * Owns: the authorizer Lambda's environment variable names and its memory size (the API
 * stack sets them, the handler reads them, the twin sets them the same way; the planner prices the memory).
 *
 * Environment variables of the authorizer Lambda (set by the API stack, read by the handler,
 * set the same way by the local gateway). One truth for their names.
 */
export const AUTHORIZER_ENV = {
  /** JSON of `AuthorizerConfig`; baked into the bundle at build time by esbuild `define`. */
  config: 'GATEHOUSE_AUTHORIZER_CONFIG',
  /** DynamoDB consumers table name. */
  consumersTable: 'CONSUMERS_TABLE_NAME',
  /** Optional DynamoDB endpoint (dynalite in tests and the local gateway). */
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  /** `rediss://host:port` (ElastiCache, TLS) or `redis://127.0.0.1:6379`; unset = in-memory limiter. */
  redisUrl: 'REDIS_URL',
  cognitoUserPoolId: 'COGNITO_USER_POOL_ID',
  /** JSON object: Cognito app client name -> client id. */
  cognitoClientIds: 'COGNITO_CLIENT_IDS',
} as const;

/**
 * Memory of the authorizer: CPU scales with memory, and JWT verification is CPU-bound. Used by
 * the API stack and by the planner's cost and latency figures.
 */
export const AUTHORIZER_MEMORY_MB = 512;

