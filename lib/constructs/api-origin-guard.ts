import { ArnFormat, SecretValue, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { ORIGIN_VERIFY_HEADER, VIEWER_FUNCTION_HEADERS } from '../contract/headers';
import { wafRedactedFields } from './web-acl';
import type { ApiLogGroups } from './api-log-groups';
import { allowedContentTypePattern, repeatedQueryParameterPattern, WAF_BODY } from '../contract/request-checks';
import { BODY_METHODS } from '../contract/route-table';
import { contentLengthOver } from '../contract/edge-waf-rules';


export interface ApiOriginGuardProps {
  readonly prefix: string;
  readonly stage: apigw.Stage;
  /** Secrets Manager name of the origin-verify value (replicated into this region by the edge stack). */
  readonly originVerifySecretName: string;
  /** `security.allowed_content_types`. */
  readonly allowedContentTypes: readonly string[];
  /** Query parameters some method's stage cache is keyed on: each may appear once per request. */
  readonly cacheKeyQueries?: readonly string[];
  readonly logGroups: ApiLogGroups;
  /**
   * `domains.mtls`: the regional custom domain mTLS clients call directly (CloudFront cannot pass
   * a client certificate through). Its requests need no origin-verify header, the TLS handshake
   * authenticates them, but may not carry the headers only CloudFront sets.
   */
  readonly mtlsDomain?: string;
  /** `security.max_body_bytes`: enforced here for the mTLS domain, whose requests skip the edge web ACL. */
  readonly maxBodyBytes?: number;
  /** `identity.api_keys.header`: redacted from the web ACL's logs with the other credentials. */
  readonly apiKeyHeader: string;
}

/**
 * The REGIONAL web ACL on the stage. It blocks every request without CloudFront's origin-verify
 * header value (read from Secrets Manager by a CloudFormation dynamic reference, never written
 * into the template), so the API cannot be called around CloudFront and its edge web ACL, except
 * on the mTLS domain, whose clients must call it directly and may not send CloudFront's headers. It
 * also answers 415 to a request with a body whose Content-Type is not allowed: API Gateway's
 * proxy integrations pass any content type through, and request models only validate the types
 * they are keyed by. Everything else is allowed here (the edge web ACL does the filtering).
 */
export class ApiOriginGuard extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  /** The web ACL's log group (`aws-waf-logs-<prefix>-api`): request data, so the audit stack protects it. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: ApiOriginGuardProps) {
    super(scope, id);
    const visibility = (metric: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${props.prefix}-${metric}` });
    const originVerifyValue = SecretValue.secretsManager(props.originVerifySecretName).unsafeUnwrap();
    const mtlsHost: wafv2.CfnWebACL.StatementProperty | undefined = props.mtlsDomain ? { byteMatchStatement: {
      fieldToMatch: { singleHeader: { Name: 'host' } }, positionalConstraint: 'EXACTLY', searchString: props.mtlsDomain.toLowerCase(),
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    } } : undefined;
    /** `statement`, except for requests to the mTLS domain. */
    const withoutMtlsDomain = (statement: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.StatementProperty => (mtlsHost
      ? { andStatement: { statements: [statement, { notStatement: { statement: mtlsHost } }] } }
      : statement);

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.prefix}-api-origin-guard`,
      description: 'Regional API stage - only CloudFront with the origin-verify header may call, allowed content types only',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('api-origin-guard'),
      customResponseBodies: {
        Forbidden: { contentType: 'APPLICATION_JSON', content: JSON.stringify({ message: 'Forbidden', code: 'forbidden' }) },
        UnsupportedMediaType: { contentType: 'APPLICATION_JSON', content: JSON.stringify(WAF_BODY.unsupportedMediaType) },
        RepeatedParameter: { contentType: 'APPLICATION_JSON', content: JSON.stringify(WAF_BODY.repeatedParameter) },
        ...(props.mtlsDomain && props.maxBodyBytes ? { TooLarge: { contentType: 'APPLICATION_JSON' as const, content: JSON.stringify(WAF_BODY.tooLarge(props.maxBodyBytes)) } } : {}),
      },
      rules: [
        {
          name: 'RequireOriginVerify',
          priority: 0,
          action: { block: { customResponse: { responseCode: 403, customResponseBodyKey: 'Forbidden' } } },
          visibilityConfig: visibility('origin-verify-missing'),
          statement: withoutMtlsDomain({
            notStatement: {
              statement: {
                byteMatchStatement: {
                  fieldToMatch: { singleHeader: { Name: ORIGIN_VERIFY_HEADER.toLowerCase() } },
                  positionalConstraint: 'EXACTLY',
                  searchString: originVerifyValue,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          }),
        },
        ...(mtlsHost ? [{
          // On the mTLS domain a client could otherwise choose the client IP the authorizer checks
          // allowlists against and the host it matches tenants with (CloudFront overwrites both).
          name: 'MtlsDomainNoEdgeHeaders',
          priority: 2,
          action: { block: { customResponse: { responseCode: 403, customResponseBodyKey: 'Forbidden' } } },
          visibilityConfig: visibility('mtls-edge-headers'),
          statement: { andStatement: { statements: [
            mtlsHost,
            { orStatement: { statements: VIEWER_FUNCTION_HEADERS.map((name) => ({ sizeConstraintStatement: {
              fieldToMatch: { singleHeader: { Name: name.toLowerCase() } }, comparisonOperator: 'GT', size: 0, textTransformations: [{ priority: 0, type: 'NONE' }],
            } })) } },
          ] } },
        }] : []),
        ...(mtlsHost && props.maxBodyBytes ? [{
          // The edge web ACL's MaxBodySize does not see the mTLS domain's requests.
          name: 'MtlsDomainMaxBodySize',
          priority: 4,
          action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: 'TooLarge' } } },
          visibilityConfig: visibility('mtls-body-size'),
          statement: { andStatement: { statements: [mtlsHost, contentLengthOver(props.maxBodyBytes)] } },
        }] : []),
        ...(props.cacheKeyQueries?.length ? [{
          // lib/contract/request-checks.ts repeatedQueryParameterPattern: no stage-cache poisoning by
          // a parameter whose first value the upstream reads and whose last value keys the cache.
          name: 'RepeatedCacheKeyParameter',
          priority: 3,
          action: { block: { customResponse: { responseCode: 400, customResponseBodyKey: 'RepeatedParameter' } } },
          visibilityConfig: visibility('repeated-cache-key'),
          statement: oneOf(props.cacheKeyQueries.map((param) => ({ regexMatchStatement: {
            fieldToMatch: { queryString: {} },
            regexString: repeatedQueryParameterPattern(param),
            textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
          } }))),
        }] : []),
        {
          name: 'AllowedContentTypes',
          priority: 1,
          action: { block: { customResponse: { responseCode: 415, customResponseBodyKey: 'UnsupportedMediaType' } } },
          visibilityConfig: visibility('content-type-rejected'),
          statement: { andStatement: { statements: [
            oneOf(BODY_METHODS.map((m) => ({ byteMatchStatement: {
              fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: m, textTransformations: [{ priority: 0, type: 'NONE' }],
            } }))),
            // A body-less POST (Content-Length 0) needs no content type.
            { sizeConstraintStatement: { fieldToMatch: { body: { oversizeHandling: 'MATCH' } }, comparisonOperator: 'GT', size: 0, textTransformations: [{ priority: 0, type: 'NONE' }] } },
            // The media type exactly (parameters allowed), never a prefix: lib/contract/request-checks.ts.
            { notStatement: { statement: { regexMatchStatement: {
              fieldToMatch: { singleHeader: { Name: 'content-type' } },
              regexString: allowedContentTypePattern(props.allowedContentTypes),
              textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
            } } } },
          ] } },
        },
      ],
    });

    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF requires the destination name to start with aws-waf-logs-.
    const logGroup = props.logGroups.logGroup('WafLogs', `aws-waf-logs-${props.prefix}-api`);
    // WAF wants the log group ARN without the `:*` suffix of LogGroup.logGroupArn.
    const destination = Stack.of(this).formatArn({
      service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [destination],
      redactedFields: wafRedactedFields(props.apiKeyHeader),
    });
    this.logGroup = logGroup;
  }
}

/** WAF rejects an OR with one statement. */
function oneOf(statements: wafv2.CfnWebACL.StatementProperty[]): wafv2.CfnWebACL.StatementProperty {
  return statements.length === 1 ? statements[0] : { orStatement: { statements } };
}
