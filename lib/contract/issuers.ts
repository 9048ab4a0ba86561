/**
 * Owns: the issuer names Gatehouse gives its own token issuers and the default JWKS location:
 * used by the config checks, the authorizer's token verifier, the local twin and the CLI.
 */

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
