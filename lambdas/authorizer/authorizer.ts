import { createHash } from 'node:crypto';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { compileHostClaim, compileRouteCandidates, type RouteCandidatesMatcher, type RouteMatch } from '../../lib/gateway/route-match';
import { methodKey, routesByMethod } from '../../lib/gateway/route-table';
import { CHALLENGE_CONTEXT, RATE_LIMIT_CONTEXT, REASON, USAGE_CONTEXT } from '../../lib/gateway/authorizer-context';
import { challengeValue, routeSchemes } from '../../lib/gateway/challenges';
import { tierPlans } from '../../lib/gateway/usage-plans';
import { RATE_LIMITED_USAGE_KEY } from '../../lib/gateway/usage-keys';
import { QUOTA_WINDOW, RateLimiterUnavailableError, tierWindows, type RateLimiter, type RateWindow } from '../../lib/rate-limit/rate-limiter';
import { windowPosition } from '../../lib/rate-limit/sliding-window';
import { checkAccess, claimScopes, decideCanary, resolveTier, type AccessDecision, type Identity } from './access';
import { ipAllowed, normaliseIp } from './client-ip';
import type { AuthorizerConfig } from './config';
import { apiKeyId, certRecordId, clientRecordId, type ConsumerRecord, type ConsumerStore } from './consumer-store';
import { checkRecord, claimTenant, claimText } from './context-values';
import { AuthenticationError, AuthorizerError, unauthorized } from './errors';
import { policy, rateLimitContext, type AuthorizerContext } from './policy';
import { readRequest, singleHeader, type RequestFacts } from './request';
import { COGNITO, type TokenVerifier } from './token-verifier';
import type { IssuerConfig, RouteConfig, TierConfig } from '../../lib/config/schema';

/** What happened, for metrics and the one log line per request (no credentials, no PII). */
export interface Outcome {
  /** `unavailable`: a dependency failed (Redis with fault_tolerant false): API Gateway answers 503, never cached. */
  readonly effect: 'allow' | 'deny' | 'unauthorized' | 'unavailable';
  readonly reason?: string;
  readonly route?: string;
  readonly tier?: string;
  readonly credential?: Identity['kind'];
  /** The limiter was unavailable and fault_tolerant admitted the request. */
  readonly limiterDegraded?: boolean;
}

export interface AuthorizerDeps {
  readonly config: AuthorizerConfig;
  readonly tokens: TokenVerifier;
  readonly consumers: ConsumerStore;
  readonly limiter: RateLimiter;
  /** Cognito app client id -> client name (inverse of COGNITO_CLIENT_IDS). */
  readonly cognitoClientNames?: Readonly<Record<string, string>>;
  /** @default () => Date.now() */
  readonly clock?: () => number;
  /** Called once per decision, synchronously, with the event it decides (the local gateway matches the two up). */
  readonly onOutcome?: (outcome: Outcome, event: APIGatewayRequestAuthorizerEvent) => void;
}

export type Authorize = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

const MAX_API_KEY_LENGTH = 256;
const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** Outcome of an authorization step that refuses an authenticated caller. */
class Denied extends AuthorizerError {
  override readonly name = 'Denied';
  constructor(reason: string, message: string, readonly extra: AuthorizerContext = {}) { super(reason, message); }
}

/**
 * The REQUEST authorizer's decision: route match, authentication, authorization, canary and rate
 * limit. Resolves to an Allow or Deny policy, or rejects with exactly `Error('Unauthorized')`
 * (401); a consumer store failure rejects with ConsumerStoreError (500: never silently allowed).
 */
