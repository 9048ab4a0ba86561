import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { AuthenticationError } from '../../lambdas/authorizer/errors';
import { IssuerVerifier, type CognitoSettings } from '../../lambdas/authorizer/token-verifier';
import { REASON } from '../../lib/contract/authorizer-context';
import { keyPair, sign, type Keys } from './fixtures';

/**
 * The Cognito pool of a multi-region environment (decision 0026, F3/F5): its tokens carry the
 * UPDATED issuer of the primary region once the pool is switched, the ORIGINAL one before; every
 * region's authorizer accepts both, and nothing else. Real RS256 keys and signatures; the JWKS
 * comes from a plain-object fetcher, so the test sees which URI is fetched when.
 */
const POOL = 'eu-west-2_MultiRgn1';
const ORIGINAL = `https://cognito-idp.eu-west-2.amazonaws.com/${POOL}`;
const UPDATED = `https://issuer-cognito-idp.eu-west-2.amazonaws.com/${POOL}`;
const jwksOf = (issuer: string) => `${issuer}/.well-known/jwks.json`;
const CLIENT = 'partneracme0000000000001';

let keys: Keys;
let attacker: Keys;
beforeAll(async () => {
  keys = await keyPair('RS256', 'cognito-1');
  attacker = await keyPair('RS256', 'cognito-1');
});

/** Serves the pool's JWKS at both of its URIs, until `down` (a region outage: every fetch fails). */
function cognitoJwks() {
  const fetched: string[] = [];
  const state = { down: false };
  const fetcher: Fetcher = {
    async fetch(uri) {
      fetched.push(uri);
      if (state.down || ![jwksOf(ORIGINAL), jwksOf(UPDATED)].includes(uri)) throw new Error(`unreachable: ${uri}`);
      return new TextEncoder().encode(JSON.stringify({ keys: [keys.jwk] })).buffer as ArrayBuffer;
    },
  };
  return { fetched, state, jwksCache: new SimpleJwksCache({ fetcher }) };
}

const verifierFor = (jwksCache: SimpleJwksCache, over: Partial<CognitoSettings> = {}) =>
  new IssuerVerifier({ issuers: [], cognito: { userPoolId: POOL, clientIds: [CLIENT], ...over }, jwksCache });

const now = () => Math.floor(Date.now() / 1000);
const accessToken = (iss: string, signer: Keys = keys) => sign(signer, {
  sub: 'svc-acme', iss, client_id: CLIENT, token_use: 'access', scope: 'payments/read', iat: now() - 10, exp: now() + 1800, jti: 'j1',
});

/** The reason of the refusal (the verifier throws AuthenticationError for every refusal). */
async function refusal(verifier: IssuerVerifier, token: string): Promise<string> {
  const error = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
  if (!(error instanceof AuthenticationError)) throw new Error(`expected an AuthenticationError, got ${String(error)}`);
  return error.reason;
}

