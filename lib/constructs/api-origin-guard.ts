import { ArnFormat, SecretValue, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { wafRedactedFields } from './web-acl';
import type { ApiLogGroups } from './api-log-groups';
import { requestChecks, type RequestCheck, type RequestCheckRule } from '../contract/request-checks';
import { refusalBody } from '../contract/refusals';
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
  readonly maxBodyBytes: number;
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

    const checks = requestChecks({
      maxBodyBytes: props.maxBodyBytes,
      allowedContentTypes: props.allowedContentTypes,
      cacheKeyQueries: props.cacheKeyQueries ?? [],
      mtlsDomain: mtlsHost !== undefined,
    }).filter((check) => check.scope === 'regional');
    const statement = (check: RequestCheck): wafv2.CfnWebACL.StatementProperty | undefined => {
      switch (check.rule) {
        case 'RequireOriginVerify': return withoutMtlsDomain(originVerifyMissing(check.header, originVerifyValue));
        case 'AllowedContentTypes': return contentTypeNotAllowed(check.methods, check.contentTypePattern);
        // WAF refuses an empty OR: with no cache-keyed parameter there is nothing to block.
        case 'RepeatedCacheKeyParameter': return check.patterns.length > 0 ? oneOf(check.patterns.map(queryStringMatches)) : undefined;
        case 'MtlsDomainNoEdgeHeaders': return mtlsHost && { andStatement: { statements: [mtlsHost, oneOf(check.headers.map(headerPresent))] } };
        case 'MtlsDomainMaxBodySize': return mtlsHost && { andStatement: { statements: [mtlsHost, contentLengthOver(check.maxBodyBytes)] } };
        case 'MaxBodySize': return undefined; // the edge web ACL's rule
      }
    };
    const inTemplateOrder = [...checks].sort((a, b) => TEMPLATE_ORDER.indexOf(a.rule) - TEMPLATE_ORDER.indexOf(b.rule));
    const rules = inTemplateOrder.flatMap((check): wafv2.CfnWebACL.RuleProperty[] => {
      const matches = statement(check);
      return matches ? [{
        name: check.rule,
        priority: check.priority,
        action: { block: { customResponse: { responseCode: check.statusCode, customResponseBodyKey: check.bodyKey } } },
        visibilityConfig: visibility(METRIC_NAME[check.rule]),
        statement: matches,
      }] : [];
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.prefix}-api-origin-guard`,
      description: 'Regional API stage - only CloudFront with the origin-verify header may call, allowed content types only',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('api-origin-guard'),
      customResponseBodies: Object.fromEntries(checks.map((check) => [check.bodyKey, { contentType: 'APPLICATION_JSON', content: refusalBody(check.body) }])),
      rules,
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

type Statement = wafv2.CfnWebACL.StatementProperty;

/**
 * The order the template has always listed the rules in. WAF evaluates by priority, so the order
 * means nothing to it, but a reordered list is a WebACL update on every environment's next deploy.
 */
const TEMPLATE_ORDER: readonly RequestCheckRule[] = ['RequireOriginVerify', 'MtlsDomainNoEdgeHeaders', 'MtlsDomainMaxBodySize', 'RepeatedCacheKeyParameter', 'AllowedContentTypes'];

/** CloudWatch metric name of each rule (after the prefix): the names dashboards already read. */
const METRIC_NAME: Readonly<Record<RequestCheckRule, string>> = {
  // The edge web ACL's rule, never in this one; named as the edge names it.
  MaxBodySize: 'MaxBodySize',
  RequireOriginVerify: 'origin-verify-missing',
  AllowedContentTypes: 'content-type-rejected',
  MtlsDomainNoEdgeHeaders: 'mtls-edge-headers',
  RepeatedCacheKeyParameter: 'repeated-cache-key',
  MtlsDomainMaxBodySize: 'mtls-body-size',
};

/** The origin-verify header is missing or holds another value. */
function originVerifyMissing(header: string, value: string): Statement {
  return { notStatement: { statement: { byteMatchStatement: {
    fieldToMatch: { singleHeader: { Name: header.toLowerCase() } },
    positionalConstraint: 'EXACTLY',
    searchString: value,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  } } } };
}

/** A body method with a non-empty body whose Content-Type does not match `pattern` (lower-cased). */
function contentTypeNotAllowed(methods: readonly string[], pattern: string): Statement {
  return { andStatement: { statements: [
    oneOf(methods.map((m) => ({ byteMatchStatement: {
      fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: m, textTransformations: [{ priority: 0, type: 'NONE' }],
    } }))),
    // A body-less POST (Content-Length 0) needs no content type.
    { sizeConstraintStatement: { fieldToMatch: { body: { oversizeHandling: 'MATCH' } }, comparisonOperator: 'GT', size: 0, textTransformations: [{ priority: 0, type: 'NONE' }] } },
    // The media type exactly (parameters allowed), never a prefix: lib/contract/request-checks.ts.
    { notStatement: { statement: { regexMatchStatement: {
      fieldToMatch: { singleHeader: { Name: 'content-type' } },
      regexString: pattern,
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    } } } },
  ] } };
}

/** The URL-decoded query string matches `pattern` (lib/contract/request-checks.ts repeatedQueryParameterPattern). */
function queryStringMatches(pattern: string): Statement {
  return { regexMatchStatement: { fieldToMatch: { queryString: {} }, regexString: pattern, textTransformations: [{ priority: 0, type: 'URL_DECODE' }] } };
}

/** The request carries `header` with any value. */
function headerPresent(header: string): Statement {
  return { sizeConstraintStatement: {
    fieldToMatch: { singleHeader: { Name: header.toLowerCase() } }, comparisonOperator: 'GT', size: 0, textTransformations: [{ priority: 0, type: 'NONE' }],
  } };
}

/** WAF rejects an OR with one statement. */
function oneOf(statements: Statement[]): Statement {
  return statements.length === 1 ? statements[0] : { orStatement: { statements } };
}
