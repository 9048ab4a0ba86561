import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { GatewayStackProps } from './gateway-stack-props';

export interface EdgeStackProps extends GatewayStackProps {
  /** Region of the REST API: the origin-verify secret is replicated there. */
  readonly apiRegion: string;
}

/** us-east-1: the CLOUDFRONT-scope WAF web ACL, its logging, the origin-verify secret. */
export class EdgeStack extends Stack {
  public readonly webAclArn: string;
  /** Secrets Manager name of the origin-verify header value (same name in the API region). */
  public readonly originVerifySecretName: string;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    this.originVerifySecretName = `${props.gateway.config.name}/${props.gateway.name}/origin-verify`;
    this.webAclArn = 'TODO';
  }
}
