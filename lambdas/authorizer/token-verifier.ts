import { CognitoJwtVerifier, validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import {
  JwksNotAvailableInCacheError, JwtExpiredError, JwtInvalidAudienceError, JwtInvalidClaimError, JwtInvalidSignatureError, JwtNotBeforeError, KidNotFoundInJwksError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type Jwks, type JwksCache } from 'aws-jwt-verify/jwk';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { JwtVerifierBase } from 'aws-jwt-verify/jwt-verifier';
import type { IssuerConfig } from '../../lib/config/schema';
import { COGNITO_ISSUER_NAME, COGNITO_ISSUER_TYPES, cognitoIssuerUrl, defaultJwksUri, jwksUriOf, type CognitoIssuerType } from '../../lib/contract/issuers';
import { REASON, type UnauthorizedReason } from '../../lib/contract/authorizer-context';
import { AuthenticationError } from './errors';
import { inspectJwt, type JwtHygieneOptions } from './jwt-hygiene';

/** The Cognito issuer name used in `routes[].auth.issuers` (the contract's, under the authorizer's short name). */
export const COGNITO = COGNITO_ISSUER_NAME;

export interface VerifiedToken {
  /** Config issuer name (`cognito` or `identity.issuers[].name`). */
  readonly issuer: string;
  readonly payload: JwtPayload;
}

/** Verifies a bearer token; throws {@link AuthenticationError} for anything not acceptable. */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
  /** Loads every issuer's JWKS (call at init). */
  hydrate(): Promise<void>;
}

export interface CognitoSettings {
  readonly userPoolId: string;
  /** Every configured app client id (COGNITO_CLIENT_IDS). */
  readonly clientIds: readonly string[];
  /**
   * The issuer the pool is configured with (lib/contract/issuers.ts): its JWKS is loaded by
   * {@link TokenVerifier.hydrate}. Tokens of the other issuer type are accepted too (those issued
   * before the pool switched), their JWKS fetched on first use.
   * @default 'ORIGINAL'
   */
  readonly issuerType?: CognitoIssuerType;
}

export interface IssuerVerifierProps {
  readonly issuers: readonly IssuerConfig[];
  readonly cognito?: CognitoSettings;
  /**
   * Where JWKS come from. The default SimpleJwksCache fetches over https only; pass a cache with
   * `fetcher: new FetchJwksFetcher()` for a local http issuer, or use `jwks`.
   * @default new SimpleJwksCache()
   */
  readonly jwksCache?: JwksCache;
  /** Pre-loaded JWKS per issuer name (tests, air-gapped local runs); never fetched then. */
  readonly jwks?: Readonly<Record<string, Jwks>>;
  /** @default () => Date.now() */
  readonly clock?: () => number;
  readonly hygiene?: JwtHygieneOptions;
}

interface Entry {
  readonly name: string;
  readonly verifier: DecodedJwtVerifier;
  /** Load its JWKS at init (every issuer but the Cognito pool's other issuer type). */
  readonly hydrate: boolean;
}

/** The verification properties used here (a subset of aws-jwt-verify's VerifyProperties). */
type DecodedVerifyProperties = { audience: string | string[] | null; graceSeconds: number };
type IssuerProperties = { issuer: string; jwksUri: string } & DecodedVerifyProperties;

/**
 * aws-jwt-verify's verifier for one issuer, fed the token jwt-hygiene.ts has already decoded (its
 * `DecomposedJwt`) through the protected `verifyDecomposedJwt*` methods that JwtVerifierBase offers
 * subclasses: the library still selects the JWK by kid, checks alg against the JWK, verifies the
 * signature and validates exp / nbf / iss / aud (and `claimChecks`, e.g. Cognito's token_use and
 * client_id); it only skips decoding the token a second time.
 *
 * Synchronous while the issuer's JWKS holds the token's kid (the warm path: no promise per step);
 * when it does not, the library's async path fetches the JWKS (penalty box included), exactly as
 * `verify()` would.
 */
class DecodedJwtVerifier extends JwtVerifierBase<DecodedVerifyProperties, IssuerProperties, false> {
  private readonly properties: IssuerProperties;

  constructor(properties: IssuerProperties, jwksCache: JwksCache, private readonly claimChecks?: (payload: JwtPayload) => void) {
    super(properties, jwksCache);
    this.properties = this.getIssuerConfig();
  }

  verifyDecoded(jwt: DecomposedJwt): JwtPayload | Promise<JwtPayload> {
    let payload: JwtPayload;
    try {
      payload = this.verifyDecomposedJwtSync(jwt, this.properties.jwksUri, this.properties);
    } catch (err) {
      if (err instanceof JwksNotAvailableInCacheError || err instanceof KidNotFoundInJwksError) return this.verifyDecodedAsync(jwt);
      throw err;
    }
    this.claimChecks?.(payload);
    return payload;
  }

  private async verifyDecodedAsync(jwt: DecomposedJwt): Promise<JwtPayload> {
    const payload = await this.verifyDecomposedJwt(jwt, this.properties.jwksUri, this.properties);
    this.claimChecks?.(payload);
    return payload;
  }
}

/**
 * Cognito access tokens (CognitoJwtVerifier's checks: token_use access, client_id among the
 * configured clients) and external OIDC issuers (JwtVerifier's: issuer, audiences, JWKS). The
 * token is decoded once, by the RFC 8725 checks (jwt-hygiene.ts); the issuer is looked up from its
 * `iss` before any key fetch, so a token naming an unknown issuer never makes the authorizer fetch
 * anything, and aws-jwt-verify then verifies the already decoded token.
 */
