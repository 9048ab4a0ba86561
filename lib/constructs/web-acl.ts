import { ArnFormat, Stack, aws_kms as kms, aws_logs as logs, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { GatewayConfig } from '../config/schema';
import { planEdgeRules, RESPONSE_BODY } from '../contract/edge-waf-rules';
import { LOG_GROUP_REMOVAL } from './api-log-groups';
import { credentialHeaders } from '../contract/headers';
import { refusalBody } from '../contract/refusals';
import { edgeWebAclBodies } from '../contract/web-acl-bodies';

export interface EdgeWebAclProps {
  /** Web ACL name; also the suffix of the log group name `aws-waf-logs-<name>`. */
  readonly name: string;
  readonly config: GatewayConfig;
  /** Log retention in days (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /**
   * Customer-managed key for the WAF log group.
   * @default - CloudWatch Logs' service-owned encryption
   */
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * The CLOUDFRONT-scope web ACL (rules from `planEdgeRules`) with its CloudWatch Logs logging.
 *
 * Blocks by our own rules answer with a JSON body like the gateway's errors. Blocks by AWS
 * managed rule groups keep WAF's default 403: WAF has no ACL-wide custom response for them, and
 * overriding every managed rule by name breaks silently whenever AWS adds or renames one.
 */
export class EdgeWebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly logGroup: logs.LogGroup;
  /** Estimated web ACL capacity units (at most WCU_LIMIT, lib/config/aws-limits.ts). */
  public readonly wcu: number;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    const { config } = props;
    // The loader holds the plan to WAF's capacity (lib/checks/edge-limits.ts).
    const plan = planEdgeRules(config);
    this.wcu = plan.wcu;

    const bodies = edgeWebAclBodies(config);
    const json = (key: keyof typeof bodies) => ({ contentType: 'APPLICATION_JSON', content: refusalBody(bodies[key]) });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'CLOUDFRONT',
      description: `Edge protection of the ${config.name} API, CloudFront scope`,
      defaultAction: { allow: {} },
      rules: plan.rules,
      customResponseBodies: {
        [RESPONSE_BODY.geo]: json('geo'),
        [RESPONSE_BODY.tooLarge]: json('tooLarge'),
        [RESPONSE_BODY.rateLimited]: json('rateLimited'),
      },
      // See bodySizeStatement: the limit is chosen to cover security.max_body_bytes.
      associationConfig: { requestBody: { CLOUDFRONT: { defaultSizeInspectionLimit: plan.bodyInspectionLimit } } },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: props.name },
    });

    // WAF only logs to destinations named aws-waf-logs-*; it adds the log group's resource
    // policy for delivery.logs.amazonaws.com itself when logging is configured.
    const logGroupName = `aws-waf-logs-${props.name}`;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      retention: props.logRetentionDays as logs.RetentionDays,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: LOG_GROUP_REMOVAL,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [wafLogGroupArn(this, props.name)],
      redactedFields: wafRedactedFields(config.identity.api_keys.header),
    });
    logging.node.addDependency(this.logGroup);
  }
}

/** The WAF log group's ARN without the trailing `:*` that LogGroup.logGroupArn carries (WAF rejects it). */
export function wafLogGroupArn(scope: Construct, aclName: string): string {
  return Stack.of(scope).formatArn({
    service: 'logs', resource: 'log-group', resourceName: `aws-waf-logs-${aclName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** Credentials never reach a WAF log (edge or regional): Authorization, the API key header, cookies, the origin secret. */
export function wafRedactedFields(apiKeyHeader: string): wafv2.CfnLoggingConfiguration.FieldToMatchProperty[] {
  return credentialHeaders(apiKeyHeader).map((name) => ({ singleHeader: { Name: name } }));
}