export function createAuthorizer(deps: AuthorizerDeps): Authorize {
  const { config } = deps;
  const clock = deps.clock ?? (() => Date.now());
  // Everything that depends on the config alone is computed here, once per execution environment.
  // One matcher per API Gateway method, over the routes that own it: a request can only reach a
  // route whose method API Gateway chose (by path alone), never a host or header route that owns
  // other resources (docs/decisions/0014-routes-bound-to-methods.md).
  const routeCandidates = new Map<string, RouteCandidatesMatcher>();
  for (const [key, { routes }] of routesByMethod(config.routes)) {
    routeCandidates.set(key, compileRouteCandidates(routes, { canaryHeader: config.canary.header }));
  }
  const hostClaimed = compileHostClaim(config.routes);
  const limiting = config.rateLimiting;
  const apiKeyHeader = config.apiKeys.header.toLowerCase();
  const canaryHeader = config.canary.header.toLowerCase();
  const issuersByName = new Map<string, IssuerConfig>(config.issuers.map((i) => [i.name, i]));
  const windowsByTier = new Map<TierConfig, readonly RateWindow[]>(config.tiers.map((t) => [t, tierWindows(t)]));
  const cognitoByClient = new Set(config.cognitoClientsLimitedByClient ?? []);

  return async (event) => {
    let facts: RequestFacts | undefined;
    let identity: Identity | undefined;
    let route: RouteMatch | undefined;
    try {
      facts = readRequest(event);
      // The mTLS domain is exempt from the origin guard (its clients cannot come through
      // CloudFront), so it must prove itself here: a verified client certificate, mtls routes only.
      const onMtlsDomain = config.mtlsDomain !== undefined && String(event.requestContext?.domainName ?? '').toLowerCase() === config.mtlsDomain;
      if (onMtlsDomain && !facts.clientCert) throw new AuthenticationError('cert_missing', 'the mTLS domain needs a client certificate');
      // One pass over the routes gives the stable and the canary candidate; authentication uses
      // the stable one (else the canary one), the canary decision then picks between them.
      const candidates = routeCandidates.get(methodKey(event.httpMethod, event.resource));
      if (!candidates) throw new Denied('no_route', 'no route owns this API method');
      const { stable, canary: canaryRoute } = candidates(facts);
      const authRoute = stable ?? canaryRoute;
      if (!authRoute) throw new Denied('no_route', 'no route matches this request');

      identity = await authenticate(authRoute, facts);
      const canary = decideCanary(identity, singleHeader(facts, canaryHeader), config.canary.percentage);
      route = canary ? canaryRoute : stable;
      if (!route) throw new Denied('no_route', 'no route matches this request');
      if (route.route.hosts.length === 0 && hostClaimed(facts.headers)) throw new Denied('no_route', 'this path is not served on this host');
      if (onMtlsDomain && !route.route.auth.strategies.includes('mtls')) throw new Denied('no_route', 'only mtls routes are served on the mTLS domain');
      const access = checkAccess(route.route, identity, route.wildcardLabel);
      if (!access.allowed) throw new Denied(access.reason, access.message, refusalChallenge(route.route, identity, access));

      const group = route.route.rate_limit_group;
      let decision;
      try {
        decision = await deps.limiter.check({ key: group ? `${identity.rateKey}|g:${group}` : identity.rateKey, windows: windowsByTier.get(identity.tier) ?? tierWindows(identity.tier) });
      } catch (err) {
        // Fail closed: an authorizer failure is never cached by API Gateway and is answered 503
        // with Retry-After (the AUTHORIZER_FAILURE gateway response), so clients are served as
        // soon as Redis is back. A cached Deny would replay for cache_ttl.
        if (err instanceof RateLimiterUnavailableError) {
          deps.onOutcome?.({ effect: 'unavailable', reason: REASON.limiterUnavailable, route: route.route.name, tier: identity.tier.name, credential: identity.kind }, event);
        }
        throw err;
      }
      const figures = limiting.hide_client_headers ? {} : rateLimitContext(decision);
      const usage = { [USAGE_CONTEXT.quotaReset]: quotaResetSeconds(identity.tier, clock()) };
      if (!decision.allowed) {
        // Allowed by policy but with a usage key no plan holds: API Gateway answers with the
        // INVALID_API_KEY gateway response, rendered as the configured 429 (decision 0007).
        const reason = decision.refusedBy === QUOTA_WINDOW ? REASON.quotaExceeded : REASON.rateLimited;
        deps.onOutcome?.({ effect: 'deny', reason, route: route.route.name, tier: identity.tier.name, credential: identity.kind }, event);
        return policy('Allow', identity.principal, facts.apiResourceArn, {
          reason, message: limiting.error_message, statusCode: limiting.error_code,
          [RATE_LIMIT_CONTEXT.retryAfter]: decision.retryAfterSeconds, ...figures,
        }, RATE_LIMITED_USAGE_KEY);
      }
      deps.onOutcome?.({ effect: 'allow', route: route.route.name, tier: identity.tier.name, credential: identity.kind, limiterDegraded: decision.degraded }, event);
      return policy('Allow', identity.principal, facts.apiResourceArn, {
        principal: identity.principal,
        consumer: identity.consumer,
        tenant: identity.tenant ?? '',
        tier: identity.tier.name,
        scopes: identity.scopes.join(' '),
        canary: String(canary),
        route: route.route.name,
        ...figures,
        ...usage,
      }, identity.usageKey ?? config.usageKeys[identity.tier.name]);
    } catch (err) {
      if (err instanceof Denied && facts) {
        deps.onOutcome?.({ effect: 'deny', reason: err.reason, route: route?.route.name, tier: identity?.tier.name, credential: identity?.kind }, event);
        return policy('Deny', identity?.principal ?? 'anonymous', facts.apiResourceArn, { reason: err.reason, message: err.message, ...err.extra });
      }
      if (err instanceof AuthenticationError || err instanceof Denied) {
        deps.onOutcome?.({ effect: 'unauthorized', reason: err.reason, route: route?.route.name }, event);
        throw unauthorized();
      }
      throw err;
    }
  };

  /** Picks the credential the route accepts and the request carries; rejects with AuthenticationError. */
  function authenticate(route: RouteMatch, facts: RequestFacts): Promise<Identity> {
    const { strategies } = route.route.auth;
    const authorization = facts.headers.authorization;
    const apiKey = facts.headers[apiKeyHeader];
    if (strategies.includes('jwt') && authorization) return authenticateJwt(facts);
    if (strategies.includes('api_key') && apiKey) return authenticateApiKey(facts);
    if (strategies.includes('mtls') && facts.clientCert) return authenticateCert(facts);
    if (strategies.includes('none') && !authorization && !apiKey) return Promise.resolve(anonymous(facts));
    return Promise.reject(new AuthenticationError('credentials_missing', `no credential accepted by route ${route.route.name}`));
  }

  async function authenticateJwt(facts: RequestFacts): Promise<Identity> {
    const header = singleHeader(facts, 'authorization');
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw new AuthenticationError('authorization_malformed', 'expected one Authorization: Bearer <token>');
    const { issuer, payload } = await deps.tokens.verify(token);
    const issuerConfig = issuersByName.get(issuer);
    const clientId = claimText(payload, 'client_id') ?? claimText(payload, 'azp');
    // Client ids are unique per issuer only: the record is the one of the issuer that verified the token.
    const record = clientId ? checkRecord(await deps.consumers.get(clientRecordId(issuer, clientId))) : undefined;
    if (record?.status === 'revoked') throw new Denied('revoked', 'this client is revoked');
    if (record) checkIp(record, facts);
    const claimedTier = issuer === COGNITO
      ? config.cognitoClientTiers[deps.cognitoClientNames?.[clientId ?? ''] ?? '']
      : issuerConfig?.tier_claim ? claimText(payload, issuerConfig.tier_claim) : undefined;
    const tier = resolveTier(config.tiers, record?.tier ?? claimedTier);
    const sub = claimText(payload, 'sub');
    if (!record && clientId === undefined && sub === undefined) throw new AuthenticationError('claim_missing', 'the token names neither a client (client_id, azp) nor a subject (sub)');
    // Without a record the consumer is the client, else the subject, each in its own namespace:
    // a user whose sub equals some client id never shares that client's bucket.
    const consumer = record?.consumer ?? (clientId !== undefined ? `${issuer}/client:${clientId}` : `${issuer}/sub:${sub}`);
    // A user's token (RFC 9068: a sub other than the client's id means a resource owner took part,
    // e.g. authorization code + PKCE) draws on the user's own budget, unless the config makes the
    // client's users share one (rate_limit_by: client).
    const userToken = clientId !== undefined && sub !== undefined && sub !== clientId;
    const byClient = issuer === COGNITO ? cognitoByClient.has(deps.cognitoClientNames?.[clientId ?? ''] ?? '')
      : issuer === config.cognitoStandIn ? cognitoByClient.has(clientId ?? '')
        : issuerConfig?.rate_limit_by === 'client';
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

  async function authenticateApiKey(facts: RequestFacts): Promise<Identity> {
    const key = singleHeader(facts, apiKeyHeader);
    if (!key || key.length > MAX_API_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) throw new AuthenticationError('api_key_malformed', 'API key missing, repeated or malformed');
    const record = await deps.consumers.get(apiKeyId(key));
    if (!record) throw new AuthenticationError('api_key_unknown', 'API key not found');
    return fromRecord('api_key', record, facts);
  }

  async function authenticateCert(facts: RequestFacts): Promise<Identity> {
    const cert = facts.clientCert!;
    const now = clock();
    const notBefore = Date.parse(cert.notBefore);
    const notAfter = Date.parse(cert.notAfter);
    if (!(notBefore <= now && now <= notAfter)) throw new AuthenticationError('cert_not_valid_now', 'client certificate outside its validity');
    // Serial numbers are unique per CA only and any CA in the truststore can sign any subject:
    // the record is the one of the CA that issued the certificate.
    if (!cert.issuerDN) throw new AuthenticationError('cert_issuer_missing', 'client certificate without an issuer DN');
    const value = config.mtls?.identity_from === 'serial' ? cert.serialNumber : cert.subjectDN;
    const record = value ? await deps.consumers.get(certRecordId(cert.issuerDN, value)) : undefined;
    if (!record) throw new AuthenticationError('cert_unknown', 'no consumer for this client certificate');
    return fromRecord('mtls', record, facts);
  }

  function fromRecord(kind: 'api_key' | 'mtls', record: ConsumerRecord, facts: RequestFacts): Identity {
    checkRecord(record);
    // An API key is its own secret: a refused key answers exactly like an unknown one (401), so the
    // answer never confirms that a key exists (decision 0018). A certificate's holder proved its key.
    if (record.status !== 'active') {
      if (kind === 'api_key') throw new AuthenticationError('api_key_revoked', 'API key revoked');
      throw new Denied('revoked', 'this certificate is revoked');
    }
    checkIp(record, facts, kind);
    return {
      kind, principal: record.consumer, consumer: record.consumer, tenant: record.tenant,
      tier: resolveTier(config.tiers, record.tier), scopes: [], groups: [], canaryAllowed: record.canary, rateKey: `c:${record.consumer}`,
      usageKey: record.usageKey,
    };
  }

  function anonymous(facts: RequestFacts): Identity {
    const ip = normaliseIp(facts.clientIp ?? '') ?? 'unknown';
    // The client IP is personal data: the bucket key holds a hash of it.
    const ipHash = createHash('sha256').update(ip).digest('hex').slice(0, 24);
    return { kind: 'none', principal: 'anonymous', consumer: 'anonymous', tier: config.tiers[0], scopes: [], groups: [], canaryAllowed: false, rateKey: `ip:${ipHash}` };
  }

  function checkIp(record: ConsumerRecord, facts: RequestFacts, kind?: Identity['kind']): void {
    if (record.allowedCidrs.length > 0 && !ipAllowed(facts.clientIp ?? '', record.allowedCidrs)) {
      // A key used from outside its allowlist (a leaked key) learns nothing either (see fromRecord).
      if (kind === 'api_key') throw new AuthenticationError('ip_not_allowed', 'API key used outside its allowlist');
      throw new Denied('ip_not_allowed', 'calls from this IP address are not allowed for this consumer');
    }
  }

  /**
   * The `WWW-Authenticate` of a refusal that RFC 6750 names (insufficient_scope): one challenge per
   * scheme of the route, the error on the presented credential's, `scope` = what the route requires.
   */
  function refusalChallenge(route: RouteConfig, identity: Identity, access: Extract<AccessDecision, { allowed: false }>): AuthorizerContext {
    if (access.reason !== REASON.insufficientScope) return {};
    const refusal = identity.kind === 'jwt' || identity.kind === 'api_key'
      ? { scheme: identity.kind, error: 'insufficient_scope' as const, description: access.message, scopes: route.auth.scopes }
      : undefined; // anonymous: RFC 6750 3.1, no error without credentials
    const value = challengeValue(routeSchemes(route.auth.strategies, config.apiKeys.header), refusal);
    return value ? { [CHALLENGE_CONTEXT]: value } : {};
  }
}

/**
 * Seconds until the tier's usage plan quota period ends (UTC): the Retry-After of API Gateway's
 * QUOTA_EXCEEDED response, which can only read it from the context.
 */
function quotaResetSeconds(tier: TierConfig, nowMs: number): number {
  const { period } = tierPlans(tier).consumer.quota;
  const p = windowPosition({ sizeMs: 0, calendar: period }, nowMs);
  return Math.max(1, Math.ceil((p.sizeMs - p.elapsedMs) / 1000));
}
