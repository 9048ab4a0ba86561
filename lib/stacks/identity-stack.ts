import { Stack } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { GatewayStackProps } from './gateway-stack-props';

/** Cognito user pool, resource servers, clients and federation, as configured. */
export class IdentityStack extends Stack {
  /** Undefined when identity.cognito is not configured. */
  public readonly userPool?: cognito.IUserPool;
  /** Cognito app client name (from the config) -> client id. */
  public readonly clientIds: Readonly<Record<string, string>> = {};

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
  }
}
