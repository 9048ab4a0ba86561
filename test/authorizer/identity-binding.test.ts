import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { apiKeyId, certRecordId, clientRecordId, type ConsumerRecord } from '../../lambdas/authorizer/consumer-store';
import { COGNITO } from '../../lambdas/authorizer/token-verifier';
import { requestEvent } from './events';
import { API_KEYS, CLIENTS, cognitoClaims, harness, INTERNAL_CA, issuersForSuite, sign, testConfig } from './fixtures';

/**
 * Consumer records are bound to what vouches for the credential: OAuth client records to the
 * issuer that verified the token, certificate records to the CA that issued the certificate
 * (docs/decisions/0013-consumer-records-bound-to-issuer.md). And what claims and records put in
 * the context, which the API stack turns into upstream X-Gatehouse-* headers, is header-safe.
 */
const suite = issuersForSuite();

const make = (over: Parameters<typeof testConfig>[1] = {}) => {
  const config = testConfig(suite.partners.url, over);
  return { config, ...harness({ config, cognitoKeys: suite.cognitoKeys, partnersUrl: suite.partners.url }) };
};
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const now = () => Math.floor(Date.now() / 1000);
const record = (r: Partial<ConsumerRecord> & { consumer: string }): ConsumerRecord => ({ status: 'active', allowedCidrs: [], canary: false, ...r });
const effect = (r: APIGatewayAuthorizerResult) => r.policyDocument.Statement[0].Effect;

/** A token of the second issuer (`partners`, its own IdP), e.g. a partner's Keycloak realm. */
const partnerToken = (over: Record<string, unknown> = {}) => sign(suite.partnerKeys, {
  iss: suite.partners.url, aud: 'gatehouse-api', sub: 'svc-evil', azp: 'evil-app', scp: ['partners:read'], groups: ['partner-readers'],
  plan: 'free', org: 'evilcorp', iat: now(), exp: now() + 600, ...over,
});

describe('OAuth client records are bound to the issuer that verified the token', () => {
  it('does not give a token of another issuer the record of a Cognito client whose id it carries (was: takeover of partner-co)', async () => {
    const { authorize, config, outcomes } = make();
    // Client ids are not secret: partner-batch's Cognito id is in every token of that client.
    const forged = await authorize(requestEvent({ path: '/v1/partners', headers: bearer(await partnerToken({ azp: undefined, client_id: CLIENTS['partner-batch'] })) }));
    expect(forged.context).toMatchObject({ consumer: `partners/client:${CLIENTS['partner-batch']}`, tier: 'free', tenant: 'evilcorp' });
    expect(forged.usageIdentifierKey).toBe(config.usageKeys.free);
    expect(outcomes.at(-1)).toMatchObject({ effect: 'allow', tier: 'free' });

    // The Cognito token of that client still finds its record (control).
    const genuine = await authorize(requestEvent({ path: '/v2/users', headers: bearer(await sign(suite.cognitoKeys, cognitoClaims({ client_id: CLIENTS['partner-batch'] }))) }));
    expect(genuine.context).toMatchObject({ consumer: 'partner-co', tier: 'enterprise' });
  });

  it('reads the record of the issuer that verified the token, and no record bound to another issuer or to none', async () => {
    const { authorize, store } = make();
    store.put(clientRecordId('partners', 'evil-app'), record({ consumer: 'evil-co', tier: 'pro', tenant: 'evilcorp' }));
    store.put(clientRecordId(COGNITO, 'other-app'), record({ consumer: 'cognito-other', tier: 'enterprise' }));
    store.put('client#unbound-app', record({ consumer: 'legacy', tier: 'enterprise' })); // the format before decision 0013
    const call = async (azp: string) => (await authorize(requestEvent({ path: '/v1/partners', headers: bearer(await partnerToken({ azp })) }))).context;
    expect(await call('evil-app')).toMatchObject({ consumer: 'evil-co', tier: 'pro' });
    expect(await call('other-app')).toMatchObject({ consumer: 'partners/client:other-app', tier: 'free' });
    expect(await call('unbound-app')).toMatchObject({ consumer: 'partners/client:unbound-app', tier: 'free' });
  });

  it('neither triggers nor dodges a revocation across issuers', async () => {
    const { authorize, store } = make();
    store.put(clientRecordId(COGNITO, 'shared-id'), record({ consumer: 'cognito-client', status: 'revoked' }));
    store.put(clientRecordId('partners', 'revoked-app'), record({ consumer: 'partner-app', status: 'revoked' }));
    const call = async (azp: string) => authorize(requestEvent({ path: '/v1/partners', headers: bearer(await partnerToken({ azp })) }));
    expect(effect(await call('shared-id'))).toBe('Allow');
    expect((await call('revoked-app')).context).toEqual({ reason: 'revoked', message: 'this client is revoked' });
  });
});

