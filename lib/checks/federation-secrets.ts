/**
 * Secrets of federated identity providers: CloudFormation resolves `ssm-secure` references only
 * for a fixed list of resource types, and Cognito identity providers are not on it, so an SSM
 * reference would reach Cognito as literal text. The identity stack then only maps
 * `secrets_manager` references (lib/constructs/identity-federation.ts).
 */
import type { AddProblem } from '../config/errors';
import type { GatewayConfig } from '../config/schema';

export function checkFederationSecrets(config: GatewayConfig, add: AddProblem): void {
  config.identity.cognito?.federation.oidc.forEach((oidc, i) => {
    const ref = oidc.client_secret;
    if ('ssm' in ref) {
      add(['identity', 'cognito', 'federation', 'oidc', i, 'client_secret'], `reference the OIDC client secret as { secrets_manager: name }: CloudFormation cannot resolve SSM SecureString parameters (${ref.ssm}) in Cognito identity providers`);
    }
  });
}
