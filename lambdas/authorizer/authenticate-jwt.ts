import { REASON } from '../../lib/contract/authorizer-context';
import type { IssuerConfig } from '../../lib/config/schema';
import { claimScopes, resolveTier, type Identity } from './access';
import { checkIp } from './consumer-identity';
import type { AuthorizerConfig } from './config';
import { clientRecordId, type ConsumerRecord, type ConsumerStore } from './consumer-store';
import { checkRecord, claimTenant, claimText } from './context-values';
import { AuthenticationError, Denied } from './errors';
import { singleHeader, type RequestFacts } from './request';
import { COGNITO, type TokenVerifier, type VerifiedToken } from './token-verifier';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** The seams authentication reads (the clock comes separately). */
export interface AuthenticationSeams {
  readonly tokens: TokenVerifier;
  readonly consumers: ConsumerStore;
  /** Cognito app client id -> client name (inverse of COGNITO_CLIENT_IDS). */
  readonly cognitoClientNames?: Readonly<Record<string, string>>;
}

/** The JWT half of the authentication step: the bearer token verified, then its client's record. */
export function authenticateJwt(config: AuthorizerConfig, seams: AuthenticationSeams): (facts: RequestFacts) => Promise<Identity> {
  const issuersByName = new Map<string, IssuerConfig>(config.issuers.map((i) => [i.name, i]));
  const cognitoByClient = new Set(config.cognitoClientsLimitedByClient ?? []);
  return async (facts) => {
    const header = singleHeader(facts, 'authorization');
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw new AuthenticationError(REASON.authorizationMalformed, 'expected one Authorization: Bearer <token>');
    const { issuer, payload } = await seams.tokens.verify(token);
    const clientId = claimText(payload, 'client_id') ?? claimText(payload, 'azp');
    // Client ids are unique per issuer only: the record is the one of the issuer that verified the token.
    const record = clientId ? checkRecord(await seams.consumers.get(clientRecordId(issuer, clientId))) : undefined;
    if (record?.status === 'revoked') throw new Denied(REASON.revoked, 'this client is revoked');
    if (record) checkIp(record, facts.clientIp);
    const issuerConfig = issuersByName.get(issuer);
    const cognitoClient = seams.cognitoClientNames?.[clientId ?? ''] ?? '';
    const byClient = issuer === COGNITO ? cognitoByClient.has(cognitoClient)
      : issuer === config.cognitoStandIn ? cognitoByClient.has(clientId ?? '')
        : issuerConfig?.rate_limit_by === 'client';
    return jwtIdentity(config, issuer, payload, issuerConfig, clientId, record, issuer === COGNITO ? config.cognitoClientTiers[cognitoClient] : undefined, byClient);
  };
}

/**
 * The identity of a verified token (`issuer` is the config name of the issuer that verified it,
 * `issuerConfig` its entry, absent for Cognito): `record` is its client's consumer record, `cognitoTier` the
 * tier of a Cognito client by name, `byClient` whether the client's users share one budget.
 */
export function jwtIdentity(
  config: Pick<AuthorizerConfig, 'tiers'>, issuer: VerifiedToken['issuer'], payload: VerifiedToken['payload'], issuerConfig: IssuerConfig | undefined,
  clientId: string | undefined, record: ConsumerRecord | undefined, cognitoTier: string | undefined, byClient: boolean,
): Identity {
  const claimedTier = issuer === COGNITO ? cognitoTier : issuerConfig?.tier_claim ? claimText(payload, issuerConfig.tier_claim) : undefined;
  const tier = resolveTier(config.tiers, record?.tier ?? claimedTier);
  const sub = claimText(payload, 'sub');
  if (!record && clientId === undefined && sub === undefined) throw new AuthenticationError(REASON.claimMissing, 'the token names neither a client (client_id, azp) nor a subject (sub)');
  // Without a record the consumer is the client, else the subject, each in its own namespace:
  // a user whose sub equals some client id never shares that client's bucket.
  const consumer = record?.consumer ?? (clientId !== undefined ? `${issuer}/client:${clientId}` : `${issuer}/sub:${sub}`);
  // A user's token (RFC 9068: a sub other than the client's id means a resource owner took part,
  // e.g. authorization code + PKCE) draws on the user's own budget, unless the config makes the
  // client's users share one (rate_limit_by: client).
  const userToken = clientId !== undefined && sub !== undefined && sub !== clientId;
  const rateKey = userToken && !byClient ? `c:${consumer}|u:${sub}` : `c:${consumer}`;
  const groupsClaim = payload['cognito:groups'] ?? payload.groups;
  return {
    kind: 'jwt',
    issuer,
    principal: sub ?? clientId ?? consumer,
    consumer,
    tenant: record?.tenant ?? (issuerConfig?.tenant_claim ? claimTenant(payload, issuerConfig.tenant_claim) : undefined),
    tier,
    scopes: claimScopes(payload[issuer === COGNITO ? 'scope' : issuerConfig?.scope_claim ?? 'scope']),
    groups: Array.isArray(groupsClaim) ? groupsClaim.filter((g): g is string => typeof g === 'string') : [],
    canaryAllowed: record?.canary === true,
    rateKey,
    usageKey: record?.usageKey,
  };
}
