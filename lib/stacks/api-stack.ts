import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DataStack } from './data-stack';
import type { GatewayStackProps } from './gateway-stack-props';
import type { IdentityStack } from './identity-stack';
import type { NetworkStack } from './network-stack';

export interface ApiStackProps extends GatewayStackProps {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly identity: IdentityStack;
  readonly originVerifySecretName: string;
}

/** The regional REST API: routes, authorizer, usage plans, gateway responses, stage, domains. */
export class ApiStack extends Stack {
  /** Host name CloudFront uses as its origin. */
  public readonly originDomainName: string;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.originDomainName = 'TODO';
  }
}
