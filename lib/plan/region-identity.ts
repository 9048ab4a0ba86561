import { environmentRegions } from '../config/regions';
import type { EnvironmentConfig, GatewayConfig } from '../config/schema';
import { note, warning, type Finding } from './finding';

/**
 * What a region loss does to sign-in (decision 0026 D8). A Cognito replica has no TOTP MFA
 * (fact F2), and MFA here is TOTP only (identity-user-pool.ts: otp, no SMS): while the primary
 * is out, the user pool domain fails over to the replica, where those users cannot sign in.
 * Machine clients (client credentials) have no MFA and are unaffected. With `primary_only`
 * nobody gets a new token until the primary is back.
 */
export function cognitoRegionFindings(config: GatewayConfig, env: EnvironmentConfig): Finding[] {
  const cognito = config.identity.cognito;
  const regions = environmentRegions(env);
  if (!cognito || regions.length < 2) return [];
  const [primary, replica] = regions;
  const clients = [...cognito.public_clients, ...cognito.machine_clients];
  if (cognito.multi_region === 'primary_only') {
    if (clients.length === 0) return [];
    const longest = Math.max(...clients.map((c) => c.access_token_minutes));
    return [note('cognito-primary-only',
      `identity.cognito.multi_region is primary_only: while ${primary} is out of rotation no client gets a new token; tokens already issued keep working `
      + `in every region until they expire (access tokens up to ${longest} minutes)`)];
  }
  if (cognito.mfa === 'off' || cognito.public_clients.length === 0) return [];
  const who = cognito.mfa === 'required' ? 'no user' : 'no user who set up TOTP';
  return [warning('cognito-replica-totp',
    `identity.cognito.mfa is ${cognito.mfa} and public clients (${cognito.public_clients.map((c) => c.name).join(', ')}) sign users in, but a Cognito replica has no TOTP MFA: `
    + `while ${primary} is out of rotation the user pool domain fails over to the replica in ${replica}, where ${who} can sign in `
    + '(machine clients are unaffected; issued tokens keep working until they expire); this is the degraded mode of a primary region loss (decision 0026 D8): plan for it')];
}
