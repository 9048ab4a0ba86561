import { Stack, aws_kms as kms, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { acknowledge } from '../compliance/nag';
import { allowCloudWatchLogsToUseKey } from '../constructs/cloudwatch-logs-key';
import { EdgeWebAcl, wafLogGroupArn } from '../constructs/web-acl';
import type { GatewayStackProps } from './gateway-stack-props';
import { resourcePrefix } from '../contract/resource-names';

export interface EdgeStackProps extends GatewayStackProps {
  /** Regions of the REST API: the origin-verify secret is replicated to each (but us-east-1). */
  readonly apiRegions: readonly string[];
}

/**
 * us-east-1: the CLOUDFRONT-scope WAF web ACL, its logging, the origin-verify secret.
 *
 * Shield Advanced protects the distribution, which lives in the CDN stack, so its
 * AWS::Shield::Protection is created there (see CdnStack), not here.
 */
export class EdgeStack extends Stack {
  public readonly webAclArn: string;
  /** Secrets Manager name of the origin-verify header value (same name in the API region). */
  public readonly originVerifySecretName: string;
  public readonly webAcl: EdgeWebAcl;
  public readonly originVerifySecret: secretsmanager.Secret;
  /** Customer-managed key of the WAF logs and the secret, when the compliance profile asks for one. */
  public readonly key?: kms.Key;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { gateway } = props;
    const prefix = resourcePrefix(gateway);
    this.originVerifySecretName = `${gateway.config.name}/${gateway.name}/origin-verify`;

    if (gateway.profile.customerManagedKeys) {
      this.key = new kms.Key(this, 'Key', {
        description: `${prefix} edge: WAF logs and the origin-verify secret`,
        enableKeyRotation: true,
      });
      // CloudWatch Logs encrypts with the key only for this log group (encryption context).
      allowCloudWatchLogsToUseKey(this.key, { logGroupArn: wafLogGroupArn(this, prefix) });
    }

    this.webAcl = new EdgeWebAcl(this, 'Waf', {
      name: prefix,
      config: gateway.config,
      logRetentionDays: gateway.profile.logRetentionDays,
      logEncryptionKey: this.key,
    });
    this.webAclArn = this.webAcl.webAcl.attrArn;

    // CloudFront sends this value in ORIGIN_VERIFY_HEADER; the regional web ACL of the API
    // rejects requests without it. The replica carries the same name in the API region; it is
    // encrypted with that region's aws/secretsmanager key (a CMK would have to live there).
    this.originVerifySecret = new secretsmanager.Secret(this, 'OriginVerify', {
      secretName: this.originVerifySecretName,
      description: `Value of the origin-verify header CloudFront adds for ${prefix}`,
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
      encryptionKey: this.key,
      replicaRegions: replicaRegions(props.apiRegions, this.region),
    });
    acknowledge(this.originVerifySecret,
      ...['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled'].map((id) => ({
        id,
        reason: 'CloudFront resolves the value into its origin config at deploy time and the regional web ACL compares it; '
          + 'a rotation Lambda would desynchronize them. Rotate by redeploying Edge, Api and Cdn together.',
      })));
  }
}

/** The secret is read in every API region; its primary lives here, so the others get replicas. */
function replicaRegions(apiRegions: readonly string[], here: string): Array<{ region: string }> | undefined {
  const others = apiRegions.filter((r) => r !== here);
  return others.length > 0 ? others.map((region) => ({ region })) : undefined;
}
