import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { CLIENT_IP_HEADER } from '../../lib/contract/headers';
import { REASON } from '../../lib/contract/authorizer-context';
import { AuthenticationError } from './errors';

/** What the authorizer reads from an API Gateway REST REQUEST authorizer event, normalised. */
export interface RequestFacts {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** Lower-case header name -> values (multiValueHeaders when present). */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly sourceIp?: string;
  /**
   * The caller's IP: CLIENT_IP_HEADER, which CloudFront sets from the viewer's address and the
   * regional web ACL guarantees (requests that bypass CloudFront are blocked), else sourceIp.
   */
  readonly clientIp?: string;
  /**
   * The mTLS client certificate. `issuerDN` is the issuing CA, part of the certificate's identity
   * (several CAs may share the truststore); it is undefined when the event lacks it, and such a
   * certificate is refused.
   */
  readonly clientCert?: {
    readonly subjectDN: string; readonly issuerDN?: string; readonly serialNumber: string; readonly notBefore: string; readonly notAfter: string;
  };
  /** `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/*\/*`: covers the whole API. */
  readonly apiResourceArn: string;
}

const MAX_HEADER_VALUE = 16 * 1024;
const CLIENT_IP = CLIENT_IP_HEADER.toLowerCase();
const METHOD_ARN = /^arn:(aws[\w-]*):execute-api:([a-z0-9-]+):(\d{12}):([a-z0-9]+)\/([\w-]+)\//;

/** Throws {@link AuthenticationError} (`malformed_event`) when the event is not a REQUEST event. */
export function readRequest(event: APIGatewayRequestAuthorizerEvent): RequestFacts {
  if (typeof event !== 'object' || event === null) throw malformed('event is not an object');
  const arn = typeof event.methodArn === 'string' ? METHOD_ARN.exec(event.methodArn) : null;
  if (!arn) throw malformed('methodArn');
  if (typeof event.httpMethod !== 'string' || typeof event.path !== 'string') throw malformed('httpMethod/path');
  const headers: Record<string, string[]> = Object.create(null);
  const multi = isRecord(event.multiValueHeaders) ? event.multiValueHeaders : undefined;
  if (multi) {
    for (const name of Object.keys(multi)) {
      const values: unknown = multi[name];
      if (!Array.isArray(values)) continue;
      for (const value of values) addHeader(headers, name, value);
    }
  } else if (isRecord(event.headers)) {
    for (const name of Object.keys(event.headers)) addHeader(headers, name, event.headers[name]);
  }
  const ctx = isRecord(event.requestContext) ? event.requestContext : undefined;
  const identity = ctx && isRecord(ctx.identity) ? ctx.identity : undefined;
  const cert = identity && isRecord(identity.clientCert) ? identity.clientCert : undefined;
  const validity = cert && isRecord(cert.validity) ? cert.validity : undefined;
  return {
    requestId: typeof ctx?.requestId === 'string' ? ctx.requestId : '',
    method: event.httpMethod.toUpperCase(),
    path: event.path,
    headers,
    sourceIp: typeof identity?.sourceIp === 'string' ? identity.sourceIp : undefined,
    // An empty header counts as absent (the mTLS domain's web ACL refuses only non-empty ones).
    clientIp: headers[CLIENT_IP]?.length === 1 && headers[CLIENT_IP][0] !== ''
      ? headers[CLIENT_IP][0]
      : typeof identity?.sourceIp === 'string' ? identity.sourceIp : undefined,
    clientCert: cert && typeof cert.subjectDN === 'string' && typeof cert.serialNumber === 'string'
      ? {
        subjectDN: cert.subjectDN, issuerDN: typeof cert.issuerDN === 'string' && cert.issuerDN.length > 0 ? cert.issuerDN : undefined,
        serialNumber: cert.serialNumber, notBefore: String(validity?.notBefore ?? ''), notAfter: String(validity?.notAfter ?? ''),
      }
      : undefined,
    apiResourceArn: `arn:${arn[1]}:execute-api:${arn[2]}:${arn[3]}:${arn[4]}/${arn[5]}/*/*`,
  };
}

/** The single value of a header, undefined when absent or repeated (ambiguous credentials are refused). */
export function singleHeader(facts: RequestFacts, name: string): string | undefined {
  const values = facts.headers[name.toLowerCase()];
  return values && values.length === 1 ? values[0] : undefined;
}

/**
 * Lower-case header names seen before: the same few dozen names arrive on every request. Bounded,
 * so names invented by clients cannot grow it without limit.
 */
const LOWER_CASE_NAMES = new Map<string, string>();
const MAX_CACHED_NAMES = 512;

function lowerCaseName(name: string): string {
  let lower = LOWER_CASE_NAMES.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (LOWER_CASE_NAMES.size < MAX_CACHED_NAMES && name.length <= 64) LOWER_CASE_NAMES.set(name, lower);
  }
  return lower;
}

/** Adds a string value under the lower-case name; other types and oversized values are dropped. */
function addHeader(headers: Record<string, string[]>, name: string, value: unknown): void {
  if (typeof value !== 'string' || value.length > MAX_HEADER_VALUE) return;
  const key = lowerCaseName(name);
  const values = headers[key];
  if (values) values.push(value);
  else headers[key] = [value];
}

function isRecord(v: unknown): v is Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function malformed(what: string): AuthenticationError {
  return new AuthenticationError(REASON.malformedEvent, `not a REST REQUEST authorizer event: ${what}`);
}