describe('Cognito issuers of a multi-region pool (issuerType UPDATED)', () => {
  it('loads only the UPDATED issuer\'s JWKS at init', async () => {
    const { fetched, jwksCache } = cognitoJwks();
    await verifierFor(jwksCache, { issuerType: 'UPDATED' }).hydrate();
    expect(fetched).toEqual([jwksOf(UPDATED)]);
  });

  it('accepts a token whose iss is the UPDATED issuer of the primary region, without a fetch after init', async () => {
    const { fetched, jwksCache } = cognitoJwks();
    const verifier = verifierFor(jwksCache, { issuerType: 'UPDATED' });
    await verifier.hydrate();
    const verified = await verifier.verify(await accessToken(UPDATED));
    expect(verified).toMatchObject({ issuer: 'cognito', payload: { iss: UPDATED, client_id: CLIENT } });
    expect(fetched).toEqual([jwksOf(UPDATED)]);
  });

  it('accepts a token issued before the switch (ORIGINAL issuer), fetching that issuer\'s JWKS on first use', async () => {
    const { fetched, jwksCache } = cognitoJwks();
    const verifier = verifierFor(jwksCache, { issuerType: 'UPDATED' });
    await verifier.hydrate();
    expect(await verifier.verify(await accessToken(ORIGINAL))).toMatchObject({ issuer: 'cognito', payload: { iss: ORIGINAL } });
    expect(await verifier.verify(await accessToken(ORIGINAL))).toMatchObject({ issuer: 'cognito' });
    expect(fetched).toEqual([jwksOf(UPDATED), jwksOf(ORIGINAL)]);
  });

  it.each([
    ['the ORIGINAL issuer of another region (a replica\'s regional issuer)', `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`],
    ['the UPDATED issuer naming another region', `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL}`],
    ['another pool in the same region', 'https://issuer-cognito-idp.eu-west-2.amazonaws.com/eu-west-2_OtherPool'],
    ['another pool, ORIGINAL issuer', 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_OtherPool'],
    ['the UPDATED host without the pool id', 'https://issuer-cognito-idp.eu-west-2.amazonaws.com/'],
  ])('refuses a token whose iss is %s, before any key fetch', async (_what, iss) => {
    const { fetched, jwksCache } = cognitoJwks();
    const verifier = verifierFor(jwksCache, { issuerType: 'UPDATED' });
    expect(await refusal(verifier, await accessToken(iss))).toBe(REASON.jwtIssuerUnknown);
    expect(fetched).toEqual([]);
  });

  it('refuses a token with the UPDATED issuer signed by another key with the same kid', async () => {
    const { jwksCache } = cognitoJwks();
    const verifier = verifierFor(jwksCache, { issuerType: 'UPDATED' });
    await verifier.hydrate();
    expect(await refusal(verifier, await accessToken(UPDATED, attacker))).toBe(REASON.jwtSignatureInvalid);
  });

  it('names the pool once among its issuers', () => {
    expect(verifierFor(cognitoJwks().jwksCache).issuerNames).toEqual(['cognito']);
  });
});

describe('Cognito issuers of a one-region pool (issuerType default, ORIGINAL)', () => {
  it('loads the ORIGINAL issuer\'s JWKS at init, as before', async () => {
    const { fetched, jwksCache } = cognitoJwks();
    await verifierFor(jwksCache).hydrate();
    expect(fetched).toEqual([jwksOf(ORIGINAL)]);
  });

  it('still accepts the UPDATED issuer of its own pool (as aws-jwt-verify\'s CognitoJwtVerifier does), fetched on first use', async () => {
    const { fetched, jwksCache } = cognitoJwks();
    const verifier = verifierFor(jwksCache);
    await verifier.hydrate();
    expect(await verifier.verify(await accessToken(UPDATED))).toMatchObject({ issuer: 'cognito' });
    expect(fetched).toEqual([jwksOf(ORIGINAL), jwksOf(UPDATED)]);
  });
});

describe('a JWKS endpoint that becomes unreachable (primary_only while the primary region is down)', () => {
  it('keeps verifying with the JWKS loaded at init: a failed re-fetch does not drop it', async () => {
    const { state, jwksCache } = cognitoJwks();
    const verifier = verifierFor(jwksCache, { issuerType: 'UPDATED' });
    await verifier.hydrate();
    state.down = true;
    await expect(verifier.hydrate()).rejects.toThrow('unreachable');
    expect(await verifier.verify(await accessToken(UPDATED))).toMatchObject({ issuer: 'cognito' });
  });

  it('refuses every Cognito token on an instance that could not load the JWKS at init (a cold start during the outage)', async () => {
    const { state, fetched, jwksCache } = cognitoJwks();
    state.down = true;
    const verifier = verifierFor(jwksCache, { issuerType: 'UPDATED' });
    await expect(verifier.hydrate()).rejects.toThrow('unreachable');
    expect(await refusal(verifier, await accessToken(UPDATED))).toBe(REASON.jwtInvalid);
    // A failed fetch is not held back by aws-jwt-verify's penalty box (it counts only a kid
    // missing from a fetched JWKS): the next token tries again.
    expect(await refusal(verifier, await accessToken(UPDATED))).toBe(REASON.jwtInvalid);
    expect(fetched).toEqual([jwksOf(UPDATED), jwksOf(UPDATED), jwksOf(UPDATED)]);
  });
});