export class IssuerVerifier implements TokenVerifier {
  private readonly byIss = new Map<string, Entry>();
  private readonly clock: () => number;
  private readonly hygiene?: JwtHygieneOptions;

  constructor(props: IssuerVerifierProps) {
    const jwksCache = props.jwksCache ?? new SimpleJwksCache();
    this.clock = props.clock ?? (() => Date.now());
    this.hygiene = props.hygiene;
    if (props.cognito) {
      // What CognitoJwtVerifier.create({ userPoolId, tokenUse: 'access', clientId }) checks: both
      // issuers of the pool (ORIGINAL and UPDATED, each with its own JWKS, as the library does),
      // no aud, then token_use access and client_id among the app clients (its own
      // validateCognitoJwtFields). The pool id is validated by the library's parseUserPoolId.
      const { userPoolId, clientIds, issuerType = 'ORIGINAL' } = props.cognito;
      CognitoJwtVerifier.parseUserPoolId(userPoolId);
      const cognitoChecks = { tokenUse: 'access' as const, clientId: [...clientIds] };
      for (const type of COGNITO_ISSUER_TYPES) {
        const issuer = cognitoIssuerUrl(userPoolId, type);
        const verifier = new DecodedJwtVerifier({ issuer, jwksUri: defaultJwksUri(issuer), audience: null, graceSeconds: 0 }, jwksCache, (payload) => validateCognitoJwtFields(payload, cognitoChecks));
        if (props.jwks?.[COGNITO]) verifier.cacheJwks(props.jwks[COGNITO]);
        this.byIss.set(issuer, { name: COGNITO, verifier, hydrate: type === issuerType });
      }
    }
    for (const issuer of props.issuers) {
      const jwksUri = jwksUriOf(issuer);
      const verifier = new DecodedJwtVerifier({ issuer: issuer.issuer, audience: [...issuer.audiences], jwksUri, graceSeconds: 0 }, jwksCache);
      if (props.jwks?.[issuer.name]) verifier.cacheJwks(props.jwks[issuer.name]);
      this.byIss.set(issuer.issuer, { name: issuer.name, verifier, hydrate: true });
    }
  }

  /**
   * Loads the JWKS of every issuer (the Cognito pool's configured issuer type only). A JWKS once
   * loaded stays in memory: aws-jwt-verify's SimpleJwksCache replaces it only with a successful
   * fetch, so a failed re-fetch keeps the keys it had.
   */
  async hydrate(): Promise<void> {
    await Promise.all([...this.byIss.values()].filter((e) => e.hydrate).map((e) => e.verifier.hydrate()));
  }

  /** Config issuer names this verifier knows. */
  get issuerNames(): string[] {
    return [...new Set([...this.byIss.values()].map((e) => e.name))];
  }

  async verify(token: string): Promise<VerifiedToken> {
    const { issuer, decomposed } = inspectJwt(token, Math.floor(this.clock() / 1000), this.hygiene);
    const entry = this.byIss.get(issuer);
    if (!entry) throw new AuthenticationError(REASON.jwtIssuerUnknown, 'iss is not a configured issuer');
    try {
      const payload = entry.verifier.verifyDecoded(decomposed);
      // Warm path: the JWKS holds the kid and verification was synchronous (no extra await).
      return { issuer: entry.name, payload: payload instanceof Promise ? await payload : payload };
    } catch (cause) {
      throw new AuthenticationError(verifierReason(cause), `token rejected by ${entry.name} verifier: ${(cause as Error).name}`, { cause });
    }
  }
}

/**
 * The reason code of aws-jwt-verify's refusal, for the log line and the metric dimension (never
 * shown to callers): a bad signature, an unknown key, a wrong audience and the other claim checks
 * are told apart. By class, not `name`: the deploy bundle is minified.
 */
function verifierReason(cause: unknown): UnauthorizedReason {
  if (cause instanceof JwtInvalidSignatureError) return REASON.jwtSignatureInvalid;
  if (cause instanceof KidNotFoundInJwksError) return REASON.jwtKidUnknown;
  if (cause instanceof JwtInvalidAudienceError) return REASON.jwtAudienceInvalid;
  // aws-jwt-verify checks exp and nbf without the hygiene's skew: the same reasons as jwt-hygiene.ts.
  if (cause instanceof JwtExpiredError) return REASON.jwtExpired;
  if (cause instanceof JwtNotBeforeError) return REASON.jwtNbfFuture;
  // Cognito's token_use and client_id, and every other claim check.
  if (cause instanceof JwtInvalidClaimError) return REASON.jwtClaimInvalid;
  return REASON.jwtInvalid;
}

/**
 * A JWKS fetcher on the global `fetch` (http or https) with a timeout and a size bound: for a
 * local or in-cluster issuer that aws-jwt-verify's https-only SimpleFetcher cannot reach.
 */
export class FetchJwksFetcher implements Fetcher {
  constructor(private readonly options: { timeoutMs?: number; maxBytes?: number } = {}) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(uri, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 1500), redirect: 'error' });
    if (!response.ok) throw new Error(`JWKS fetch failed: HTTP ${response.status}`);
    const body = await response.arrayBuffer();
    if (body.byteLength > (this.options.maxBytes ?? 64 * 1024)) throw new Error('JWKS document too large');
    return body;
  }
}
