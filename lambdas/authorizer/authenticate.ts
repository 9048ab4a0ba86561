import { REASON } from '../../lib/contract/authorizer-context';
import type { RouteMatch } from '../../lib/contract/route-match';
import type { Identity } from './access';
import { authenticateJwt, type AuthenticationSeams } from './authenticate-jwt';
import type { AuthorizerConfig } from './config';
import { anonymousIdentity, recordIdentity } from './consumer-identity';
import { apiKeyId, certRecordId } from './consumer-store';
import { AuthenticationError } from './errors';
import { singleHeader, type RequestFacts } from './request';

/** The authentication step: the caller's identity on the route, or AuthenticationError / Denied. */
export type Authenticate = (route: RouteMatch, facts: RequestFacts) => Promise<Identity>;

const MAX_API_KEY_LENGTH = 256;

/**
 * The authentication step of a config: one credential per request, the first the route accepts
 * (jwt, api_key, mtls, none) that the request carries; none only without any credential.
 */
export function createAuthenticate(config: AuthorizerConfig, seams: AuthenticationSeams, clock: () => number): Authenticate {
  const apiKeyHeader = config.apiKeys.header.toLowerCase();
  const jwt = authenticateJwt(config, seams);
  return (route, facts) => {
    const { strategies } = route.route.auth;
    const authorization = facts.headers.authorization;
    const apiKey = facts.headers[apiKeyHeader];
    if (strategies.includes('jwt') && authorization) return jwt(facts);
    if (strategies.includes('api_key') && apiKey) return authenticateApiKey(facts);
    if (strategies.includes('mtls') && facts.clientCert) return authenticateCert(facts);
    if (strategies.includes('none') && !authorization && !apiKey) return Promise.resolve(anonymousIdentity(config.tiers[0], facts.clientIp));
    return Promise.reject(new AuthenticationError(REASON.credentialsMissing, `no credential accepted by route ${route.route.name}`));
  };

  async function authenticateApiKey(facts: RequestFacts): Promise<Identity> {
    const key = singleHeader(facts, apiKeyHeader);
    if (!key || key.length > MAX_API_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) throw new AuthenticationError(REASON.apiKeyMalformed, 'API key missing, repeated or malformed');
    const record = await seams.consumers.get(apiKeyId(key));
    if (!record) throw new AuthenticationError(REASON.apiKeyUnknown, 'API key not found');
    return recordIdentity('api_key', record, config.tiers, facts.clientIp);
  }

  async function authenticateCert(facts: RequestFacts): Promise<Identity> {
    const cert = facts.clientCert!;
    const now = clock();
    const notBefore = Date.parse(cert.notBefore);
    const notAfter = Date.parse(cert.notAfter);
    if (!(notBefore <= now && now <= notAfter)) throw new AuthenticationError(REASON.certNotValidNow, 'client certificate outside its validity');
    // Serial numbers are unique per CA only and any CA in the truststore can sign any subject:
    // the record is the one of the CA that issued the certificate.
    if (!cert.issuerDN) throw new AuthenticationError(REASON.certIssuerMissing, 'client certificate without an issuer DN');
    const value = config.mtls?.identity_from === 'serial' ? cert.serialNumber : cert.subjectDN;
    const record = value ? await seams.consumers.get(certRecordId(cert.issuerDN, value)) : undefined;
    if (!record) throw new AuthenticationError(REASON.certUnknown, 'no consumer for this client certificate');
    return recordIdentity('mtls', record, config.tiers, facts.clientIp);
  }
}
