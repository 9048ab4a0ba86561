import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FORWARDED_HOST_HEADER } from '../gateway/headers';

/**
 * Viewer-request code (CloudFront Functions, JS 2.0): copies the viewer's Host into
 * FORWARDED_HOST_HEADER. The origin request drops Host (API Gateway needs its own), so this
 * header is how the authorizer sees which tenant host was called. Whatever the client sent in
 * that header is overwritten, or removed when there is no Host, so it cannot be spoofed.
 */
export function forwardedHostFunctionCode(header = FORWARDED_HOST_HEADER): string {
  const name = JSON.stringify(header.toLowerCase());
  return [
    'function handler(event) {',
    '  var request = event.request;',
    '  var host = request.headers.host;',
    `  if (host && host.value) { request.headers[${name}] = { value: host.value }; }`,
    `  else { delete request.headers[${name}]; }`,
    '  return request;',
    '}',
  ].join('\n');
}

/** The viewer-request CloudFront Function that sets FORWARDED_HOST_HEADER from Host. */
export class ForwardedHostFunction extends cloudfront.Function {
  /** The function name is generated from the construct path: names are global per account. */
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      comment: `Sets ${FORWARDED_HOST_HEADER} from the viewer Host`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(forwardedHostFunctionCode()),
    });
  }
}
