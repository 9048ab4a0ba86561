import { CfnOutput, Stack } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { acknowledge } from '../compliance/nag';
import { environmentRegions } from '../config/regions';
import { AppClients } from '../constructs/identity-app-clients';
import { Federation } from '../constructs/identity-federation';
import { UserPoolReplicaActivation } from '../constructs/identity-replica';
import { GatewayUserPool, type CognitoConfig, type UserPoolReplication } from '../constructs/identity-user-pool';
import type { GatewayStackProps } from './gateway-stack-props';
import { cognitoIssuerType } from '../contract/issuers';
import { resourcePrefix } from '../contract/resource-names';

export interface IdentityStackProps extends GatewayStackProps {
  /**
   * 2 or more regions with `identity.cognito.multi_region: replicate` (the default): ARN of the
   * multi-Region customer-managed KMS key in the primary region (the Keys stack). Required then:
   * Cognito refuses to replicate a pool without one. Ignored otherwise.
   */
  readonly userPoolKeyArn?: string;
  /**
   * 2 or more regions with `replicate` and a `domain_prefix`: id of the Route 53 health check of
   * the primary region (the Health stack); the hosted domain (token endpoint, managed login)
   * routes to regions[1] while it is unhealthy.
   * @default the hosted domain stays in the primary region
   */
  readonly failoverHealthCheckId?: string;
}

/**
 * Cognito user pool, resource servers, clients and federation, as configured.
 *
 * Without `identity.cognito` the stack is empty. That is deliberate: the CDK CLI skips an empty
 * stack on deploy (and deletes a previously deployed one; the pool itself is retained because it
 * has deletion protection and a RETAIN policy), so no placeholder resource is needed. Deploying
 * the template with raw CloudFormation (or a pipeline action) would need one.
 *
 * Multi-region environments (decision 0026) have one pool, in the primary region: its tokens
 * carry the UPDATED issuer, the same in every region, and with `replicate` Cognito copies it to
 * regions[1] (key, replica, domain failover; the replica's activation is
 * {@link IdentityReplicaStack}). Every region's authorizer verifies this pool's tokens. With
 * `primary_only` there is no replica: tokens already issued verify everywhere until they expire
 * (each authorizer keeps the keys it loaded), but new tokens are issued only while the primary
 * region is up. Adding the issuer and key configuration to a deployed pool updates it in place
 * (CloudFormation: "Update requires: No interruption" for both); the pool keeps its logical id.
 */
export class IdentityStack extends Stack {
  /** Undefined when identity.cognito is not configured. */
  public readonly userPool?: cognito.IUserPool;
  /** Cognito app client name (from the config) -> client id. */
  public readonly clientIds: Readonly<Record<string, string>> = {};
  /** Hosted domain (`<domain_prefix>.auth.<region>.amazoncognito.com`); undefined without domain_prefix. */
  public readonly userPoolDomain?: cognito.IUserPoolDomain;

  constructor(scope: Construct, id: string, props: IdentityStackProps) {
    super(scope, id, props);
    const { config } = props.gateway;
    const settings = config.identity.cognito;
    if (!settings) {
      acknowledge(this, { id: 'CloudFormation-Validate::F0001', reason: 'identity.cognito is not configured, so this stack is intentionally empty; the CDK CLI skips deploying an empty stack (and deletes a previously deployed one, whose user pool is retained).' });
      return;
    }

    const issuerType = cognitoIssuerType(props.gateway.env);
    const pool = new GatewayUserPool(this, 'Users', {
      cognito: settings,
      userPoolName: resourcePrefix(props.gateway),
      // Unique per region across all accounts: environments sharing a region override it.
      domainPrefix: settings.domain_prefix,
      strongAuthentication: props.gateway.profile.strongAuthentication,
      // Cognito's default stays unwritten: a one-region template is exactly what was deployed.
      issuerType: issuerType === 'ORIGINAL' ? undefined : issuerType,
      replication: replicationOf(settings, environmentRegions(props.gateway.env), props),
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

/**
 * Cognito multi-Region replication to regions[1] (one secondary per pool; regions[2..] only
 * verify tokens) when the environment has 2 or more regions and `multi_region` is `replicate`.
 */
function replicationOf(settings: CognitoConfig, regions: readonly string[], props: IdentityStackProps): UserPoolReplication | undefined {
  if (props.gateway.env.region !== regions[0]) {
    throw new Error(`invariant: the identity stack of ${props.gateway.name} was built for ${props.gateway.env.region}, but the user pool lives in the primary region ${regions[0]} (a secondary region has at most an IdentityReplicaStack)`);
  }
  if (regions.length < 2 || settings.multi_region !== 'replicate') return undefined;
  if (!props.userPoolKeyArn) {
    throw new Error(`invariant: identity.cognito.multi_region is "replicate" with regions ${regions.join(', ')}, but the identity stack got no userPoolKeyArn (the stage passes the Keys stack's multi-Region key; Cognito refuses to replicate a pool without one)`);
  }
  return { region: regions[1], kmsKeyArn: props.userPoolKeyArn, domainFailoverHealthCheckId: props.failoverHealthCheckId };
}

export interface IdentityReplicaStackProps extends GatewayStackProps {
  /** The primary's user pool id (the replica shares it). */
  readonly userPoolId: string;
}

/**
 * The user pool's replica, in regions[1] (with `replicate` only): Cognito creates a replica
 * INACTIVE, "not accepting requests for end-users", and only a resource in the replica's own
 * region activates it ({@link UserPoolReplicaActivation}). Deploys after the primary's Identity
 * stack (the replica must exist). The region's Api stack still takes the primary's pool id and
 * client ids: the replica has the same ones.
 */
export class IdentityReplicaStack extends Stack {
  constructor(scope: Construct, id: string, props: IdentityReplicaStackProps) {
    super(scope, id, props);
    new UserPoolReplicaActivation(this, 'Replica', { userPoolId: props.userPoolId });
  }
}
