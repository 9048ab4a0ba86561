import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type Jwks, type JwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { IssuerConfig } from '../../lib/config/schema';
import { AuthenticationError } from './errors';
import { inspectJwt, type JwtHygieneOptions } from './jwt-hygiene';

/** The Cognito issuer name used in `routes[].auth.issuers`. */
export const COGNITO = 'cognito';

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

interface Entry { readonly name: string; readonly verifier: { verify(jwt: string): Promise<JwtPayload>; hydrate(): Promise<void> } }

/**
 * Cognito access tokens (CognitoJwtVerifier: token_use access, client_id among the configured
 * clients) and external OIDC issuers (JwtVerifier with issuer, audiences, JWKS). The issuer is
 * looked up from `iss` after the RFC 8725 checks and before any key fetch, so a token naming an
 * unknown issuer never makes the authorizer fetch anything.
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
      const { userPoolId, clientIds } = props.cognito;
      const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'access', clientId: [...clientIds], graceSeconds: 0 }, { jwksCache });
      const region = userPoolId.split('_')[0];
      const iss = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
      if (props.jwks?.[COGNITO]) verifier.cacheJwks(props.jwks[COGNITO]);
      this.byIss.set(iss, { name: COGNITO, verifier });
    }
    for (const issuer of props.issuers) {
      const jwksUri = issuer.jwks_uri ?? `${issuer.issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
      const verifier = JwtVerifier.create({ issuer: issuer.issuer, audience: [...issuer.audiences], jwksUri, graceSeconds: 0 }, { jwksCache });
      if (props.jwks?.[issuer.name]) verifier.cacheJwks(props.jwks[issuer.name]);
      this.byIss.set(issuer.issuer, { name: issuer.name, verifier });
    }
  }

  async hydrate(): Promise<void> {
    await Promise.all([...this.byIss.values()].map((e) => e.verifier.hydrate()));
  }

  /** Config issuer names this verifier knows. */
  get issuerNames(): string[] {
    return [...this.byIss.values()].map((e) => e.name);
  }

  async verify(token: string): Promise<VerifiedToken> {
    const { issuer } = inspectJwt(token, Math.floor(this.clock() / 1000), this.hygiene);
    const entry = this.byIss.get(issuer);
    if (!entry) throw new AuthenticationError('jwt_issuer_unknown', 'iss is not a configured issuer');
    try {
      return { issuer: entry.name, payload: await entry.verifier.verify(token) };
    } catch (cause) {
      throw new AuthenticationError('jwt_invalid', `token rejected by ${entry.name} verifier: ${(cause as Error).name}`, { cause });
    }
  }
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
