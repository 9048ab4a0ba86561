import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { GatewayStackProps } from './gateway-stack-props';

export interface CdnStackProps extends GatewayStackProps {
  readonly webAclArn: string;
  readonly originDomainName: string;
  readonly originVerifySecretName: string;
}

/** us-east-1: CloudFront distribution, cache and header policies, Shield Advanced protection. */
export class CdnStack extends Stack {
  constructor(scope: Construct, id: string, props: CdnStackProps) {
    super(scope, id, props);
  }
}
