import { Stack, aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CLIENT_IP_HEADER, FORWARDED_HOST_HEADER } from '../contract/headers';

/**
 * Viewer-request code (CloudFront Functions, JS 2.0): copies the viewer's Host into
 * FORWARDED_HOST_HEADER. The origin request drops Host (API Gateway needs its own), so this
 * header is how the authorizer sees which tenant host was called. Whatever the client sent in
 * that header is overwritten, or removed when there is no Host, so it cannot be spoofed.
 * It also sets CLIENT_IP_HEADER from the viewer's IP (always overwritten): behind CloudFront,
 * API Gateway's sourceIp is an edge address, and IP allowlists need the caller's.
 */
export function forwardedHostFunctionCode(header = FORWARDED_HOST_HEADER, clientIpHeader = CLIENT_IP_HEADER): string {
  const name = JSON.stringify(header.toLowerCase());
  const ip = JSON.stringify(clientIpHeader.toLowerCase());
  return [
    'function handler(event) {',
    '  var request = event.request;',
    '  var host = request.headers.host;',
    `  if (host && host.value) { request.headers[${name}] = { value: host.value }; }`,
    `  else { delete request.headers[${name}]; }`,
    `  request.headers[${ip}] = { value: event.viewer.ip };`,
    '  return request;',
    '}',
  ].join('\n');
}

/** The viewer-request CloudFront Function that sets FORWARDED_HOST_HEADER from Host. */
export class ForwardedHostFunction extends cloudfront.Function {
  /**
   * Function names are unique per account; the construct path (environment/Cdn/...) is the same
   * for every gateway, so the name starts with the stack name (`<name>-<env>-cdn`).
   */
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      functionName: `${Stack.of(scope).stackName}-fwd-host`,
      comment: `Sets ${FORWARDED_HOST_HEADER} and ${CLIENT_IP_HEADER} from the viewer`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(forwardedHostFunctionCode()),
    });
  }
}