describe('client certificate records are bound to the issuing CA', () => {
  const PARTNER_CA = 'CN=Some Partner CA,O=Partner Ltd';
  const billing = (issuerDN: string | null, serialNumber = '01') =>
    requestEvent({ method: 'POST', path: '/internal/billing', clientCert: { subjectDN: 'CN=billing-service,OU=internal,O=Example Corp', serialNumber, issuerDN } });

  it('refuses a certificate of another CA in the truststore with the subject of a consumer (was: Allow billing-service)', async () => {
    const { authorize, outcomes } = make();
    await expect(authorize(billing(PARTNER_CA))).rejects.toThrow(new Error('Unauthorized'));
    expect(outcomes.at(-1)).toMatchObject({ effect: 'unauthorized', reason: 'cert_unknown' });
    expect((await authorize(billing(INTERNAL_CA))).context).toMatchObject({ consumer: 'billing-service', tier: 'enterprise' });
  });

  it('with identity_from serial, refuses the serial of a consumer issued by another CA (was: Allow internal-ledger)', async () => {
    const { authorize, store } = make({ mtls: { truststore_uri: 's3://truststore-bucket/ca.pem', identity_from: 'serial' } });
    store.put(certRecordId(INTERNAL_CA, '1000'), record({ consumer: 'internal-ledger', tier: 'enterprise' }));
    await expect(authorize(billing(PARTNER_CA, '1000'))).rejects.toThrow(new Error('Unauthorized'));
    expect((await authorize(billing(INTERNAL_CA, '1000'))).context).toMatchObject({ consumer: 'internal-ledger' });
  });

  it('refuses a certificate without an issuer DN', async () => {
    const { authorize, outcomes } = make();
    await expect(authorize(billing(null))).rejects.toThrow(new Error('Unauthorized'));
    await expect(authorize(billing(''))).rejects.toThrow(new Error('Unauthorized'));
    expect(outcomes.map((o) => o.reason)).toEqual(['cert_issuer_missing', 'cert_issuer_missing']);
  });

  it('cannot reach a record through a `#` in an issuer DN', async () => {
    const { authorize, store } = make();
    store.put(certRecordId(INTERNAL_CA, 'CN=svc#1,O=Example Corp'), record({ consumer: 'svc-1' }));
    const event = (issuerDN: string, subjectDN: string) => requestEvent({ method: 'POST', path: '/internal/billing', clientCert: { subjectDN, serialNumber: '02', issuerDN } });
    await expect(authorize(event(`${INTERNAL_CA}#CN=svc`, '1,O=Example Corp'))).rejects.toThrow('Unauthorized');
    expect((await authorize(event(INTERNAL_CA, 'CN=svc#1,O=Example Corp'))).context).toMatchObject({ consumer: 'svc-1' });
  });
});

