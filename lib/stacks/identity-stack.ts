import { CfnOutput, Stack } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { acknowledge } from '../compliance/nag';
import { AppClients } from '../constructs/identity-app-clients';
import { Federation } from '../constructs/identity-federation';
import { GatewayUserPool } from '../constructs/identity-user-pool';
import type { GatewayStackProps } from './gateway-stack-props';
import { resourcePrefix } from '../contract/resource-names';

/**
 * Cognito user pool, resource servers, clients and federation, as configured.
 *
 * Without `identity.cognito` the stack is empty. That is deliberate: the CDK CLI skips an empty
 * stack on deploy (and deletes a previously deployed one; the pool itself is retained because it
 * has deletion protection and a RETAIN policy), so no placeholder resource is needed. Deploying
 * the template with raw CloudFormation (or a pipeline action) would need one.
 */
export class IdentityStack extends Stack {
  /** Undefined when identity.cognito is not configured. */
  public readonly userPool?: cognito.IUserPool;
  /** Cognito app client name (from the config) -> client id. */
  public readonly clientIds: Readonly<Record<string, string>> = {};
  /** Hosted domain (`<domain_prefix>.auth.<region>.amazoncognito.com`); undefined without domain_prefix. */
  public readonly userPoolDomain?: cognito.IUserPoolDomain;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const { config } = props.gateway;
    const settings = config.identity.cognito;
    if (!settings) {
      acknowledge(this, { id: 'CloudFormation-Validate::F0001', reason: 'identity.cognito is not configured, so this stack is intentionally empty; the CDK CLI skips deploying an empty stack (and deletes a previously deployed one, whose user pool is retained).' });
      return;
    }

    const pool = new GatewayUserPool(this, 'Users', {
      cognito: settings,
      userPoolName: resourcePrefix(props.gateway),
      // Unique per region across all accounts: environments sharing a region override it.
      domainPrefix: settings.domain_prefix,
      strongAuthentication: props.gateway.profile.strongAuthentication,
    });
    this.userPool = pool.userPool;
    this.userPoolDomain = pool.domain;

    const federation = new Federation(this, 'Federation', { userPool: pool.userPool, federation: settings.federation });
    const clients = new AppClients(this, 'Clients', {
      userPool: pool.userPool,
      machineClients: settings.machine_clients,
      publicClients: settings.public_clients,
      resourceServerScopes: pool.scopes,
      identityProviders: federation.providers,
    });
    this.clientIds = Object.fromEntries([...clients.clients].map(([client, c]) => [client, c.userPoolClientId]));

    new CfnOutput(this, 'UserPoolId', { value: pool.userPool.userPoolId, description: 'Cognito user pool of the gateway' });
    if (pool.domain) {
      new CfnOutput(this, 'TokenEndpoint', { value: `${pool.domain.baseUrl()}/oauth2/token`, description: 'OAuth 2.0 token endpoint (client credentials, code exchange)' });
    }
  }
}
