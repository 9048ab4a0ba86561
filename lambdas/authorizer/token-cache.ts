import type { TokenVerifier, VerifiedToken } from './token-verifier';

export interface CachingTokenVerifierProps {
  /**
   * Upper bound of what the cache holds, counted as the UTF-16 size of each token plus the JSON
   * size of its payload (a little under V8's real footprint of strings, a little over its objects').
   * @default 8 MiB (the authorizer has 512 MB; a 1 KB token costs ~3 KB: ~2,700 tokens)
   */
  readonly maxBytes?: number;
  /** @default () => Date.now() */
  readonly clock?: () => number;
  readonly onLookup?: (hit: boolean) => void;
}

interface Entry { readonly token: VerifiedToken; readonly expiresAtMs: number; readonly bytes: number }

/**
 * Verified tokens reused until their `exp`, so that `limits: exact` (the authorizer on every
 * request) does not pay an RS256 verification per request of the same token. Only tokens that
 * passed every check are cached (rejections are not: a flood of forged tokens costs what it costs
 * today and cannot evict good entries faster than it could without the cache), and a hit is
 * refused the moment the token expires. Oldest entries are dropped first beyond `maxBytes`.
 *
 * What a hit skips: the signature check and the JWKS lookup of a token already verified in this
 * execution environment. A key removed from the issuer's JWKS therefore stops its tokens at their
 * `exp` at the latest, as in any JWT system without introspection.
 */
export class CachingTokenVerifier implements TokenVerifier {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly clock: () => number;

  constructor(private readonly inner: TokenVerifier, private readonly props: CachingTokenVerifierProps = {}) {
    this.maxBytes = props.maxBytes ?? 8 * 1024 * 1024;
    this.clock = props.clock ?? (() => Date.now());
  }

  hydrate(): Promise<void> {
    return this.inner.hydrate();
  }

  async verify(token: string): Promise<VerifiedToken> {
    const now = this.clock();
    const cached = this.entries.get(token);
    if (cached) {
      if (now < cached.expiresAtMs) {
        this.props.onLookup?.(true);
        return cached.token;
      }
      this.drop(token, cached);
    }
    this.props.onLookup?.(false);
    const verified = await this.inner.verify(token);
    const exp = verified.payload.exp;
    // A token without exp is refused by the hygiene checks; never cache one anyway.
    if (typeof exp === 'number' && exp * 1000 > now) this.add(token, verified, exp * 1000);
    return verified;
  }

  /** Bytes held (tests and the bench). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private add(token: string, verified: VerifiedToken, expiresAtMs: number): void {
    const bytes = 2 * token.length + JSON.stringify(verified.payload).length + 64;
    if (bytes > this.maxBytes) return;
    while (this.bytes + bytes > this.maxBytes) {
      const oldest = this.entries.entries().next().value;
      if (!oldest) break;
      this.drop(oldest[0], oldest[1]);
    }
    this.entries.set(token, { token: verified, expiresAtMs, bytes });
    this.bytes += bytes;
  }

  private drop(token: string, entry: Entry): void {
    this.entries.delete(token);
    this.bytes -= entry.bytes;
  }
}
