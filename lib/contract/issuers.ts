/**
 * Owns: the issuer names Gatehouse gives its own token issuers, the default JWKS location, and
 * the issuer URLs of the Cognito user pool: used by the config checks, the identity stack, the
 * authorizer's token verifier, the local twin and the CLI.
 */
import { isMultiRegion } from '../config/regions';
import type { EnvironmentSettings } from '../config/schema';

/**
 * The Cognito user pool: its issuer name in `routes[].auth.issuers` and consumer records
 * (`client#cognito#<id>`), and its provider name in `identity_providers`.
 */
export const COGNITO_ISSUER_NAME = 'cognito';

/** The local twin's OIDC issuer, which stands in for the Cognito user pool. */
export const LOCAL_ISSUER_NAME = 'local';

/** Where an issuer publishes its signing keys unless `jwks_uri` says otherwise. */
export function defaultJwksUri(issuerUrl: string): string {
  return `${issuerUrl.replace(/\/$/, '')}/.well-known/jwks.json`;
}

/** The JWKS URI of a configured issuer: its `jwks_uri`, else {@link defaultJwksUri}. */
export function jwksUriOf(issuer: { readonly issuer: string; readonly jwks_uri?: string }): string {
  return issuer.jwks_uri ?? defaultJwksUri(issuer.issuer);
}

/**
 * Cognito's issuer types (CloudFormation `AWS::Cognito::UserPool IssuerConfiguration.Type`): which
 * `iss` the pool's tokens carry. ORIGINAL (Cognito's default) is "hosted in the user pool's
 * region"; UPDATED is "recommended for all user pools, including for multi-Region replication"
 * and hosts "the same JWKS content in multiple regions" (Cognito API reference,
 * IssuerConfigurationType).
 */
export type CognitoIssuerType = 'ORIGINAL' | 'UPDATED';
export const COGNITO_ISSUER_TYPES: readonly CognitoIssuerType[] = ['ORIGINAL', 'UPDATED'];

/**
 * The `iss` of a Cognito pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<id>`
 * (ORIGINAL) or `https://issuer-cognito-idp.<region>.amazonaws.com/<id>` (UPDATED). Both name
 * the pool's primary region, which is the prefix of its id; a multi-Region replica shares the id,
 * so the tokens of every replica carry the primary's issuer and an `iss` naming another region is
 * not this pool's.
 */
export function cognitoIssuerUrl(userPoolId: string, type: CognitoIssuerType): string {
  return `https://${type === 'UPDATED' ? 'issuer-' : ''}cognito-idp.${userPoolId.split('_')[0]}.amazonaws.com/${userPoolId}`;
}

/**
 * The issuer type of the environment's pool (decision 0026): UPDATED with 2 or more regions
 * (both `multi_region` modes: a token must verify the same in every region), else Cognito's
 * default, so a one-region pool stays as it was deployed.
 */
export function cognitoIssuerType(env: Pick<EnvironmentSettings, 'region' | 'regions'>): CognitoIssuerType {
  return isMultiRegion(env) ? 'UPDATED' : 'ORIGINAL';
}
