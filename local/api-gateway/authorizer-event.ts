import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

/** The request as API Gateway sees it, for the REQUEST authorizer event. */
export interface AuthorizerRequest {
  readonly requestId: string;
  readonly methodArn: string;
  readonly resourcePath: string;
  readonly path: string;
  readonly httpMethod: string;
  /** Raw header pairs in arrival order, names as sent. */
  readonly rawHeaders: readonly (readonly [string, string])[];
  /** Raw query string without `?`. */
  readonly rawQuery: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly sourceIp: string;
  readonly userAgent?: string;
  readonly requestTimeEpoch: number;
  readonly api: { readonly id: string; readonly stage: string; readonly account: string; readonly domainName: string; readonly resourceId: string };
}

/**
 * A REST API REQUEST authorizer event exactly as API Gateway shapes it: `headers` keeps the last
 * value of a repeated header, `multiValueHeaders` all of them; query strings likewise; empty maps
 * are `null`; `requestContext.path` carries the stage prefix; `clientCert` is null without mTLS.
 */
export function authorizerEvent(request: AuthorizerRequest): APIGatewayRequestAuthorizerEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  // A repeated header keeps the spelling of its first occurrence.
  const spelling = new Map<string, string>();
  for (const [name, value] of request.rawHeaders) {
    const lower = name.toLowerCase();
    let existing = spelling.get(lower);
    if (existing === undefined) { existing = name; spelling.set(lower, name); }
    (multiValueHeaders[existing] ??= []).push(value);
    headers[existing] = value;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  let hasQuery = false;
  if (request.rawQuery) {
    for (const [name, value] of new URLSearchParams(request.rawQuery)) {
      (multiQuery[name] ??= []).push(value);
      query[name] = value;
      hasQuery = true;
    }
  }
  const hasPath = Object.keys(request.pathParameters).length > 0;
  const { api } = request;
  return {
    type: 'REQUEST',
    methodArn: request.methodArn,
    resource: request.resourcePath,
    path: request.path,
    httpMethod: request.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: hasPath ? { ...request.pathParameters } : null,
    stageVariables: null,
    requestContext: {
      accountId: api.account,
      apiId: api.id,
      authorizer: undefined,
      domainName: api.domainName,
      domainPrefix: api.domainName.split('.')[0],
      extendedRequestId: request.requestId,
      httpMethod: request.httpMethod,
      identity: {
        accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, clientCert: null,
        cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null,
        cognitoIdentityPoolId: null, principalOrgId: null, sourceIp: request.sourceIp, user: null,
        userAgent: request.userAgent ?? null, userArn: null,
      },
      path: `/${api.stage}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: request.requestId,
      requestTime: formatRequestTime(request.requestTimeEpoch),
      requestTimeEpoch: request.requestTimeEpoch,
      resourceId: api.resourceId,
      resourcePath: request.resourcePath,
      stage: api.stage,
    },
  } as APIGatewayRequestAuthorizerEvent;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let lastSecond = NaN;
let lastFormatted = '';
/** `09/Apr/2015:12:34:56 +0000`, API Gateway's requestTime format (one string per second). */
function formatRequestTime(epoch: number): string {
  const second = Math.floor(epoch / 1000);
  if (second !== lastSecond) { lastSecond = second; lastFormatted = formatSecond(epoch); }
  return lastFormatted;
}

function formatSecond(epoch: number): string {
  const d = new Date(epoch);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
