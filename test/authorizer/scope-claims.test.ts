import { claimScopes } from '../../lambdas/authorizer/access';
import { requestEvent } from './events';
import { harness, issuersForSuite, sign, testConfig } from './fixtures';

const suite = issuersForSuite();
const now = () => Math.floor(Date.now() / 1000);

/**
 * An external issuer's scope claim may be a list (`scp`): each element is one scope. An element
 * with a space must not become several scopes, or a token granted "partners:write partners:read"
 * as one (odd) scope would pass a route that requires partners:read.
 */
describe('scope claims given as a list', () => {
  const call = async (scp: unknown) => {
    const config = testConfig(suite.partners.url);
    const { authorize, outcomes } = harness({ config, cognitoKeys: suite.cognitoKeys, partnersUrl: suite.partners.url });
    const claims = { iss: suite.partners.url, aud: 'gatehouse-api', sub: 'svc-42', azp: 'partner-app', scp, groups: ['partner-readers'], iat: now(), exp: now() + 600 };
    const token = await sign(suite.partnerKeys, claims, { typ: 'at+jwt' });
    const effect = await authorize(requestEvent({ path: '/v1/partners', headers: { Authorization: `Bearer ${token}` } })).then((r) => r.policyDocument.Statement[0].Effect, () => 'Unauthorized');
    return { effect, reason: outcomes[0]?.reason };
  };

  it('admits the list element that is the required scope (control)', async () => {
    expect((await call(['partners:read'])).effect).toBe('Allow');
  });

  it('refuses an element that smuggles several scopes in one string', async () => {
    expect(await call(['partners:write partners:read'])).toEqual({ effect: 'Deny', reason: 'insufficient_scope' });
  });

  it('reads only string elements that are single scope tokens', () => {
    expect(claimScopes(['a:read', 'b c', 7, null, '', 'x"y', 'ok'])).toEqual(['a:read', 'ok']);
    expect(claimScopes('a:read  b:write')).toEqual(['a:read', 'b:write']);
    expect(claimScopes({ scope: 'a' })).toEqual([]);
  });
});
