import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

export interface EventOptions {
  method?: string;
  path?: string;
  /** Resource as API Gateway reports it (defaults to `<path>/{proxy+}`-style greedy resource). */
  resource?: string;
  headers?: Record<string, string | string[]>;
  query?: Record<string, string | string[]>;
  sourceIp?: string;
  /** `issuerDN` defaults to the internal CA (fixtures.ts INTERNAL_CA); `null` leaves it out. */
  clientCert?: { subjectDN: string; serialNumber: string; issuerDN?: string | null; notBefore?: string; notAfter?: string } | null;
  requestId?: string;
}

export const API = { region: 'eu-west-1', account: '111111111111', apiId: 'a1b2c3d4e5', stage: 'prod' } as const;
export const API_RESOURCE = `arn:aws:execute-api:${API.region}:${API.account}:${API.apiId}/${API.stage}/*/*`;

/**
 * A REST API REQUEST authorizer event exactly as API Gateway sends it behind CloudFront:
 * headers and multiValueHeaders, query strings in both forms, CloudFront viewer headers,
 * requestContext.identity with sourceIp and clientCert.
 */
export function requestEvent(o: EventOptions = {}): APIGatewayRequestAuthorizerEvent {
  const method = o.method ?? 'GET';
  const path = o.path ?? '/v1/users';
  const segments = path.split('/').filter(Boolean);
  const resource = o.resource ?? (segments.length > 2 ? `/${segments.slice(0, 2).join('/')}/{proxy+}` : path);
  const multiValueHeaders: Record<string, string[]> = {
    Host: ['origin.api.example.com'],
    // Set by the CloudFront viewer-request function from the viewer's Host.
    'X-Forwarded-Host': ['api.example.com'],
    'User-Agent': ['Amazon CloudFront'],
    Via: ['2.0 0f1e2d3c4b5a.cloudfront.net (CloudFront)'],
    'X-Amz-Cf-Id': ['kT3h5N0aE2cVJm3hkq0M1yZ9uYw0B6o1x2Lx3w4c5v6b7n8m9q0w=='],
    'X-Amzn-Trace-Id': ['Root=1-67a0b1c2-0123456789abcdef01234567'],
    'X-Forwarded-For': [`${o.sourceIp ?? '203.0.113.10'}, 130.176.1.1`],
    'X-Forwarded-Port': ['443'],
    'X-Forwarded-Proto': ['https'],
    'CloudFront-Forwarded-Proto': ['https'],
    'CloudFront-Is-Desktop-Viewer': ['true'],
    'CloudFront-Is-Mobile-Viewer': ['false'],
    'CloudFront-Is-SmartTV-Viewer': ['false'],
    'CloudFront-Is-Tablet-Viewer': ['false'],
    'CloudFront-Viewer-ASN': ['64496'],
    'CloudFront-Viewer-Country': ['DE'],
    'X-Origin-Verify': ['origin-secret-from-cloudfront'],
  };
  for (const [k, v] of Object.entries(o.headers ?? {})) multiValueHeaders[k] = Array.isArray(v) ? v : [v];
  const headers = Object.fromEntries(Object.entries(multiValueHeaders).map(([k, v]) => [k, v[v.length - 1]]));
  const multiValueQueryStringParameters = o.query ? Object.fromEntries(Object.entries(o.query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])) : null;
  const queryStringParameters = multiValueQueryStringParameters ? Object.fromEntries(Object.entries(multiValueQueryStringParameters).map(([k, v]) => [k, v[v.length - 1]])) : null;
  const proxy = resource.endsWith('{proxy+}') ? { proxy: segments.slice(2).join('/') } : null;
  const cert = o.clientCert
    ? {
      clientCertPem: '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----',
      subjectDN: o.clientCert.subjectDN,
      ...(o.clientCert.issuerDN === null ? {} : { issuerDN: o.clientCert.issuerDN ?? 'CN=Gatehouse Internal CA,O=Example Corp' }),
      serialNumber: o.clientCert.serialNumber,
      validity: { notBefore: o.clientCert.notBefore ?? 'Jan  1 00:00:00 2026 GMT', notAfter: o.clientCert.notAfter ?? 'Jan  1 00:00:00 2036 GMT' },
    }
    : null;
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${API.region}:${API.account}:${API.apiId}/${API.stage}/${method}${path}`,
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: proxy,
    stageVariables: null,
    requestContext: {
      accountId: API.account,
      apiId: API.apiId,
      authorizer: undefined,
      domainName: 'origin.api.example.com',
      domainPrefix: 'origin',
      extendedRequestId: 'Xo1AbF2cDoEFabc=',
      httpMethod: method,
      identity: {
        accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null,
        clientCert: cert,
        cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null,
        principalOrgId: null, sourceIp: o.sourceIp ?? '203.0.113.10', user: null, userAgent: 'Amazon CloudFront', userArn: null,
      },
      path: `/${API.stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: o.requestId ?? 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTime: '28/Nov/2026:07:29:03 +0000',
      requestTimeEpoch: 1_795_851_743_000,
      resourceId: 'abc123',
      resourcePath: resource,
      stage: API.stage,
    } as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}
