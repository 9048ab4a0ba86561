import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign as cryptoSign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { loadConfigFile } from '../../lib/checks/load';
import { Issuer, Route } from '../../lib/config/schema';
import { InMemoryRateLimiter } from '../../lib/rate-limit/memory-limiter';
import { createAuthorizer, type AuthorizerDeps, type Outcome } from '../../lambdas/authorizer/authorizer';
import { toAuthorizerConfig, type AuthorizerConfig } from '../../lambdas/authorizer/config';
import { apiKeyId, certRecordId, clientRecordId, InMemoryConsumerStore, type ConsumerRecord } from '../../lambdas/authorizer/consumer-store';
import { COGNITO, FetchJwksFetcher, IssuerVerifier } from '../../lambdas/authorizer/token-verifier';

export const POOL = 'eu-west-1_TestPool1';
export const COGNITO_ISS = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
export const CLIENTS = { 'web-console': 'webclient0000000000000001', 'partner-batch': 'partnerclient00000000001' } as const;
/** The CA that issues the internal client certificates (the issuerDN of requestEvent's clientCert). */
export const INTERNAL_CA = 'CN=Gatehouse Internal CA,O=Example Corp';

type JWK = JsonWebKey & { kid?: string; alg?: string; use?: string };
export interface Keys { privateKey: KeyObject; publicKey: KeyObject; jwk: JWK; kid: string; alg: 'RS256' | 'ES256' }

/**
 * Real key pairs and signatures from node:crypto. (jose 6 is ESM-only and the repo's jest runs
 * CommonJS, so jose cannot be loaded by the tests without a jest transformIgnorePatterns change.)
 */
export async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<Keys> {
  const { privateKey, publicKey } = alg === 'RS256'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, kid, alg, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

export const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Signs raw header/payload JSON text (so tests can also forge duplicate members). */
export function signRaw(keys: Keys, headerJson: string, payloadJson: string): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  const signature = cryptoSign('sha256', Buffer.from(input), keys.alg === 'ES256' ? { key: keys.privateKey, dsaEncoding: 'ieee-p1363' } : keys.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** Signs claims; `header` overrides protected header members. */
export async function sign(keys: Keys, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return signRaw(keys, JSON.stringify({ alg: keys.alg, kid: keys.kid, ...header }), JSON.stringify(claims));
}

const now = () => Math.floor(Date.now() / 1000);
export function cognitoClaims(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'user-7f3a', iss: COGNITO_ISS, client_id: CLIENTS['web-console'], token_use: 'access',
    scope: 'openid users/read', auth_time: now() - 10, iat: now() - 10, exp: now() + 3600, jti: 'j1', username: 'u', ...over,
  };
}

/** A local http issuer serving a JWKS (aws-jwt-verify's default fetcher is https-only). */
export async function jwksServer(jwks: { keys: JWK[] }): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    if (req.url === '/.well-known/jwks.json') { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(jwks)); return; }
    res.statusCode = 404; res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits: () => hits };
}

export const API_KEYS = { free: 'gh_live_free_0123456789abcdef', enterprise: 'gh_live_ent_0123456789abcdef', revoked: 'gh_live_revoked_000000000000', office: 'gh_live_office_00000000000000', tenant: 'gh_live_tenant_acme_0000000000' } as const;
const record = (r: Partial<ConsumerRecord> & { consumer: string }): ConsumerRecord => ({ status: 'active', allowedCidrs: [], canary: false, ...r });

export function consumers(): InMemoryConsumerStore {
  return new InMemoryConsumerStore({
    [apiKeyId(API_KEYS.free)]: record({ consumer: 'acme-free', tier: 'free' }),
    [apiKeyId(API_KEYS.enterprise)]: record({ consumer: 'bigcorp', tier: 'enterprise' }),
    [apiKeyId(API_KEYS.revoked)]: record({ consumer: 'gone', tier: 'pro', status: 'revoked' }),
    [apiKeyId(API_KEYS.office)]: record({ consumer: 'office', tier: 'pro', allowedCidrs: ['198.51.100.0/24', '2001:db8:abcd::/48'] }),
    [apiKeyId(API_KEYS.tenant)]: record({ consumer: 'acme', tier: 'pro', tenant: 'acme' }),
    [certRecordId(INTERNAL_CA, 'CN=billing-service,OU=internal,O=Example Corp')]: record({ consumer: 'billing-service', tier: 'enterprise' }),
    [certRecordId(INTERNAL_CA, 'CN=retired-service,O=Example Corp')]: record({ consumer: 'retired', status: 'revoked' }),
    [clientRecordId(COGNITO, CLIENTS['partner-batch'])]: record({ consumer: 'partner-co', tier: 'enterprise', canary: true }),
  });
}

