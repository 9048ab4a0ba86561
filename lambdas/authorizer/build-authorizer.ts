import type { RateLimiter } from '../../lib/rate-limit/rate-limiter';
import { createAuthorizer, type Authorize, type AuthorizerDeps } from './authorizer';
import type { AuthorizerConfig } from './config';
import { CachingConsumerStore, type ConsumerStore } from './consumer-store';
import { CachingTokenVerifier } from './token-cache';
import type { TokenVerifier } from './token-verifier';

/** What differs between the Lambda and the local twin: the seams and the hooks. */
export interface AuthorizerSeams {
  readonly config: AuthorizerConfig;
  /** The issuers' verifier; {@link buildAuthorizer} puts the token cache in front of it. */
  readonly tokens: TokenVerifier;
  /** The consumer records; {@link buildAuthorizer} puts the `api_keys.cache_seconds` cache in front of them. */
  readonly consumers: ConsumerStore;
  readonly limiter: RateLimiter;
  /** @default () => Date.now() */
  readonly clock?: () => number;
  readonly cognitoClientNames?: AuthorizerDeps['cognitoClientNames'];
  readonly onOutcome?: AuthorizerDeps['onOutcome'];
  /** Told whether each consumer lookup was a cache hit. */
  readonly onKeyCache?: (hit: boolean) => void;
}

/**
 * The one assembly of the authorizer, used by the Lambda runtime (./runtime.ts) and the local twin
 * (local/authorizer-adapter.ts), so the two cannot drift: verified tokens reused until `exp`
 * (`limits: exact` runs the authorizer on every request) and consumer records cached for
 * `api_keys.cache_seconds`, both on the seams' clock. `tokens` is the caching verifier, to hydrate.
 * @example
 * const { authorize, tokens } = buildAuthorizer({ config, tokens: new IssuerVerifier({ issuers: config.issuers }), consumers, limiter });
 * await tokens.hydrate();
 */
export function buildAuthorizer(seams: AuthorizerSeams): { readonly authorize: Authorize; readonly tokens: TokenVerifier } {
  const { clock } = seams;
  const tokens = new CachingTokenVerifier(seams.tokens, { clock });
  const consumers = new CachingConsumerStore(seams.consumers, { ttlSeconds: seams.config.apiKeys.cache_seconds, clock, onLookup: seams.onKeyCache });
  return { authorize: createAuthorizer({ ...seams, tokens, consumers }), tokens };
}