describe('claim and record values passed on to upstream headers', () => {
  it.each([
    ['sub with CR/LF (header injection)', { sub: 'svc-1\r\nX-Gatehouse-Tier: enterprise' }],
    ['sub with a NUL', { sub: 'svc\u0000' }],
    ['sub with non-ASCII', { sub: 'svc-\u00e9' }],
    ['sub with a leading space', { sub: ' svc-1' }],
    ['sub over 512 characters', { sub: 's'.repeat(513) }],
    ['azp with LF', { azp: 'app\nX: y' }],
    ['tier claim with CR/LF', { plan: 'pro\r\n' }],
    ['tenant claim with CR/LF', { org: 'acme\r\nX: y' }],
    ['tenant claim that is not a DNS label', { org: 'acme_corp' }],
    ['tenant claim in upper case', { org: 'ACME' }],
  ])('refuses a token whose %s (Unauthorized)', async (_name, claims) => {
    const { authorize, outcomes } = make();
    await expect(authorize(requestEvent({ path: '/v1/partners', headers: bearer(await partnerToken(claims)) }))).rejects.toThrow(new Error('Unauthorized'));
    expect(outcomes.at(-1)).toMatchObject({ effect: 'unauthorized', reason: 'claim_malformed' });
  });

  it('refuses a Cognito token whose sub has CR/LF', async () => {
    const { authorize, outcomes } = make();
    await expect(authorize(requestEvent({ path: '/v2/users', headers: bearer(await sign(suite.cognitoKeys, cognitoClaims({ sub: 'user\r\nX: 1' }))) }))).rejects.toThrow('Unauthorized');
    expect(outcomes.at(-1)?.reason).toBe('claim_malformed');
  });

  it('keeps ignoring claims that are absent, empty or not strings, and allows printable ones', async () => {
    const { authorize } = make();
    const ok = await authorize(requestEvent({ path: '/v1/partners', headers: bearer(await partnerToken({ sub: 'svc 1/x@example.com', org: 'initech-2', plan: 42 })) }));
    expect(ok.context).toMatchObject({ principal: 'svc 1/x@example.com', consumer: 'partners/client:evil-app', tenant: 'initech-2', tier: 'free' });
    const noSub = await authorize(requestEvent({ path: '/v1/partners', headers: bearer(await partnerToken({ sub: '', org: 7 })) }));
    expect(noSub.context).toMatchObject({ principal: 'evil-app', tenant: '' });
  });

  it('leaves scopes that are not scope tokens out of the context (a left-out scope grants nothing)', async () => {
    const { authorize } = make();
    const array = await authorize(requestEvent({ path: '/v1/partners', headers: bearer(await partnerToken({ scp: ['partners:read', 'a\r\nX-Evil: 1', 'caf\u00e9', 'q"'] })) }));
    expect(array.context?.scopes).toBe('partners:read');
    const text = await authorize(requestEvent({ path: '/v1/partners', headers: bearer(await partnerToken({ scp: 'partners:read x\r\nX-Evil: 1' })) }));
    expect(text.context?.scopes).toBe('partners:read 1');
  });

  it('refuses a credential whose consumer record has a consumer or tenant unfit for a header', async () => {
    const { authorize, store, outcomes } = make();
    const badKeys = { consumer: 'gh_live_bad_consumer_000000000', tenant: 'gh_live_bad_tenant_00000000000' };
    store.put(apiKeyId(badKeys.consumer), record({ consumer: 'acme\r\nX-Gatehouse-Tier: enterprise', tier: 'free' }));
    store.put(apiKeyId(badKeys.tenant), record({ consumer: 'acme', tier: 'free', tenant: 'Acme Corp' }));
    store.put(clientRecordId('partners', 'bad-record-app'), record({ consumer: 'x\ny' }));
    await expect(authorize(requestEvent({ headers: { 'x-api-key': badKeys.consumer } }))).rejects.toThrow(new Error('Unauthorized'));
    await expect(authorize(requestEvent({ headers: { 'x-api-key': badKeys.tenant } }))).rejects.toThrow(new Error('Unauthorized'));
    await expect(authorize(requestEvent({ path: '/v1/partners', headers: bearer(await partnerToken({ azp: 'bad-record-app' })) }))).rejects.toThrow(new Error('Unauthorized'));
    expect(outcomes.map((o) => o.reason)).toEqual(['record_malformed', 'record_malformed', 'record_malformed']);
    expect(effect(await authorize(requestEvent({ headers: { 'x-api-key': API_KEYS.tenant } })))).toBe('Allow'); // control
  });
});