/** The dev environment of gateway.config.yaml plus an external issuer and anonymous / mTLS routes. */
export function testConfig(partnersIssuer: string, over: Partial<AuthorizerConfig> = {}): AuthorizerConfig {
  const base = toAuthorizerConfig(loadConfigFile(`${__dirname}/../../gateway.config.yaml`).environments.dev);
  return {
    ...base,
    routes: [
      ...base.routes,
      Route.parse({ name: 'status', paths: ['/status'], service: 'user-service-v1', auth: { strategies: ['none'] } }),
      Route.parse({ name: 'internal-billing', paths: ['/internal/billing'], methods: ['POST'], service: 'user-service-v1', auth: { strategies: ['mtls'] } }),
      Route.parse({ name: 'partners', paths: ['/v1/partners'], service: 'user-service-v1', rate_limit_group: 'partners', auth: { strategies: ['jwt'], issuers: ['partners'], scopes: ['partners:read'], groups: ['partner-admins', 'partner-readers'] } }),
    ],
    issuers: [Issuer.parse({ name: 'partners', issuer: partnersIssuer, audiences: ['gatehouse-api'], tier_claim: 'plan', tenant_claim: 'org', scope_claim: 'scp' })],
    mtls: { truststore_uri: 's3://truststore-bucket/ca.pem', identity_from: 'subject' },
    ...over,
  };
}

export interface Harness {
  authorize: ReturnType<typeof createAuthorizer>;
  outcomes: Outcome[];
  limiter: InMemoryRateLimiter;
  store: InMemoryConsumerStore;
}

export function harness(deps: { config: AuthorizerConfig; cognitoKeys: Keys; partnersUrl: string } & Partial<AuthorizerDeps>): Harness {
  const outcomes: Outcome[] = [];
  const limiter = (deps.limiter as InMemoryRateLimiter | undefined) ?? new InMemoryRateLimiter();
  const store = consumers();
  const tokens = deps.tokens ?? new IssuerVerifier({
    issuers: deps.config.issuers,
    cognito: { userPoolId: POOL, clientIds: Object.values(CLIENTS) },
    jwks: { cognito: { keys: [deps.cognitoKeys.jwk as never] } },
    jwksCache: new SimpleJwksCache({ fetcher: new FetchJwksFetcher() }),
  });
  const authorize = createAuthorizer({
    tokens, consumers: store, limiter,
    cognitoClientNames: Object.fromEntries(Object.entries(CLIENTS).map(([n, id]) => [id, n])),
    onOutcome: (o) => outcomes.push(o),
    ...deps,
  });
  return { authorize, outcomes, limiter, store };
}

/** The signing keys and JWKS server a suite's tokens need, created before its tests and closed after them. */
export interface SuiteIssuers {
  /** Cognito's RS256 key (its JWKS is injected into the verifier). */
  cognitoKeys: Keys;
  /** The external `partners` issuer's ES256 key, served by `partners`. */
  partnerKeys: Keys;
  partners: { url: string; server: Server; hits: () => number };
}

/** Registers beforeAll/afterAll for {@link SuiteIssuers}; read the fields inside tests only. */
export function issuersForSuite(): SuiteIssuers {
  const suite = {} as SuiteIssuers;
  beforeAll(async () => {
    suite.cognitoKeys = await keyPair('RS256', 'cognito-1');
    suite.partnerKeys = await keyPair('ES256', 'partner-1');
    suite.partners = await jwksServer({ keys: [suite.partnerKeys.jwk] });
  });
  afterAll(() => suite.partners.server.close());
  return suite;
}
