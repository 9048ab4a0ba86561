/**
 * Bad configs for the rules that used to throw only during synth (so `npm start` and `plan`
 * accepted them) and now run at load: CloudFront's cache behavior and cache key quotas
 * (lib/checks/edge-limits.ts) and the OIDC client secret reference (federation-secrets.ts).
 * No config reaches the web ACL's capacity limit today; edge-limits.test.ts reaches that rule.
 */
import { bad, type BadConfig } from '../config/bad-config';
import { at, edit } from '../config/fixtures';

/** `count` anonymous routes cached at the edge, each on its own path (two behaviors per path). */
const edgeCachedRoutes = (count: number) => Array.from({ length: count }, (_, i) =>
  `  - { name: c${i}, paths: [/c${i}], service: catalog, auth: { strategies: [none] }, cache: { ttl: 0, cdn_ttl: 60 } }\n`).join('');
const TEN_HEADERS = Array.from({ length: 10 }, (_, i) => `X-Key-${i}`).join(', ');

export const SYNTH_RULES_AT_LOAD: readonly BadConfig[] = [
  // 12 cached paths are 24 behaviors; the developer portal's 2 make 26.
  bad('refuses more CloudFront cache behaviors than a distribution allows, the portal\'s counted',
    edit(['tiers:\n', `${edgeCachedRoutes(12)}tiers:\n`]),
    (text) => [`${at(text, 'routes:')} routes: edge caching needs 24 CloudFront cache behaviors and the developer portal's 2, more than the 25 a distribution allows; set cache.cdn_ttl: 0 on some routes (or portal.enabled: false)`]),
  bad('refuses an edge cache key with more headers than CloudFront allows (the credential header counts)',
    edit(['      ttl: 60\n', `      ttl: 60\n      cdn_ttl: 60\n      allow_authenticated_cdn: true\n      key_headers: [${TEN_HEADERS}]\n`]),
    (text) => [`${at(text, 'key_headers')} routes[1].cache.key_headers: the edge cache key would need 11 headers (${TEN_HEADERS}, x-api-key); CloudFront allows 10`]),
  bad('refuses an OIDC client secret in SSM, which CloudFormation cannot resolve for Cognito',
    edit(['    public_clients:\n', '    federation:\n      oidc:\n        - { name: corp, issuer: "https://idp.example.com", client_id: gatehouse, client_secret: { ssm: /corp/oidc } }\n    public_clients:\n']),
    (text) => [`${at(text, 'client_secret')} identity.cognito.federation.oidc[0].client_secret: reference the OIDC client secret as { secrets_manager: name }: CloudFormation cannot resolve SSM SecureString parameters (/corp/oidc) in Cognito identity providers`]),
];
