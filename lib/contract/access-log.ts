/**
 * Owns: the fields of the API stage's access log line (CDK writes the format; the audit
 * transformer and the twin read and write the same fields).
 *
 * The stage's access log line: one JSON object per request (cdk-nag APIG1 / structured logging).
 * Every value is a quoted `$context` variable so the format itself is valid JSON; API Gateway
 * prints `-` for a variable that has no value.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  xrayTraceId: '$context.xrayTraceId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  requestTimeEpoch: '$context.requestTimeEpoch',
  domainName: '$context.domainName',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  protocol: '$context.protocol',
  tlsVersion: '$context.tlsVersion',
  cipherSuite: '$context.cipherSuite',
  status: '$context.status',
  responseType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  integrationError: '$context.integration.error',
  authorizerLatency: '$context.authorizer.latency',
  authorizerStatus: '$context.authorizer.status',
  authorizerError: '$context.authorizer.error',
  authorizerIntegrationLatency: '$context.authorizer.integrationLatency',
  consumer: '$context.authorizer.consumer',
  tenant: '$context.authorizer.tenant',
  tier: '$context.authorizer.tier',
  route: '$context.authorizer.route',
  canary: '$context.authorizer.canary',
  denyReason: '$context.authorizer.reason',
  usagePlanKeyId: '$context.identity.apiKeyId',
  wafResponseCode: '$context.wafResponseCode',
  webAclArn: '$context.webaclArn',
};

export const ACCESS_LOG_FORMAT = JSON.stringify(Object.fromEntries(Object.entries(ACCESS_LOG_FIELDS)));
