import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { COGNITO_ISSUER_NAME } from '../contract/issuers';
import type { CognitoConfig } from './identity-user-pool';

/** Scopes Cognito defines itself (usable without a resource server). */
const STANDARD_SCOPES: Record<string, cognito.OAuthScope> = {
  openid: cognito.OAuthScope.OPENID,
  email: cognito.OAuthScope.EMAIL,
  profile: cognito.OAuthScope.PROFILE,
  phone: cognito.OAuthScope.PHONE,
  'aws.cognito.signin.user.admin': cognito.OAuthScope.COGNITO_ADMIN,
};

export interface AppClientsProps {
  readonly userPool: cognito.UserPool;
  readonly machineClients: CognitoConfig['machine_clients'];
  readonly publicClients: CognitoConfig['public_clients'];
  /** `<resource server>/<scope>` -> scope, from the user pool construct. */
  readonly resourceServerScopes: ReadonlyMap<string, cognito.OAuthScope>;
  /** Federated providers by name, from the federation construct. */
  readonly identityProviders: ReadonlyMap<string, cognito.IUserPoolIdentityProvider>;
}

/**
 * App clients. Machine clients: confidential (with a secret), client credentials grant only.
 * Public clients (browser and mobile apps): no secret, authorization code grant only, so they
 * must use PKCE: Cognito checks the `code_verifier` against the `code_challenge` of the
 * authorization request. Cognito has no per-client switch that forces PKCE, so the client
 * libraries must send it (Amplify and openid-client do by default).
 */
export class AppClients extends Construct {
  /** Client name (from the config) -> app client. */
  public readonly clients: ReadonlyMap<string, cognito.UserPoolClient>;

  constructor(scope: Construct, id: string, props: AppClientsProps) {
    super(scope, id);
    const clients = new Map<string, cognito.UserPoolClient>();
    const scopes = (names: readonly string[]) => names.map((n) => props.resourceServerScopes.get(n) ?? STANDARD_SCOPES[n] ?? cognito.OAuthScope.custom(n));

    for (const machine of props.machineClients) {
      const validity = Duration.minutes(machine.access_token_minutes);
      clients.set(machine.name, props.userPool.addClient(`Machine-${machine.name}`, {
        userPoolClientName: machine.name,
        generateSecret: true,
        oAuth: { flows: { clientCredentials: true }, scopes: scopes(machine.scopes) },
        // Otherwise CDK lists every provider registered on the pool; machines never sign in through one.
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
        accessTokenValidity: validity,
        // Client credentials issue no ID or refresh token; Cognito still requires valid settings.
        idTokenValidity: validity,
        enableTokenRevocation: true,
        preventUserExistenceErrors: true,
      }));
    }

    for (const app of props.publicClients) {
      const client = props.userPool.addClient(`Public-${app.name}`, {
        userPoolClientName: app.name,
        generateSecret: false,
        authFlows: { userSrp: true },
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: scopes(app.scopes),
          callbackUrls: app.callback_urls,
          logoutUrls: app.logout_urls.length > 0 ? app.logout_urls : undefined,
        },
        supportedIdentityProviders: app.identity_providers.map((p) =>
          p === COGNITO_ISSUER_NAME ? cognito.UserPoolClientIdentityProvider.COGNITO : cognito.UserPoolClientIdentityProvider.custom(p)),
        accessTokenValidity: Duration.minutes(app.access_token_minutes),
        idTokenValidity: Duration.minutes(app.access_token_minutes),
        refreshTokenValidity: Duration.days(app.refresh_token_days),
        enableTokenRevocation: true,
        preventUserExistenceErrors: true,
      });
      // The provider must exist before a client can name it.
      for (const name of app.identity_providers) {
        const provider = props.identityProviders.get(name);
        if (provider) client.node.addDependency(provider);
      }
      clients.set(app.name, client);
    }
    this.clients = clients;
  }
}
