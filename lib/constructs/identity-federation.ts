import { SecretValue } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { SecretRefConfig } from '../config/schema';
import type { CognitoConfig } from './identity-user-pool';

export interface FederationProps {
  readonly userPool: cognito.IUserPool;
  readonly federation: CognitoConfig['federation'];
}

/**
 * SAML and OIDC identity providers of the user pool. The email claim is mapped so federated
 * users can be told apart. OIDC client secrets are CloudFormation dynamic references to Secrets
 * Manager, resolved at deploy time: the secret never appears in the template.
 */
export class Federation extends Construct {
  /** Provider name (from the config) -> provider, for the app clients' supported providers. */
  public readonly providers: ReadonlyMap<string, cognito.IUserPoolIdentityProvider>;

  constructor(scope: Construct, id: string, props: FederationProps) {
    super(scope, id);
    const providers = new Map<string, cognito.IUserPoolIdentityProvider>();
    const email = { email: cognito.ProviderAttribute.other('email') };

    for (const saml of props.federation.saml) {
      providers.set(saml.name, new cognito.UserPoolIdentityProviderSaml(this, `Saml-${saml.name}`, {
        userPool: props.userPool,
        name: saml.name,
        metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(saml.metadata_url),
        attributeMapping: { email: cognito.ProviderAttribute.other('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress') },
      }));
    }
    for (const oidc of props.federation.oidc) {
      const secret = clientSecret(oidc.client_secret);
      providers.set(oidc.name, new cognito.UserPoolIdentityProviderOidc(this, `Oidc-${oidc.name}`, {
        userPool: props.userPool,
        name: oidc.name,
        issuerUrl: oidc.issuer,
        clientId: oidc.client_id,
        // A `{{resolve:secretsmanager:...}}` reference; CloudFormation substitutes it at deploy time.
        clientSecret: secret.unsafeUnwrap(),
        scopes: oidc.scopes,
        attributeRequestMethod: cognito.OidcAttributeRequestMethod.GET,
        attributeMapping: email,
      }));
    }
    this.providers = providers;
  }
}

/**
 * The loader refuses SSM references here (lib/checks/federation-secrets.ts: CloudFormation cannot
 * resolve them for Cognito identity providers), so only Secrets Manager references arrive.
 */
function clientSecret(ref: SecretRefConfig): SecretValue {
  if ('secrets_manager' in ref) return SecretValue.secretsManager(ref.secrets_manager);
  throw new Error(`invariant: an SSM reference (${ref.ssm}) for an OIDC client secret reached the identity stack; the loader refuses it`);
}
